/**
 * What the contest's host script sends for a segment file: each line's first space-separated
 * field, read as a float64 and printed back by Python (`str(float)`), followed by one space.
 *
 * @module
 */
import { pythonFloatRepr } from "./python_float.ts";

/**
 * The bytes the host script sends for one segment file's text (one number per line).
 * Throws a SyntaxError naming `file` and the line when a line is not a number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostSegmentText } from "./host_text.ts";
 * assert.equal(hostSegmentText("-0.0017181\n0.0000100\r\n2\n", "a.txt"), "-0.0017181 1e-05 2.0 ");
 * ```
 */
export function hostSegmentText(text: string, file: string): string {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, i) => {
    const field = line.trim().split(" ")[0];
    const value = field === "" ? NaN : Number(field);
    if (Number.isNaN(value) && !/^[-+]?nan$/i.test(field)) {
      throw new SyntaxError(`${file}, line ${i + 1}: "${field}" is not a number`);
    }
    return `${pythonFloatRepr(value)} `;
  }).join("");
}
