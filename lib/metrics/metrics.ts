/** Binary classification metrics with VA as the positive class, as the contest scores them. */

/** The contest's β: recall weighs β² = 4 times precision. */
export const BETA = 2;

export interface Confusion {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

export interface BinaryMetrics extends Confusion {
  n: number;
  fbeta: number;
  accuracy: number;
  precision: number;
  recall: number;
}

/** Counts of a prediction `score ≥ threshold` against `labels` (1 = VA). */
export function confusion(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): Confusion {
  if (labels.length !== scores.length) {
    throw new RangeError(`${labels.length} labels but ${scores.length} scores`);
  }
  let tp = 0, fn = 0, fp = 0, tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  return { tp, fn, fp, tn };
}

/** Fβ, accuracy, precision and recall from counts; an undefined ratio (0/0) is 0. */
export function metricsOf(c: Confusion, beta = BETA): BinaryMetrics {
  const n = c.tp + c.fn + c.fp + c.tn;
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const b2 = beta * beta;
  const fbeta = precision + recall > 0
    ? (1 + b2) * precision * recall / (b2 * precision + recall)
    : 0;
  const accuracy = n > 0 ? (c.tp + c.tn) / n : 0;
  return { ...c, n, fbeta, accuracy, precision, recall };
}

/** All metrics of `score ≥ threshold` against `labels`. */
export function binaryMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): BinaryMetrics {
  return metricsOf(confusion(labels, scores, threshold));
}

/**
 * The threshold in `candidates` with the highest Fβ (the lowest such threshold on ties, since
 * a missed VA costs more than a false alarm).
 */
export function bestThreshold(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  candidates: readonly number[],
): { threshold: number; fbeta: number } {
  let best = { threshold: candidates[0], fbeta: -1 };
  for (const threshold of candidates) {
    const { fbeta } = binaryMetrics(labels, scores, threshold);
    if (fbeta > best.fbeta) best = { threshold, fbeta };
  }
  return best;
}
