/**
 * The integer primitives of docs/int8-spec.md §2, §11 and §12: the one rounding rule,
 * saturation, the table look-up and the exact hard-sigmoid. Every int8 kernel is built from
 * these; callers guarantee the preconditions (validated once per IR), so there are no checks.
 */

/**
 * Right shift with rounding half up, `floor(v / 2^s + 1/2)` (spec §2). Requires
 * 0 ≤ s ≤ 30 and |v| + 2^(s−1) < 2^31.
 *
 * @example Negative halves round up
 * ```ts
 * import { rshift } from "./arith.ts";
 * if (rshift(-5, 1) !== -2 || rshift(5, 1) !== 3 || rshift(-7, 1) !== -3) throw new Error();
 * if (rshift(-6, 0) !== -6) throw new Error();
 * ```
 */
export function rshift(v: number, s: number): number {
  return s === 0 ? v : (v + (1 << (s - 1))) >> s;
}

/** Saturates to [−128, 127]. */
export function sat8(v: number): number {
  return v < -128 ? -128 : v > 127 ? 127 : v;
}

/** Saturates to [−32768, 32767]. */
export function sat16(v: number): number {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/** Round half up of a real number, `floor(x + 1/2)` (host side only: inputs, weights). */
export function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

/** Entries of a sigmoid or tanh table: x = −8 + j/16, j = 0..256. */
export const TABLE_LENGTH = 257;

/**
 * Interpolated table look-up (spec §12): the Q0.15 value of f(pre · 2^−preDec), for an
 * int32 `pre` at dec `preDec` ∈ [1, 12]. The index saturates, so it never wraps.
 *
 * @example
 * ```ts
 * import { lut } from "./arith.ts";
 * const ramp = Array.from({ length: 257 }, (_, j) => (j - 128) * 256); // f(x) = x / 8
 * if (lut(ramp, 1 << 12, 12) !== 4096) throw new Error(); // f(1) = 1/8 = 4096 / 32768
 * if (lut(ramp, 1 << 30, 12) !== 32767) throw new Error(); // saturated at the top entry
 * ```
 */
export function lut(table: ArrayLike<number>, pre: number, preDec: number): number {
  const limit = 1 << (preDec + 3); // x = 8 at dec preDec
  const v = pre < -limit ? -limit : pre >= limit ? limit - 1 : pre;
  const w = (v + limit) << (12 - preDec); // x + 8 in units of 2^−12, ∈ [0, 65535]
  const i = w >> 8;
  const lo = table[i];
  // |T[i+1] − T[i]| · 255 < 2^24: no overflow.
  return lo + rshift((table[i + 1] - lo) * (w & 255), 8);
}

/** 209716 = ceil(2^20 / 5): `(m · 209716) >> 20 = floor(m / 5)` for 0 ≤ m < 2^18 (spec §11). */
const DIV5_MULTIPLIER = 209716;
const TWO_POW_20 = 1 << 20;

/**
 * Exact integer hard-sigmoid (spec §11): Q0.15 of clip(0.2·x + 0.5, 0, 1) for
 * x = pre · 2^−preDec, rounded half up, with 1 = 32768. `preDec` ∈ [1, 12].
 *
 * @example
 * ```ts
 * import { hardSigmoidQ15 } from "./arith.ts";
 * // x = ±2.5 at dec 12 is exactly where the clip starts.
 * if (hardSigmoidQ15(-10240, 12) !== 0 || hardSigmoidQ15(10240, 12) !== 32768) throw new Error();
 * if (hardSigmoidQ15(0, 12) !== 16384) throw new Error();
 * ```
 */
export function hardSigmoidQ15(pre: number, preDec: number): number {
  const edge = 5 << (preDec - 1); // x = 2.5 at dec preDec
  const pc = pre < -edge ? -edge : pre > edge ? edge : pre;
  const m = pc * (1 << (15 - preDec)) + 81922; // ∈ [2, 163842] < 2^18
  // m · 209716 < 2^36: exact in float64 (the C side uses a 64-bit UMULL); / 2^20 is the shift.
  return Math.floor((m * DIV5_MULTIPLIER) / TWO_POW_20);
}
