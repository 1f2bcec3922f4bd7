/** The precision-recall curve of validation scores, VA (label 1) being the positive class. */

/** Points of a precision-recall curve, one per distinct score, by decreasing threshold. */
export interface PrCurve {
  /** [n] predict VA when score ≥ threshold; decreasing. */
  thresholds: number[];
  /** [n] precision at each threshold, in [0, 1]. */
  precision: number[];
  /** [n] recall at each threshold, in [0, 1]; non-decreasing. */
  recall: number[];
}

/**
 * The precision and recall of `score ≥ t` for every distinct score t, highest first: the
 * thresholds at which the confusion counts change, so nothing between them is lost.
 * Throws RangeError when the lengths differ or there is no positive label (recall undefined).
 *
 * @example Four segments, two of them VA
 * ```ts
 * import assert from "node:assert/strict";
 * import { precisionRecallCurve } from "./pr_curve.ts";
 *
 * const curve = precisionRecallCurve([1, 0, 1, 0], [0.9, 0.8, 0.4, 0.1]);
 * assert.deepEqual(curve.thresholds, [0.9, 0.8, 0.4, 0.1]);
 * assert.deepEqual(curve.recall, [0.5, 0.5, 1, 1]);
 * assert.deepEqual(curve.precision, [1, 0.5, 2 / 3, 0.5]);
 * ```
 */
export function precisionRecallCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): PrCurve {
  if (labels.length !== scores.length) {
    throw new RangeError(`${labels.length} labels but ${scores.length} scores`);
  }
  const order = Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  if (positives === 0) throw new RangeError("No VA segment among the labels: recall is undefined");
  const curve: PrCurve = { thresholds: [], precision: [], recall: [] };
  let tp = 0, predicted = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    predicted++;
    if (labels[i] === 1) tp++;
    // Ties share one threshold: emit a point only after the last segment with this score.
    if (k + 1 < order.length && scores[order[k + 1]] === scores[i]) continue;
    curve.thresholds.push(scores[i]);
    curve.precision.push(tp / predicted);
    curve.recall.push(tp / positives);
  }
  return curve;
}
