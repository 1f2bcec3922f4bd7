/** Deterministic subsets of a Dataset's segments: for calibration sets and quick smoke runs. */
import type { Dataset } from "./dataset.ts";

/**
 * At most `count` of `indices`, evenly spaced (deterministic: no random draw), so a calibration
 * set covers every subject and rhythm in proportion.
 *
 * @example
 * ```ts
 * import { evenlySpaced } from "./subsets.ts";
 * if (evenlySpaced([0, 1, 2, 3, 4, 5], 3).join() !== "0,2,4") throw new Error();
 * ```
 */
export function evenlySpaced(indices: readonly number[], count: number): number[] {
  if (indices.length <= count) return indices.slice();
  return Array.from({ length: count }, (_, j) => indices[Math.floor((j * indices.length) / count)]);
}

/**
 * Segment indices of a quick smoke run: the first `subjectsPerFold` subjects of every fold
 * (`folds` as subjectFolds deals them), each with `segmentsPerSubject` evenly spaced segments,
 * fold by fold.
 */
export function quickSelection(
  dataset: Dataset,
  folds: readonly number[][],
  subjectsPerFold: number,
  segmentsPerSubject: number,
): number[] {
  const bySubject = new Map<number, number[]>();
  for (let i = 0; i < dataset.size; i++) {
    const s = dataset.subjects[i];
    if (!bySubject.has(s)) bySubject.set(s, []);
    bySubject.get(s)!.push(i);
  }
  return folds.flatMap((fold) =>
    fold.slice(0, subjectsPerFold).flatMap((s) =>
      evenlySpaced(bySubject.get(s) ?? [], segmentsPerSubject)
    )
  );
}
