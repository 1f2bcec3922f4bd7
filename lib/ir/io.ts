/** Reading and writing IR files: deterministic JSON, atomic writes, validation on load. */
import { writeFileAtomic } from "../io/atomic.ts";
import type { ModelIR } from "./ir.ts";
import { validateIR } from "./validate.ts";

/**
 * `ir` as JSON text, the same bytes for the same IR: object keys sorted (except the top
 * level, which keeps the contract's order), two-space indentation, arrays of numbers on one
 * line so weight tables stay readable in diffs.
 *
 * @example
 * ```ts
 * import { irToJson } from "./io.ts";
 * const text = irToJson({ b: [1, 2], a: { y: 1, x: 2 } } as never);
 * if (text !== '{\n  "b": [1, 2],\n  "a": {\n    "x": 2,\n    "y": 1\n  }\n}\n') throw new Error(text);
 * ```
 */
export function irToJson(ir: ModelIR): string {
  return format(ir, "", true) + "\n";
}

function format(value: unknown, indent: string, keepKeyOrder = false): string {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "number" || typeof v === "string")) {
      return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
    }
    const inner = indent + "  ";
    return `[\n${value.map((v) => inner + format(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!keepKeyOrder) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return "{}";
    const inner = indent + "  ";
    const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`);
    return `{\n${body.join(",\n")}\n${indent}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new RangeError(`IR holds a non-finite number (${value}), which JSON cannot store`);
  }
  return JSON.stringify(value);
}

/** Writes `ir` to `path` atomically, as {@linkcode irToJson} formats it. */
export async function saveIR(path: string, ir: ModelIR): Promise<void> {
  await writeFileAtomic(path, irToJson(ir));
}

/** Reads and validates the IR at `path`; errors name the file. */
export async function loadIR(path: string): Promise<ModelIR> {
  const text = await Deno.readTextFile(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${path}: ${(error as Error).message}`);
  }
  try {
    return validateIR(parsed);
  } catch (error) {
    const E = error instanceof RangeError ? RangeError : TypeError;
    throw new E(`${path}: ${(error as Error).message}`);
  }
}
