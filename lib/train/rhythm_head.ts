/**
 * An auxiliary rhythm head for training (HyperParameters.rhythmHead): a dense softmax over the
 * eight rhythms on a hidden layer's output, whose cross-entropy is added to the VA loss. The
 * binary loss only asks "VA or not"; the head also asks the shared layers to tell SVT from SR
 * and VT from VFb, which is where the false alarms and misses are. The head is dropped after
 * training: the kept model, its IR and its C are the spec's, at no cost on the device.
 */
import { tf } from "../backend/mod.ts";
import { type Dataset, RHYTHMS } from "../data/dataset.ts";
import type { ArchSpec } from "../model/spec.ts";

/** Where the head reads, and how much its loss weighs against the VA loss (which weighs 1). */
export interface RhythmHead {
  /** A hidden layer of the spec (not its output layer), e.g. "flatten" or "fc1". */
  layer: string;
  /** > 0. */
  weight: number;
}

/** Throws a RangeError unless `head` names a hidden layer of `spec` and a positive weight. */
export function checkRhythmHead(head: RhythmHead, spec: ArchSpec): void {
  const names = spec.layers.map((l) => l.name);
  if (!names.includes(head.layer) || head.layer === spec.output) {
    throw new RangeError(
      `rhythmHead.layer must be a hidden layer of ${spec.name} (${
        names.filter((n) => n !== spec.output).join(", ")
      }), got ${JSON.stringify(head.layer)}`,
    );
  }
  if (!(typeof head.weight === "number" && head.weight > 0 && Number.isFinite(head.weight))) {
    throw new RangeError(`rhythmHead.weight must be a positive number, got ${head.weight}`);
  }
}

/** The training graph with the head: outputs [VA probability, rhythm logits]. */
export interface RhythmTrainer {
  model: tf.LayersModel;
  /** The head's own weights (the shared layers' are the training model's). */
  headWeights: tf.LayerVariable[];
}

/**
 * `training` (single-input, single-output, functional) with the head attached to `head.layer`;
 * the layers are shared, so training the result trains `training`. The head's initial weights
 * come from `seed`.
 */
export function attachRhythmHead(
  training: tf.LayersModel,
  spec: ArchSpec,
  head: RhythmHead,
  seed: number,
): RhythmTrainer {
  checkRhythmHead(head, spec);
  // Fused training layers stand in for runs of spec layers (lib/fused): those inside are gone.
  const names = training.layers.map((l) => l.name);
  if (!names.includes(head.layer)) {
    throw new RangeError(
      `rhythmHead.layer ${head.layer} is inside a fused block of the training model; ` +
        `choose one of ${names.filter((n) => n !== spec.output && n !== "input").join(", ")}`,
    );
  }
  const features = training.getLayer(head.layer).output as tf.SymbolicTensor;
  const dense = tf.layers.dense({
    name: "rhythm_head",
    units: RHYTHMS.length,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  });
  const flat = features.shape.length > 2 ? tf.layers.flatten().apply(features) : features;
  const logits = dense.apply(flat) as tf.SymbolicTensor;
  const model = tf.model({
    inputs: training.inputs,
    outputs: [training.outputs[0], logits],
  });
  return { model, headWeights: dense.trainableWeights };
}

/** Rhythm indices (RHYTHMS order) of `indices[from..to)`, as the head's targets. */
export function gatherRhythms(
  dataset: Dataset,
  indices: ArrayLike<number>,
  from: number,
  to: number,
): Int32Array {
  const out = new Int32Array(to - from);
  for (let j = from; j < to; j++) out[j - from] = dataset.rhythms[indices[j]];
  return out;
}

/** The head's loss: mean softmax cross-entropy of `logits` against `rhythms`, times `weight`. */
export function rhythmLoss(logits: tf.Tensor, rhythms: tf.Tensor1D, weight: number): tf.Scalar {
  const targets = tf.oneHot(rhythms, RHYTHMS.length);
  return tf.losses.softmaxCrossEntropy(targets, logits).mul(weight) as tf.Scalar;
}
