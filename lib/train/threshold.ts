/** Choosing the decision threshold on validation scores. */
import { bestThreshold, type BinaryMetrics, binaryMetrics } from "../metrics/metrics.ts";

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
