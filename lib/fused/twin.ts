/**
 * The training twin of a stock model: the same graph with some stock layers replaced by fused
 * layers (faster to train, same function, same weights). Training runs on the twin; the stock
 * model is what is validated, saved (its model.json is what the IR converter reads) and
 * returned, after {@linkcode copyWeights} brings the twin's weights over.
 */
import { tf } from "../backend/mod.ts";
import { BATCHNORM_MOMENTUM, buildModel } from "../model/build.ts";
import type { ArchSpec, LayerSpec, MaxPool1DSpec } from "../model/spec.ts";
import { INPUT } from "../model/spec.ts";
import { fusedConvBlock } from "./conv_block_layer.ts";
import { FusedGru } from "./gru_layer.ts";

/** A model to train and the stock model it mirrors. */
export interface TrainingModels {
  /** buildModel(spec, seed), unchanged: validated, saved, converted. */
  stock: tf.LayersModel;
  /** The graph with fused layers, starting from the stock weights (or `stock` itself). */
  training: tf.LayersModel;
}

/**
 * A layer whose weights stand for weights of other (stock) layers: it lists, for each of its
 * `weights` in order, the `originalName` of the stock weight it holds (e.g. a fused conv block
 * named after its pool holding "b5_conv/kernel", …, "b5_bn/moving_variance"). Layers without
 * it are matched by their own weights' names.
 */
export interface StandsInForWeights {
  stockWeightNames(): string[];
}

/**
 * The stock model of `spec` and, with `options.fused`, its twin with fused layers, holding the
 * same weights. With `fused: false` the training model is the stock model itself.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../backend/mod.ts";
 * import { nnom } from "../model/mod.ts";
 * import { buildTrainingModel } from "./twin.ts";
 * await setupBackend("wasm");
 * const { stock, training } = buildTrainingModel(nnom, 1, { fused: true });
 * if (training.getLayer("gru").getClassName() !== "FusedGru") throw new Error("not fused");
 * if (stock.getLayer("gru").getClassName() !== "GRU") throw new Error("stock changed");
 * ```
 */
export function buildTrainingModel(
  spec: ArchSpec,
  seed: number,
  options: { fused: boolean },
): TrainingModels {
  const stock = buildModel(spec, seed);
  if (!options.fused) return { stock, training: stock };
  const training = buildTwin(spec, stock);
  copyWeights(stock, training);
  return { stock, training };
}

/** The fused stand-in for the run of spec layers starting at `at`, or null (clone the stock). */
function fusedStandIn(
  layers: readonly LayerSpec[],
  at: number,
): { layer: tf.layers.Layer; count: number } | null {
  const layer = layers[at];
  switch (layer.op) {
    case "gru":
      return {
        layer: new FusedGru({
          name: layer.name,
          units: layer.units,
          returnSequences: layer.returnSequences,
        }),
        count: 1,
      };
    case "conv1d": {
      const block = convBlockAt(layers, at);
      if (!block) return null;
      return {
        layer: fusedConvBlock({
          name: block.pool.name,
          filters: layer.filters,
          kernel: layer.kernel,
          stride: layer.stride,
          padding: layer.padding,
          pool: block.pool.pool,
          momentum: BATCHNORM_MOMENTUM,
          // The weights come from the stock model; a random initializer would also draw from
          // Math.random and shift the dropout masks that follow.
          kernelInitializer: tf.initializers.zeros(),
          convName: layer.name,
          bnName: block.bn.name,
        }),
        count: 4,
      };
    }
    default:
      return null;
  }
}

/**
 * The conv1d → batchnorm → relu → maxpool1d run starting at `at`, each layer reading the
 * previous one, or null. (A branch reading an inner tensor of the run would stop the match at
 * buildTwin's lookup, which names the hidden tensor.)
 */
function convBlockAt(
  layers: readonly LayerSpec[],
  at: number,
): { bn: LayerSpec; pool: MaxPool1DSpec } | null {
  const [conv, bn, relu, pool] = layers.slice(at, at + 4);
  const follows = (next: LayerSpec | undefined, op: LayerSpec["op"], previous: LayerSpec) =>
    next?.op === op && next.inputs.length === 1 && next.inputs[0] === previous.name;
  if (
    !follows(bn, "batchnorm", conv) || !follows(relu, "relu", bn) ||
    !follows(pool, "maxpool1d", relu)
  ) return null;
  return { bn, pool: pool as MaxPool1DSpec };
}

/** The spec's graph on new layers: fused stand-ins where there are some, else stock clones. */
function buildTwin(spec: ArchSpec, stock: tf.LayersModel): tf.LayersModel {
  const tensors = new Map<string, tf.SymbolicTensor>();
  tensors.set(INPUT, tf.input({ shape: [spec.inputLength, 1], name: INPUT }));
  for (let at = 0; at < spec.layers.length;) {
    const standIn = fusedStandIn(spec.layers, at);
    const count = standIn?.count ?? 1;
    const first = spec.layers[at];
    const last = spec.layers[at + count - 1];
    const layer = standIn?.layer ?? cloneWithoutInit(stock.getLayer(first.name));
    const inputs = first.inputs.map((name) => {
      const tensor = tensors.get(name);
      if (!tensor) {
        throw new TypeError(
          `Arch "${spec.name}": layer "${first.name}" reads "${name}", which a fused layer hides`,
        );
      }
      return tensor;
    });
    tensors.set(
      last.name,
      layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor,
    );
    at += count;
  }
  return tf.model({
    inputs: tensors.get(INPUT)!,
    outputs: tensors.get(spec.output)!,
    name: `${spec.name}_training`,
  });
}

/**
 * A new layer with `layer`'s configuration. Its initializers become zeros: the weights are
 * copied from the stock model anyway, and zeros draw no random numbers.
 */
function cloneWithoutInit(layer: tf.layers.Layer): tf.layers.Layer {
  const config = { ...layer.getConfig() };
  for (const key of Object.keys(config)) {
    if (key.endsWith("Initializer") && config[key] !== null) {
      config[key] = { className: "Zeros", config: {} };
    }
  }
  const cls = layer.constructor as unknown as
    & tf.serialization.SerializableConstructor<
      tf.layers.Layer
    >
    & { fromConfig: typeof tf.serialization.Serializable.fromConfig };
  return cls.fromConfig(cls, config) as tf.layers.Layer;
}

/**
 * Copies every weight of `from` into `to`, matched by stock name (see StandsInForWeights), so
 * it works in both directions between a stock model and its twin. Throws a TypeError naming
 * the weight when the two models do not hold the same set of weights and shapes.
 */
export function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  if (from === to) return;
  const source = weightsByStockName(from);
  const target = weightsByStockName(to);
  if (source.size !== target.size) {
    throw new TypeError(
      `copyWeights: "${from.name}" has ${source.size} weights, "${to.name}" ${target.size}`,
    );
  }
  const writes: [tf.LayerVariable, tf.Tensor][] = [];
  for (const [name, variable] of target) {
    const value = source.get(name);
    if (!value) throw new TypeError(`copyWeights: "${from.name}" has no weight "${name}"`);
    if (value.shape.join() !== variable.shape.join()) {
      throw new TypeError(
        `copyWeights: weight "${name}" is [${value.shape}] in "${from.name}", ` +
          `[${variable.shape}] in "${to.name}"`,
      );
    }
    writes.push([variable, value.read()]);
  }
  // Variables share the tensors' storage: no copy, and later updates of either side replace
  // that side's tensor only.
  for (const [variable, value] of writes) variable.write(value);
}

/** Every weight of `model` by the name it has in the stock model (see StandsInForWeights). */
export function weightsByStockName(model: tf.LayersModel): Map<string, tf.LayerVariable> {
  const byName = new Map<string, tf.LayerVariable>();
  for (const layer of model.layers) {
    const weights = layer.weights;
    const names = "stockWeightNames" in layer
      ? (layer as unknown as StandsInForWeights).stockWeightNames()
      : weights.map((w) => w.originalName);
    weights.forEach((w, i) => byName.set(names[i], w));
  }
  return byName;
}
