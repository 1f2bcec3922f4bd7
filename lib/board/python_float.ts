/**
 * `str()` of a float64 as Python (and numpy's float64) print it: the shortest digits that
 * read back to the same double, positional for 1e-4 ≤ |x| < 1e16 and scientific outside, with
 * an exponent of at least two digits. This is what the contest's host script sends for each
 * sample, so the board must accept every form it produces (`-0.0017181`, `1e-05`, `-0.0`).
 *
 * @module
 */

/**
 * Python's `repr(float(x))`.
 *
 * @example Forms the contest's host script sends
 * ```ts
 * import assert from "node:assert/strict";
 * import { pythonFloatRepr } from "./python_float.ts";
 * assert.equal(pythonFloatRepr(-0.0017181), "-0.0017181");
 * assert.equal(pythonFloatRepr(0.00001), "1e-05");
 * assert.equal(pythonFloatRepr(1.5), "1.5");
 * assert.equal(pythonFloatRepr(2), "2.0");
 * assert.equal(pythonFloatRepr(-0), "-0.0");
 * ```
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest round-trip digits (ECMA-262).
  const [mantissa, exponentText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${m}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integer}.${fraction === "" ? "0" : fraction}`;
}
