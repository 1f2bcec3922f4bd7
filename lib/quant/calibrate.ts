/**
 * Activation calibration (docs/int8-spec.md §15): the float interpreter runs over calibration
 * segments (training subjects only: the caller's duty) and every tensor's range, and for KLD
 * its histogram, are collected; decs are chosen from them.
 */
import type { ModelIR } from "../ir/ir.ts";
import { runFloat64 } from "../interp/run_float.ts";

/** Bins of the |x| histograms used by KLD calibration. */
export const HISTOGRAM_BINS = 2048;

/** Range (and optional histogram of |x| over [0, absMax]) of one tensor. */
export interface TensorStats {
  absMax: number;
  histogram?: Float64Array;
}

/**
 * Statistics of every tensor of `floatIR` over the segments in `calibration` ([n × L] raw
 * samples). With `histograms`, a second pass fills 2,048-bin histograms of the non-zero |x|.
 */
export function collectStats(
  floatIR: ModelIR,
  calibration: Float32Array,
  histograms: boolean,
): Map<string, TensorStats> {
  const length = floatIR.tensors[floatIR.input].shape.reduce((a, b) => a * b, 1);
  const n = Math.floor(calibration.length / length);
  if (n < 1 || n * length !== calibration.length) {
    throw new RangeError(
      `Calibration holds ${calibration.length} samples, not a whole number of ${length}-sample segments`,
    );
  }
  const stats = new Map<string, TensorStats>();
  const forEachSegment = (visit: (name: string, values: Float64Array) => void) => {
    for (let i = 0; i < n; i++) {
      const tensors = runFloat64(floatIR, calibration.subarray(i * length, (i + 1) * length));
      for (const [name, values] of tensors) visit(name, values);
    }
  };
  forEachSegment((name, values) => {
    const s = stats.get(name) ?? { absMax: 0 };
    for (const v of values) if (Math.abs(v) > s.absMax) s.absMax = Math.abs(v);
    stats.set(name, s);
  });
  if (histograms) {
    for (const s of stats.values()) s.histogram = new Float64Array(HISTOGRAM_BINS);
    forEachSegment((name, values) => {
      const s = stats.get(name)!;
      if (s.absMax === 0) return;
      const perUnit = HISTOGRAM_BINS / s.absMax;
      for (const v of values) {
        // Exact zeros (ReLU's dead half) are exact at every dec: counting them would make
        // clipping the rare large values look cheap.
        if (v === 0) continue;
        s.histogram![Math.min(Math.floor(Math.abs(v) * perUnit), HISTOGRAM_BINS - 1)]++;
      }
    });
  }
  return stats;
}

/**
 * The dec that fits `absMax` into int8: `7 − ceil(log2 absMax)` (7 for an all-zero tensor).
 *
 * @example
 * ```ts
 * import { decForMax } from "./calibrate.ts";
 * if (decForMax(1) !== 7 || decForMax(0.3) !== 8 || decForMax(5) !== 4) throw new Error();
 * ```
 */
export function decForMax(absMax: number): number {
  return absMax > 0 ? 7 - Math.ceil(Math.log2(absMax)) : 7;
}

/**
 * KLD calibration: among `decForMax(absMax) … +3`, the dec whose clipped, 128-level
 * quantized histogram is closest (Kullback–Leibler) to the float histogram of |x|.
 */
export function decByKld(stats: TensorStats): number {
  const d0 = decForMax(stats.absMax);
  const hist = stats.histogram;
  if (!hist || stats.absMax === 0) return d0;
  let best = d0;
  let bestDivergence = Infinity;
  for (let dec = d0; dec <= d0 + 3; dec++) {
    const clipAt = 128 * 2 ** -dec;
    const bins = Math.min(
      HISTOGRAM_BINS,
      Math.max(128, Math.round((clipAt / stats.absMax) * HISTOGRAM_BINS)),
    );
    const divergence = clippedDivergence(hist, bins, 128);
    if (divergence < bestDivergence - 1e-12) {
      best = dec;
      bestDivergence = divergence;
    }
  }
  return best;
}

/**
 * KL(P ‖ Q): P = the first `bins` bins of `hist` with everything beyond folded into the last;
 * Q = P merged into `levels` equal groups, each group's mass spread over its non-empty bins.
 */
function clippedDivergence(hist: Float64Array, bins: number, levels: number): number {
  const p = hist.slice(0, bins);
  for (let i = bins; i < hist.length; i++) p[bins - 1] += hist[i];
  const total = p.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const q = new Float64Array(bins);
  for (let level = 0; level < levels; level++) {
    const start = Math.floor((level * bins) / levels);
    const end = Math.floor(((level + 1) * bins) / levels);
    let mass = 0;
    let nonEmpty = 0;
    for (let i = start; i < end; i++) {
      mass += p[i];
      if (p[i] > 0) nonEmpty++;
    }
    for (let i = start; i < end; i++) if (p[i] > 0) q[i] = mass / nonEmpty;
  }
  let divergence = 0;
  for (let i = 0; i < bins; i++) {
    if (p[i] > 0) divergence += (p[i] / total) * Math.log(p[i] / q[i]);
  }
  return divergence;
}
