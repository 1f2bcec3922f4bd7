/**
 * A tfjs Layer doing what `conv1d → batchNormalization → reLU → maxPooling1d` do, in one fused
 * kernel (conv_block.ts).
 *
 * Contract:
 * - Input [batch, length, inChannels] → output [batch, pooledLength, filters]; conv1d with TF
 *   'same' or 'valid' padding and the given stride, BatchNorm over the last axis, ReLU, max-pool
 *   with window = stride = `pool` ('valid').
 * - Weights, in `layer.weights` order and shapes exactly as the stock layers hold them:
 *   kernel [k, inChannels, filters], bias [filters], gamma, beta (trainable), moving_mean,
 *   moving_variance [filters] (not trainable). For a model of one block, `stock.setWeights(
 *   fused.getWeights())` works as is. In a model with several blocks tfjs lists every trainable
 *   weight before every non-trainable one, layer by layer in its own order, so the orders
 *   differ: {@linkcode copyWeightsByStockName} matches them by name instead.
 * - `apply(x, {training: true})` normalizes with the batch statistics and updates the moving
 *   ones exactly as tfjs' BatchNormalization does (`moving −= (moving − batch) · (1 −
 *   momentum)`, float32 ops, batch variance biased); otherwise it uses the moving statistics.
 * - Defaults are tfjs': momentum 0.99, epsilon 1e-3, kernel glorotNormal, bias and beta zeros,
 *   gamma and moving variance ones, moving mean zeros. Initializers are not serialized (a loaded
 *   model's weights come from its file).
 *
 * @example One nnom branch, and its weights moved into the stock chain
 * ```ts
 * import { setupBackend, tf } from "../backend/mod.ts";
 * import { fusedConvBlock } from "./conv_block_layer.ts";
 * await setupBackend("cpu");
 * const input = tf.input({ shape: [1250, 1] });
 * const fused = tf.model({
 *   inputs: input,
 *   outputs: fusedConvBlock({ name: "b5", filters: 8, kernel: 5, stride: 2, pool: 4 })
 *     .apply(input) as tf.SymbolicTensor,
 * });
 * if (JSON.stringify(fused.outputs[0].shape) !== "[null,156,8]") throw new Error("shape");
 * const conv = tf.layers.conv1d({ filters: 8, kernelSize: 5, strides: 2, padding: "same" });
 * const stock = tf.model({
 *   inputs: input,
 *   outputs: tf.layers.maxPooling1d({ poolSize: 4 }).apply(tf.layers.reLU().apply(
 *     tf.layers.batchNormalization().apply(conv.apply(input)),
 *   )) as tf.SymbolicTensor,
 * });
 * stock.setWeights(fused.getWeights());
 * ```
 *
 * @module
 */
import { tf } from "../backend/tf.ts";
import { convBlockBatchStatistics, fusedConvBlock as fusedConvBlockOp } from "./conv_block.ts";
import { convBlockGeometry, type Padding } from "./conv_block_kernels.ts";

/** What {@linkcode fusedConvBlock} takes. */
export interface FusedConvBlockArgs {
  /** Layer name; also the default stem of the stock names, `<name>_conv` and `<name>_bn`. */
  name?: string;
  filters: number;
  /** Convolution kernel size. */
  kernel: number;
  stride?: number; // default 1
  padding?: Padding; // default "same"
  /** Max-pool window and stride. */
  pool: number;
  momentum?: number; // default 0.99, as tf.layers.batchNormalization
  epsilon?: number; // default 1e-3, as tf.layers.batchNormalization
  kernelInitializer?: Initializer;
  /** The stock conv layer's name, for weight names (default `<name>_conv`). */
  convName?: string;
  /** The stock BatchNorm layer's name, for weight names (default `<name>_bn`). */
  bnName?: string;
  /** [length, inChannels], for a first layer of a tf.sequential model. */
  inputShape?: number[];
}

type Initializer = ReturnType<typeof tf.initializers.glorotNormal>;
type LayerVariable = ReturnType<tf.layers.Layer["addWeight"]>;

/** The fused block as a tfjs Layer (see the module documentation for its contract). */
export class FusedConvBlock extends tf.layers.Layer {
  /** @nocollapse */
  static className = "IegmFusedConvBlock";
  readonly filters: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: Padding;
  readonly pool: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly convName: string;
  readonly bnName: string;
  private readonly kernelInitializer: Initializer;
  private kernel!: LayerVariable;
  private bias!: LayerVariable;
  private gamma!: LayerVariable;
  private beta!: LayerVariable;
  private movingMean!: LayerVariable;
  private movingVariance!: LayerVariable;

  constructor(args: FusedConvBlockArgs) {
    super({ name: args.name, inputShape: args.inputShape });
    this.filters = args.filters;
    this.kernelSize = args.kernel;
    this.stride = args.stride ?? 1;
    this.padding = args.padding ?? "same";
    this.pool = args.pool;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.convName = args.convName ?? `${this.name}_conv`;
    this.bnName = args.bnName ?? `${this.name}_bn`;
    this.kernelInitializer = args.kernelInitializer ?? tf.initializers.glorotNormal({});
    // Fails early on impossible hyper-parameters (the length is checked in build).
    convBlockGeometry(1, this.kernelSize * this.pool * this.stride, 1, this.options());
  }

  private options() {
    return {
      kernelSize: this.kernelSize,
      filters: this.filters,
      stride: this.stride,
      padding: this.padding,
      pool: this.pool,
    };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inChannels = shape[2];
    if (shape.length !== 3 || inChannels == null) {
      throw new RangeError(
        `Layer ${this.name}: input must be [batch, length, channels], got [${shape}]`,
      );
    }
    const f = [this.filters];
    const zeros = tf.initializers.zeros();
    const ones = tf.initializers.ones();
    this.kernel = this.addWeight(
      "kernel",
      [this.kernelSize, inChannels, this.filters],
      "float32",
      this.kernelInitializer,
    );
    this.bias = this.addWeight("bias", f, "float32", zeros);
    this.gamma = this.addWeight("gamma", f, "float32", ones);
    this.beta = this.addWeight("beta", f, "float32", zeros);
    this.movingMean = this.addWeight("moving_mean", f, "float32", zeros, undefined, false);
    this.movingVariance = this.addWeight("moving_variance", f, "float32", ones, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const length = shape[1];
    if (length == null) return [shape[0], null, this.filters];
    const g = convBlockGeometry(1, length, shape[2] ?? 1, this.options());
    return [shape[0], g.pooledLength, this.filters];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean },
  ): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = kwargs.training ?? false;
    return tf.tidy(() => {
      const y = fusedConvBlockOp(x, {
        kernel: this.kernel.read(),
        bias: this.bias.read(),
        gamma: this.gamma.read(),
        beta: this.beta.read(),
        movingMean: this.movingMean.read(),
        movingVariance: this.movingVariance.read(),
      }, {
        stride: this.stride,
        padding: this.padding,
        pool: this.pool,
        epsilon: this.epsilon,
        training,
      });
      if (training) {
        const stats = convBlockBatchStatistics(y)!;
        this.updateMovingAverage(this.movingMean, stats.mean);
        this.updateMovingAverage(this.movingVariance, stats.variance);
      }
      return y;
    });
  }

  /** tfjs BatchNormalization's update, op for op: v − (v − batch) · (1 − momentum). */
  private updateMovingAverage(variable: LayerVariable, batch: Float32Array): void {
    tf.tidy(() => {
      const decay = 1 - this.momentum;
      const orig = variable.read();
      const delta = tf.mul(tf.sub(orig, tf.tensor1d(batch)), decay);
      variable.write(tf.sub(orig, delta));
    });
  }

  /** The names the stock layers give these weights, in `this.weights` order. */
  stockWeightNames(): string[] {
    const c = this.convName, b = this.bnName;
    return [
      `${c}/kernel`,
      `${c}/bias`,
      `${b}/gamma`,
      `${b}/beta`,
      `${b}/moving_mean`,
      `${b}/moving_variance`,
    ];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      pool: this.pool,
      momentum: this.momentum,
      epsilon: this.epsilon,
      convName: this.convName,
      bnName: this.bnName,
    };
  }
}
tf.serialization.registerClass(FusedConvBlock);

/**
 * A fused Conv1D → BatchNorm → ReLU → MaxPool layer. `{name: "b5", filters: 8, kernel: 5,
 * stride: 2, pool: 4}` replaces nnom's b5_conv, b5_bn, b5_relu, b5_pool.
 */
export function fusedConvBlock(args: FusedConvBlockArgs): FusedConvBlock {
  return new FusedConvBlock(args);
}

/**
 * Each weight of `model` under the name the stock (unfused) model gives it: fused blocks'
 * weights by {@linkcode FusedConvBlock.stockWeightNames}, the others by their own names
 * (without tfjs' uniqueness suffixes).
 */
export function weightsByStockName(model: tf.LayersModel): Map<string, tf.Tensor> {
  const byName = new Map<string, tf.Tensor>();
  for (const layer of model.layers) {
    const names = layer instanceof FusedConvBlock
      ? layer.stockWeightNames()
      : layer.weights.map((w) => w.originalName);
    layer.weights.forEach((w, i) => byName.set(names[i], w.read()));
  }
  return byName;
}

/**
 * Copies every weight of `from` into `to` by stock name, so a fused model's weights go into
 * the stock model and back. Throws a RangeError naming the first weight of `to` that `from`
 * lacks or has in another shape.
 */
export function copyWeightsByStockName(from: tf.LayersModel, to: tf.LayersModel): void {
  const source = weightsByStockName(from);
  const values: tf.Tensor[] = [];
  for (const [name, target] of weightsByStockName(to)) {
    const value = source.get(name);
    if (!value || !tf.util.arraysEqual(value.shape, target.shape)) {
      throw new RangeError(
        `Weight ${name} [${target.shape}]: the source model has ` +
          (value ? `[${value.shape}]` : "no such weight"),
      );
    }
    values.push(value);
  }
  // Map order = to.layers order = to.weights order only per layer; set layer by layer.
  let at = 0;
  for (const layer of to.layers) {
    const n = layer.weights.length;
    if (n > 0) layer.setWeights(values.slice(at, at + n));
    at += n;
  }
}
