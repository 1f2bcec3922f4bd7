/** Choosing the decision threshold on validation scores. */
import { bestThreshold, type BinaryMetrics, binaryMetrics } from "../metrics/metrics.ts";
import { type Dataset, segment } from "../data/dataset.ts";
import { twiceMedianBeatInterval } from "../data/rate.ts";
import { decisionScore, type RateZone, rateZone } from "../interp/io.ts";
import type { ArchSpec } from "../model/spec.ts";

/**
 * Candidate thresholds 0.05, 0.10, …, 0.95. A coarse grid on purpose: a finer one fits the
 * noise of a few validation subjects (findings.md).
 */
export const THRESHOLD_GRID: readonly number[] = Array.from(
  { length: 19 },
  (_, i) => Math.round((i + 1) * 5) / 100,
);

/** The grid threshold with the best Fβ on `labels`/`scores`, and the metrics there. */
export function chooseThreshold(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { threshold: number; metrics: BinaryMetrics } {
  const { threshold } = bestThreshold(labels, scores, THRESHOLD_GRID);
  return { threshold, metrics: binaryMetrics(labels, scores, threshold) };
}

/** Where a run's decision threshold comes from (RunMetrics.thresholdSource). */
export type ThresholdSource = "fold-validation" | "pooled-cv" | "fixed";

/**
 * Throws a RangeError unless `threshold` (HyperParameters.threshold) is absent or a number
 * strictly between 0 and 1.
 */
export function checkFixedThreshold(threshold: number | undefined): void {
  if (threshold === undefined) return;
  if (!(threshold > 0 && threshold < 1)) {
    throw new RangeError(`threshold must be a number between 0 and 1, got ${threshold}`);
  }
}

/**
 * The decision threshold of `scores`: `fixed` when given (the metrics there), else the grid's
 * best ({@linkcode chooseThreshold}), with `source` naming which ("fixed" or `chosenSource`).
 */
export function decideThreshold(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  fixed: number | undefined,
  chosenSource: Exclude<ThresholdSource, "fixed">,
): { threshold: number; metrics: BinaryMetrics; source: ThresholdSource } {
  if (fixed === undefined) return { ...chooseThreshold(labels, scores), source: chosenSource };
  checkFixedThreshold(fixed);
  return { threshold: fixed, metrics: binaryMetrics(labels, scores, fixed), source: "fixed" };
}

/**
 * The rate zone (RATE_ZONE, docs/int8-spec.md §14) of each segment of `indices` under the spec's
 * rate gate and fast zone, the rate estimated on the float samples; null for a spec without a
 * gate.
 */
export function rateZones(
  spec: Pick<ArchSpec, "rateGateBpm" | "fastZone">,
  dataset: Dataset,
  indices: ArrayLike<number>,
): Uint8Array | null {
  if (spec.rateGateBpm === undefined) return null;
  return Uint8Array.from(
    { length: indices.length },
    (_, j) => rateZone(spec, twiceMedianBeatInterval(segment(dataset, indices[j]))),
  );
}

/**
 * `scores` as the decision sees them ({@linkcode decisionScore}): a segment below the gate or
 * in the fast zone scores 1 or 0 by that zone's own threshold (below the gate without one: 0),
 * so one threshold over the rest decides all. Without zones (null), `scores` itself.
 */
export function zonedScores(
  spec: Pick<ArchSpec, "fastZone" | "belowGateThreshold">,
  scores: Float32Array,
  zones: Uint8Array | null,
): Float32Array {
  if (zones === null) return scores;
  return scores.map((score, j) => decisionScore(spec, score, zones[j] as RateZone));
}
