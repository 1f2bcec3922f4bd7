/** Builds a tfjs LayersModel from an ArchSpec; layer names are the spec's names. */
import { tf } from "../backend/tf.ts";
import type { ArchSpec, LayerSpec } from "./spec.ts";
import { INPUT } from "./spec.ts";
import { normalizePeaks } from "../data/peak_gain.ts";
import { checkBelowGateThreshold, checkFastZone } from "../ir/validate.ts";

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Momentum of the BatchNorm moving statistics (tfjs and Keras default to 0.99). The signal is
 * tiny (first-layer batch variances ≈ 5e-4) while the moving variance starts at 1, and at 0.99
 * that start still weighs 0.99^225 ≈ 0.1 after three epochs of batch-256 steps: inference-mode
 * outputs (validation, the saved model) were wrong for the first ~10 epochs, the model seemed
 * to flag every held-out segment as VA, and early stopping and checkpoint choice were fooled.
 * At 0.9 the start is forgotten within one epoch (0.9^75 ≈ 4e-4). Training-mode arithmetic
 * (batch statistics) does not depend on it; the int8 path reads only the final statistics.
 */
export const BATCHNORM_MOMENTUM = 0.9;

/**
 * The tfjs model for `spec`, with weights initialised from `seed`.
 *
 * Input clipping and peak normalization are not layers: callers apply `prepareInput()` before
 * `predict`/`fit`, exactly as the interpreters do.
 */
export function buildModel(spec: ArchSpec, seed: number): tf.LayersModel {
  checkSpec(spec);
  const tensors = new Map<string, tf.SymbolicTensor>();
  const input = tf.input({ shape: [spec.inputLength, 1], name: INPUT });
  tensors.set(INPUT, input);
  let layerSeed = seed;
  const init = () => tf.initializers.glorotUniform({ seed: layerSeed++ });
  const orthogonal = () => tf.initializers.orthogonal({ seed: layerSeed++ });
  for (const layer of spec.layers) {
    const inputs = layer.inputs.map((name) => tensors.get(name)!);
    tensors.set(layer.name, applyLayer(layer, inputs, init, orthogonal));
  }
  return tf.model({ inputs: input, outputs: tensors.get(spec.output)!, name: spec.name });
}

function applyLayer(
  layer: LayerSpec,
  inputs: tf.SymbolicTensor[],
  init: () => Initializer,
  orthogonal: () => Initializer,
): tf.SymbolicTensor {
  const name = layer.name;
  const x = inputs.length === 1 ? inputs[0] : inputs;
  switch (layer.op) {
    case "conv1d":
      return tf.layers.conv1d({
        name,
        filters: layer.filters,
        kernelSize: layer.kernel,
        strides: layer.stride,
        padding: layer.padding,
        kernelInitializer: init(),
      }).apply(x) as tf.SymbolicTensor;
    case "batchnorm":
      return tf.layers.batchNormalization({ name, axis: -1, momentum: BATCHNORM_MOMENTUM }).apply(
        x,
      ) as tf.SymbolicTensor;
    case "relu":
      return tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;
    case "maxpool1d":
      return tf.layers.maxPooling1d({ name, poolSize: layer.pool, strides: layer.pool })
        .apply(x) as tf.SymbolicTensor;
    case "concat":
      return tf.layers.concatenate({ name, axis: -1 }).apply(x) as tf.SymbolicTensor;
    case "gru":
      return tf.layers.gru({
        name,
        units: layer.units,
        returnSequences: layer.returnSequences,
        kernelInitializer: init(),
        recurrentInitializer: orthogonal(),
      }).apply(x) as tf.SymbolicTensor;
    case "flatten":
      return tf.layers.flatten({ name }).apply(x) as tf.SymbolicTensor;
    case "dense":
      return tf.layers.dense({
        name,
        units: layer.units,
        activation: layer.activation,
        kernelInitializer: init(),
      }).apply(x) as tf.SymbolicTensor;
    case "dropout":
      return tf.layers.dropout({ name, rate: layer.rate }).apply(x) as tf.SymbolicTensor;
  }
}

/** Throws a TypeError naming the layer if `spec` is not a well-formed graph. */
export function checkSpec(spec: ArchSpec): void {
  const gate = spec.rateGateBpm;
  if (gate !== undefined && !(Number.isInteger(gate) && gate >= 1 && gate <= 300)) {
    throw new RangeError(`Arch "${spec.name}": rateGateBpm ${gate} is not an integer in [1, 300]`);
  }
  checkFastZone(`Arch "${spec.name}"`, spec.fastZone, gate);
  checkBelowGateThreshold(`Arch "${spec.name}"`, spec.belowGateThreshold, gate);
  const known = new Set([INPUT]);
  for (const layer of spec.layers) {
    if (known.has(layer.name)) {
      throw new TypeError(`Arch "${spec.name}": layer name "${layer.name}" is used twice`);
    }
    for (const name of layer.inputs) {
      if (!known.has(name)) {
        throw new TypeError(
          `Arch "${spec.name}": layer "${layer.name}" reads "${name}", which no earlier layer makes`,
        );
      }
    }
    if (layer.inputs.length !== 1 && layer.op !== "concat") {
      throw new TypeError(`Arch "${spec.name}": layer "${layer.name}" must have exactly one input`);
    }
    known.add(layer.name);
  }
  if (!known.has(spec.output)) {
    throw new TypeError(`Arch "${spec.name}": output "${spec.output}" is not a layer`);
  }
}

/**
 * Prepares whole segments in place as the model's input (docs/int8-spec.md §3): clipped to the
 * spec's range if it has one, then peak-normalized if the spec asks.
 */
export function prepareInput(spec: ArchSpec, samples: Float32Array): Float32Array {
  const c = spec.inputClip;
  if (c !== null) {
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i];
      samples[i] = v > c ? c : v < -c ? -c : v;
    }
  }
  return spec.peakNormalize ? normalizePeaks(samples, spec.inputLength) : samples;
}
