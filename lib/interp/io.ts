/**
 * The int8 model's boundary (spec §3 and §14): input quantization, probability, rate gate,
 * class.
 */
import { TWICE_SAMPLES_PER_MINUTE, twiceMedianBeatInterval } from "../data/rate.ts";
import type { ModelIR } from "../ir/ir.ts";
import { roundHalfUp, sat8 } from "./arith.ts";

/**
 * The int8 input of `ir` for a raw segment (spec §3): clip to ±inputClip (float32), then
 * `sat8(floor(x · 2^dec + 1/2))` with the input tensor's calibrated dec.
 *
 * @example
 * ```ts ignore
 * const q = quantizeInput(int8IR, samples); // Int8Array(1250)
 * ```
 */
export function quantizeInput(ir: ModelIR, input: Float32Array): Int8Array {
  const dec = ir.tensors[ir.input].dec;
  if (ir.form !== "int8" || dec === undefined) {
    throw new TypeError(`quantizeInput needs an int8 IR with an input dec`);
  }
  const c = ir.inputClip === null ? null : Math.fround(ir.inputClip);
  const scale = 2 ** dec;
  const q = new Int8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const clipped = c === null ? x : x > c ? c : x < -c ? -c : x;
    q[i] = sat8(roundHalfUp(clipped * scale)); // exact: a float32 times a power of two
  }
  return q;
}

/**
 * The smallest raw int8 output classed as VA (spec §14):
 * `min(max(ceil(128 · threshold), 0), 128)`; 128 means never.
 *
 * @example
 * ```ts
 * import { thresholdQ } from "./io.ts";
 * if (thresholdQ({ threshold: 0.5 } as never) !== 64) throw new Error();
 * if (thresholdQ({ threshold: 0.3 } as never) !== 39) throw new Error(); // 38.4 → 39
 * ```
 */
export function thresholdQ(ir: Pick<ModelIR, "threshold">): number {
  return Math.min(Math.max(Math.ceil(128 * ir.threshold), 0), 128);
}

/**
 * Whether a rate gate of `rateGateBpm` (absent or null: none) is open for a segment whose
 * twice-median beat interval (lib/data/rate.ts) is `twiceInterval` (null: no rate) — spec §14,
 * step 4: open without a gate, without a rate, or at a rate of at least `rateGateBpm`.
 *
 * @example
 * ```ts
 * import { gateOpen } from "./io.ts";
 * // 110 bpm needs D ≤ 30000 / 110 = 272.7: 272 passes, 273 does not.
 * if (!gateOpen(110, 272) || gateOpen(110, 273) || !gateOpen(110, null)) throw new Error();
 * ```
 */
export function gateOpen(
  rateGateBpm: number | null | undefined,
  twiceInterval: number | null,
): boolean {
  if (rateGateBpm === undefined || rateGateBpm === null || twiceInterval === null) return true;
  return twiceInterval * rateGateBpm <= TWICE_SAMPLES_PER_MINUTE;
}

/** Whether the rate gate of `ir` (spec §14) is open for the int8 input `input`. */
export function rateGateOpen(ir: Pick<ModelIR, "rateGateBpm">, input: Int8Array): boolean {
  if (ir.rateGateBpm === undefined || ir.rateGateBpm === null) return true;
  return gateOpen(ir.rateGateBpm, twiceMedianBeatInterval(input));
}

/**
 * The class of a raw int8 output: 1 (VA) iff `output ≥ thresholdQ(ir)` (the integer form of
 * `output / 128 ≥ threshold` that the C side uses) and the rate gate is open (`gate`, from
 * {@linkcode rateGateOpen} on the same segment's input; always true without a gate).
 */
export function predictClass(ir: Pick<ModelIR, "threshold">, output: number, gate: boolean): 0 | 1 {
  return gate && output >= thresholdQ(ir) ? 1 : 0;
}
