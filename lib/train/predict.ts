/** Scores (predicted probability of VA) of a model over dataset segments. */
import { tf } from "../backend/mod.ts";
import type { Dataset } from "../data/dataset.ts";
import { prepareInput } from "../model/build.ts";
import type { ArchSpec } from "../model/spec.ts";
import { gatherSamples } from "./batches.ts";

/**
 * The model's VA probability for each segment in `indices`, in that order. Inputs are clipped
 * to the spec's range first, exactly as during training and on the device.
 */
export function predictScores(
  model: tf.LayersModel,
  spec: ArchSpec,
  dataset: Dataset,
  indices: ArrayLike<number>,
  batchSize = 512,
): Float32Array {
  const scores = new Float32Array(indices.length);
  for (let from = 0; from < indices.length; from += batchSize) {
    const to = Math.min(indices.length, from + batchSize);
    const samples = prepareInput(spec, gatherSamples(dataset, indices, from, to));
    const batch = tf.tidy(() => {
      const x = tf.tensor3d(samples, [to - from, spec.inputLength, 1]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    scores.set(batch, from);
  }
  return scores;
}
