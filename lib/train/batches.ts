/** Copying segments of a Dataset into model-input batches. */
import { type Dataset, SEGMENT_LENGTH } from "../data/dataset.ts";

/**
 * The samples of segments `indices[from..to)` as one [count × SEGMENT_LENGTH] array (a copy,
 * so augmentation and clipping never touch the dataset).
 */
export function gatherSamples(
  dataset: Dataset,
  indices: ArrayLike<number>,
  from: number,
  to: number,
): Float32Array {
  const out = new Float32Array((to - from) * SEGMENT_LENGTH);
  for (let j = from; j < to; j++) {
    const i = indices[j];
    out.set(
      dataset.samples.subarray(i * SEGMENT_LENGTH, (i + 1) * SEGMENT_LENGTH),
      (j - from) * SEGMENT_LENGTH,
    );
  }
  return out;
}

/** The labels of segments `indices[from..to)` as floats, the loss's targets. */
export function gatherLabels(
  dataset: Dataset,
  indices: ArrayLike<number>,
  from: number,
  to: number,
): Float32Array {
  const out = new Float32Array(to - from);
  for (let j = from; j < to; j++) out[j - from] = dataset.labels[indices[j]];
  return out;
}
