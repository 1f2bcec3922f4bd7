/**
 * The clinical view of a model's decisions: besides the contest's Fβ, the share of each rhythm's
 * segments classified correctly (a missed VF and a flagged SVT are different failures) and Fβ
 * per subject (errors concentrate in a few patients).
 */
import { type Dataset, RHYTHMS } from "../data/dataset.ts";
import { type BinaryMetrics, binaryMetrics } from "../metrics/mod.ts";

export interface ClinicalEvaluation extends BinaryMetrics {
  /** For each rhythm present: the share of its segments classified correctly. */
  recallByRhythm: Record<string, number>;
  /** For each subject: Fβ over its segments, or null when it has no VA segment (Fβ undefined). */
  fbetaBySubject: Record<string, number | null>;
}

/** Evaluates `classes` (1 = VA, one per segment of `dataset`) against the dataset's labels. */
export function evaluateClasses(dataset: Dataset, classes: ArrayLike<number>): ClinicalEvaluation {
  if (classes.length !== dataset.size) {
    throw new RangeError(`${classes.length} decisions for ${dataset.size} segments`);
  }
  const overall = binaryMetrics(dataset.labels, classes, 1);
  const recallByRhythm: Record<string, number> = {};
  RHYTHMS.forEach((rhythm, r) => {
    let total = 0, correct = 0;
    for (let i = 0; i < dataset.size; i++) {
      if (dataset.rhythms[i] !== r) continue;
      total++;
      if (classes[i] === dataset.labels[i]) correct++;
    }
    if (total > 0) recallByRhythm[rhythm] = correct / total;
  });
  const fbetaBySubject: Record<string, number | null> = {};
  dataset.subjectNames.forEach((name, s) => {
    const labels: number[] = [], decided: number[] = [];
    for (let i = 0; i < dataset.size; i++) {
      if (dataset.subjects[i] !== s) continue;
      labels.push(dataset.labels[i]);
      decided.push(classes[i]);
    }
    if (labels.length === 0) return;
    fbetaBySubject[name] = labels.includes(1) ? binaryMetrics(labels, decided, 1).fbeta : null;
  });
  return { ...overall, recallByRhythm, fbetaBySubject };
}
