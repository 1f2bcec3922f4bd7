/**
 * A segment's heart rate, estimated from its beats. The clinical view (lib/evaluate) groups each
 * rhythm's decisions by the rate zone it gives, and the int8 model's rate gate
 * (docs/int8-spec.md §14, lib/interp) runs the same algorithm on the model's int8 input, where
 * every step is exact integer arithmetic.
 *
 * The algorithm, on the magnitudes m[t] = |x[t]| of one segment of N samples:
 * 1. The peak level is the k-th smallest magnitude (0-based), k = floor(99 · (N − 1) / 100): the
 *    99th percentile, robust to a single artefact. A level of 0 (a flat segment) has no rate.
 * 2. t is a peak iff 2 · m[t] ≥ level, m[t] ≥ m[t − 1] and m[t] > m[t + 1] (outside the segment
 *    m = 0). Peaks closer than 50 samples (200 ms: 300 bpm, faster than a ventricle beats) to the
 *    previous beat are the same beat: the later replaces it only if strictly larger. Every other
 *    peak is a new beat.
 * 3. With fewer than two beats there is no rate. Otherwise the intervals between consecutive
 *    beats, in samples, give their median; twice the median is an integer (the sum of the two
 *    middle intervals for an even count), and the rate is 2 · 60 · 250 / (twice the median) bpm.
 */
import { SAMPLE_RATE_HZ } from "./signal.ts";

/** Shortest interval between two beats, in samples (200 ms: 300 bpm). */
export const REFRACTORY_SAMPLES = Math.round(0.2 * SAMPLE_RATE_HZ);

/** 2 · 60 · fs: a rate in bpm is this over twice the median beat interval in samples. */
export const TWICE_SAMPLES_PER_MINUTE = 2 * 60 * SAMPLE_RATE_HZ;

/**
 * Twice the median interval between the beats of `samples`, in samples (see the module doc), or
 * null when it has no rate. Exact for integer samples (the int8 rate gate) and for floats.
 *
 * @example Triangular beats every 125 samples (half a second)
 * ```ts
 * import { twiceMedianBeatInterval } from "./rate.ts";
 * const x = new Int8Array(1250);
 * for (let t = 10; t < x.length - 4; t += 125) {
 *   for (let d = -4; d <= 4; d++) x[t + d] = 100 - 20 * Math.abs(d);
 * }
 * if (twiceMedianBeatInterval(x) !== 250) throw new Error("expected 2 × 125");
 * ```
 */
export function twiceMedianBeatInterval(samples: ArrayLike<number>): number | null {
  const beats = beatPositions(samples);
  if (beats.length < 2) return null;
  const intervals = beats.slice(1).map((b, i) => b - beats[i]).sort((a, b) => a - b);
  const middle = intervals.length >> 1;
  return intervals.length % 2 ? 2 * intervals[middle] : intervals[middle - 1] + intervals[middle];
}

/**
 * The sample index of each beat of `samples` (steps 1 and 2 of the module doc), in order; none
 * for a flat segment.
 */
export function beatPositions(samples: ArrayLike<number>): number[] {
  const n = samples.length;
  const magnitude = Float64Array.from(samples, Math.abs);
  const level = magnitude.slice().sort()[Math.floor((99 * (n - 1)) / 100)];
  if (!(level > 0)) return [];
  const beats: number[] = [];
  for (let t = 0; t < n; t++) {
    const m = magnitude[t];
    const isPeak = 2 * m >= level && m >= (t > 0 ? magnitude[t - 1] : 0) &&
      m > (t + 1 < n ? magnitude[t + 1] : 0);
    if (!isPeak) continue;
    const last = beats.length - 1;
    if (last >= 0 && t - beats[last] < REFRACTORY_SAMPLES) {
      if (m > magnitude[beats[last]]) beats[last] = t;
    } else {
      beats.push(t);
    }
  }
  return beats;
}

/**
 * The estimated rate of `samples` in beats per minute, or null when it has none.
 *
 * @example Triangular beats every half second
 * ```ts
 * import { estimateRateBpm } from "./rate.ts";
 * const x = new Float32Array(1250);
 * for (let t = 10; t < x.length - 4; t += 125) {
 *   for (let d = -4; d <= 4; d++) x[t + d] = 1 - Math.abs(d) / 5;
 * }
 * if (estimateRateBpm(x) !== 120) throw new Error("expected 120 bpm");
 * ```
 */
export function estimateRateBpm(samples: ArrayLike<number>): number | null {
  const twice = twiceMedianBeatInterval(samples);
  return twice === null ? null : TWICE_SAMPLES_PER_MINUTE / twice;
}
