/** Choosing segments by subject for calibration and evaluation (never by segment: they overlap). */
import type { Dataset } from "../data/dataset.ts";
import { SEGMENT_LENGTH } from "../data/dataset.ts";

/** Indices of the segments of `subjects` (names), in dataset order. */
export function segmentsOfSubjects(dataset: Dataset, subjects: readonly string[]): number[] {
  const wanted = new Set(subjects);
  const missing = subjects.filter((s) => !dataset.subjectNames.includes(s));
  if (missing.length) throw new RangeError(`Subjects not in the dataset: ${missing.join(", ")}`);
  const indices: number[] = [];
  for (let i = 0; i < dataset.size; i++) {
    if (wanted.has(dataset.subjectNames[dataset.subjects[i]])) indices.push(i);
  }
  return indices;
}

/**
 * At most `count` of `indices`, evenly spaced (deterministic: no random draw), so a calibration
 * set covers every subject and rhythm in proportion.
 *
 * @example
 * ```ts
 * import { evenlySpaced } from "./segments.ts";
 * if (evenlySpaced([0, 1, 2, 3, 4, 5], 3).join() !== "0,2,4") throw new Error();
 * ```
 */
export function evenlySpaced(indices: readonly number[], count: number): number[] {
  if (indices.length <= count) return indices.slice();
  return Array.from({ length: count }, (_, j) => indices[Math.floor((j * indices.length) / count)]);
}

/** The samples of `indices` as one [n × 1250] array. */
export function gatherSamples(dataset: Dataset, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * SEGMENT_LENGTH);
  indices.forEach((i, j) =>
    out.set(
      dataset.samples.subarray(i * SEGMENT_LENGTH, (i + 1) * SEGMENT_LENGTH),
      j * SEGMENT_LENGTH,
    )
  );
  return out;
}
