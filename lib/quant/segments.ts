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

// Also used to pick calibration segments; it lives with the data layer's other subsets.
export { evenlySpaced } from "../data/subsets.ts";

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
