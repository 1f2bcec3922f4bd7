/** Small helpers that spell C99 source text deterministically. */

/**
 * A C identifier made from an IR name: other characters become '_', a leading digit gets '_'.
 *
 * @example
 * ```ts
 * import { cIdentifier } from "./c_syntax.ts";
 * if (cIdentifier("b5-conv.0") !== "b5_conv_0" || cIdentifier("1x") !== "_1x") throw new Error();
 * ```
 */
export function cIdentifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** A C string literal for ASCII `text` (quotes and backslashes escaped). */
export function cString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new RangeError(`Not printable ASCII: ${text}`);
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** C element types of integer data, with their ranges. */
export const C_INT_TYPES = {
  uint8: { type: "uint8_t", min: 0, max: 255, bytes: 1 },
  int8: { type: "int8_t", min: -128, max: 127, bytes: 1 },
  int16: { type: "int16_t", min: -32768, max: 32767, bytes: 2 },
  int32: { type: "int32_t", min: -2147483648, max: 2147483647, bytes: 4 },
} as const;

export type CIntType = keyof typeof C_INT_TYPES;

/** A C integer literal; INT32_MIN is spelled as an expression because -2147483648 is not one. */
export function cInt(value: number): string {
  if (value === -2147483648) return "(-2147483647 - 1)";
  return String(value);
}

/**
 * A `static const` array definition of `values` as `type`, `perLine` values per line. Values
 * outside the type's range throw a RangeError naming `what`.
 *
 * @example
 * ```ts
 * import { cConstArray } from "./c_syntax.ts";
 * const text = cConstArray("int8", "w", [1, -2, 3], "Layer \"x\"");
 * if (text !== "static const int8_t w[3] = {\n    1, -2, 3,\n};") throw new Error(text);
 * ```
 */
export function cConstArray(
  type: CIntType,
  name: string,
  values: ArrayLike<number>,
  what: string,
  perLine = 16,
): string {
  const { type: cType, min, max } = C_INT_TYPES[type];
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) {
      const v = values[j];
      if (!Number.isInteger(v) || v < min || v > max) {
        throw new RangeError(`${what}: value ${v} at index ${j} is not a ${cType}`);
      }
      row.push(cInt(v));
    }
    lines.push(`    ${row.join(", ")},`);
  }
  return `static const ${cType} ${name}[${values.length}] = {\n${lines.join("\n")}\n};`;
}
