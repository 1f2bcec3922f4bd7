/**
 * The int8 model's boundary (spec §3 and §14): input quantization, probability, rate gate,
 * class.
 */
import { peakExponent } from "../data/peak_gain.ts";
import { TWICE_SAMPLES_PER_MINUTE, twiceMedianBeatInterval } from "../data/rate.ts";
import type { ModelIR } from "../ir/ir.ts";
import { roundHalfUp, sat8 } from "./arith.ts";

/**
 * The int8 input of `ir` for a raw segment (spec §3): clip to ±inputClip (float32), then
 * `sat8(floor(x · 2^dec + 1/2))` with the input tensor's calibrated dec, less the segment's peak
 * exponent if the IR is peak-normalized.
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
  const clipped = c === null ? input : input.map((x) => x > c ? c : x < -c ? -c : x);
  // Peak normalization by 2^−E is a shift of the dec: x · 2^−E · 2^dec = x · 2^(dec − E).
  const scale = 2 ** (ir.peakNormalize ? dec - peakExponent(clipped) : dec);
  const q = new Int8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    q[i] = sat8(roundHalfUp(clipped[i] * scale)); // exact: a float32 times a power of two
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
  return atLeast(rateGateBpm, twiceInterval);
}

/** Whether a twice-median interval of `twiceInterval` samples is a rate of at least `bpm`. */
function atLeast(bpm: number, twiceInterval: number): boolean {
  return twiceInterval * bpm <= TWICE_SAMPLES_PER_MINUTE;
}

/**
 * Where a segment's rate puts its decision (spec §14): CLOSED (below the gate: never VA, or VA
 * only at the IR's belowGateThreshold), OPEN (the model's threshold decides) or FAST (in the fast
 * zone: its threshold decides).
 */
export const RATE_ZONE = { closed: 0, open: 1, fast: 2 } as const;
export type RateZone = typeof RATE_ZONE[keyof typeof RATE_ZONE];

/**
 * The rate zone of a segment whose twice-median beat interval is `twiceInterval` (null: no
 * rate), under the gate and fast zone of `ir` (spec §14). A segment without a rate is OPEN.
 *
 * @example
 * ```ts
 * import { RATE_ZONE, rateZone } from "./io.ts";
 * const ir = { rateGateBpm: 110, fastZone: { bpm: 125, threshold: 0.05 } };
 * // 30000 / 125 = 240: D = 240 is 125 bpm, D = 241 just below.
 * if (rateZone(ir, 240) !== RATE_ZONE.fast || rateZone(ir, 241) !== RATE_ZONE.open) throw new Error();
 * if (rateZone(ir, 273) !== RATE_ZONE.closed || rateZone(ir, null) !== RATE_ZONE.open) throw new Error();
 * ```
 */
export function rateZone(
  ir: Pick<ModelIR, "rateGateBpm" | "fastZone">,
  twiceInterval: number | null,
): RateZone {
  if (!gateOpen(ir.rateGateBpm, twiceInterval)) return RATE_ZONE.closed;
  const fast = ir.fastZone;
  if (fast === undefined || fast === null || twiceInterval === null) return RATE_ZONE.open;
  return atLeast(fast.bpm, twiceInterval) ? RATE_ZONE.fast : RATE_ZONE.open;
}

/** The rate zone (spec §14) of the int8 input `input` under `ir`'s gate; OPEN without one. */
export function rateZoneOf(
  ir: Pick<ModelIR, "rateGateBpm" | "fastZone">,
  input: Int8Array,
): RateZone {
  if (ir.rateGateBpm === undefined || ir.rateGateBpm === null) return RATE_ZONE.open;
  return rateZone(ir, twiceMedianBeatInterval(input));
}

/** What decides a segment's class in each rate zone (spec §14). */
export type Decision = Pick<ModelIR, "threshold" | "fastZone" | "belowGateThreshold">;

/**
 * The threshold of rate zone `zone` under `decision`: the fast zone's, the model's, or below
 * the gate its belowGateThreshold (null: never VA).
 */
function zoneThreshold(decision: Decision, zone: RateZone): number | null {
  if (zone === RATE_ZONE.closed) return decision.belowGateThreshold ?? null;
  if (zone === RATE_ZONE.fast && decision.fastZone) return decision.fastZone.threshold;
  return decision.threshold;
}

/**
 * The class of a raw int8 output in rate zone `zone` (from {@linkcode rateZoneOf} on the same
 * segment's input; OPEN for a model without a gate): 1 (VA) iff `output ≥ thresholdQ` of the
 * zone's threshold (the integer form of `output / 128 ≥ threshold` that the C side uses); 0 below
 * the gate without a belowGateThreshold.
 */
export function predictClass(decision: Decision, output: number, zone: RateZone): 0 | 1 {
  const threshold = zoneThreshold(decision, zone);
  if (threshold === null) return 0;
  return output >= thresholdQ({ threshold }) ? 1 : 0;
}

/**
 * The score that one threshold decides as {@linkcode predictClass} would, for choosing the
 * model's threshold with the gate, fast zone and below-gate threshold applied: in the OPEN zone
 * `probability` (output / 128 for the int8 model, or a float model's score); in the others 1 or
 * 0, decided by their own threshold (below the gate without one: 0).
 */
export function decisionScore(
  decision: Omit<Decision, "threshold">,
  probability: number,
  zone: RateZone,
): number {
  if (zone === RATE_ZONE.closed) {
    const below = decision.belowGateThreshold;
    return below !== undefined && below !== null && probability >= below ? 1 : 0;
  }
  if (zone === RATE_ZONE.fast && decision.fastZone) {
    return probability >= decision.fastZone.threshold ? 1 : 0;
  }
  return probability;
}
