/** The Q0.15 look-up tables of docs/int8-spec.md §12, built once by the quantizer. */
import type { WeightIR } from "../ir/ir.ts";
import { roundHalfUp, sat16, TABLE_LENGTH } from "../interp/arith.ts";
import { sigmoid } from "../interp/float_kernels.ts";

/**
 * A 257-entry int16 table of `f` over x ∈ [−8, 8] in steps of 1/16:
 * `T[j] = sat16(round(f(−8 + j/16) · 32768))`.
 *
 * @example
 * ```ts
 * import { buildTable } from "./tables.ts";
 * const t = buildTable(Math.tanh).data;
 * if (t[0] !== -32768 || t[128] !== 0 || t[256] !== 32767) throw new Error(String(t[256]));
 * ```
 */
export function buildTable(f: (x: number) => number): WeightIR {
  const data = Array.from(
    { length: TABLE_LENGTH },
    (_, j) => sat16(roundHalfUp(f(-8 + j / 16) * 32768)),
  );
  return { shape: [TABLE_LENGTH], dtype: "int16", data, dec: 15 };
}

/** The sigmoid table. */
export function sigmoidTable(): WeightIR {
  return buildTable(sigmoid);
}

/** The tanh table. */
export function tanhTable(): WeightIR {
  return buildTable(Math.tanh);
}
