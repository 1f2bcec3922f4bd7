/** The training loss: (optionally class-weighted) binary cross-entropy, as one tfjs scalar. */
import { tf } from "../backend/mod.ts";
import type { ClassWeights } from "./config.ts";

// Keeps log() finite for outputs that saturate at 0 or 1; the value Keras uses.
export const EPSILON = 1e-7;

/**
 * The mean over the batch of binary cross-entropy between `model`'s output on `x`
 * ([count, inputLength, 1], in training mode: dropout on, BatchNorm on batch statistics, which
 * also moves its moving statistics) and the labels `y` ([count, 1], 0 or 1), each sample
 * weighted by its class's weight when `classWeights` is given. Call it inside a gradient
 * function (optimizer.minimize, tf.variableGrads).
 */
export function batchLoss(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  classWeights: ClassWeights | null,
): tf.Scalar {
  return outputLoss(model.apply(x, { training: true }) as tf.Tensor, y, classWeights);
}

/** {@linkcode batchLoss} of the model's output `output` ([count, 1]), already computed. */
export function outputLoss(
  output: tf.Tensor,
  y: tf.Tensor,
  classWeights: ClassWeights | null,
): tf.Scalar {
  // Squeezed into [ε, 1 − ε] so log() stays finite; unlike clipping, this keeps a NaN output
  // NaN, so a diverged model shows as a NaN loss.
  const p = output.mul(1 - 2 * EPSILON).add(EPSILON);
  const perSample = y.mul(p.log()).add(tf.scalar(1).sub(y).mul(tf.scalar(1).sub(p).log())).neg();
  const weights = classWeights
    ? y.mul(classWeights.positive - classWeights.negative).add(classWeights.negative)
    : null;
  return (weights ? perSample.mul(weights) : perSample).mean() as tf.Scalar;
}
