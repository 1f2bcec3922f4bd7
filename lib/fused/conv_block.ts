/**
 * The fused Conv1D → BatchNorm → ReLU → MaxPool block as one tfjs kernel with its own gradient
 * (kernel name {@linkcode FUSED_CONV_BLOCK}, registered for the wasm and cpu backends when this
 * module is imported). The arithmetic runs in WebAssembly (conv_block_wasm.ts, on both
 * backends; conv_block_kernels.ts is its plain reference); this file moves tensors in and out.
 *
 * The kernel has one output, y. What the backward pass needs (the padded input, x̂, the pool
 * winners) stays in the WebAssembly module's memory, and its handle in a holder object passed
 * among the call's attributes: tfjs keeps the attributes with the tape node, so the state
 * lives as long as a gradient can still ask for it, and tfjs neither copies it nor makes zero
 * "gradients" for auxiliary outputs. A call made with the tape off (inference, or a training
 * forward outside any gradient) keeps nothing.
 *
 * The gradient returns one lazy function per input: tfjs calls only those of inputs that lead
 * to a trained variable, in the order of the inputs map (x first). So the first one called
 * knows whether dx is wanted: it runs the single backward sweep (with dx only if it is x's)
 * and returns the state's memory at once; later ones read its results. A state whose
 * gradient never runs is returned when its holder is garbage collected.
 *
 * @example The block on a tiny input, inference mode
 * ```ts
 * import { setupBackend, tf } from "../backend/mod.ts";
 * import { fusedConvBlock } from "./conv_block.ts";
 * await setupBackend("cpu");
 * const x = tf.tensor3d([1, -2, 3, 4, -5, 6, 7, -8], [1, 8, 1]);
 * const y = fusedConvBlock(x, {
 *   kernel: tf.ones([3, 1, 2]), bias: tf.zeros([2]), gamma: tf.ones([2]), beta: tf.zeros([2]),
 *   movingMean: tf.zeros([2]), movingVariance: tf.ones([2]),
 * }, { stride: 1, padding: "same", pool: 2, epsilon: 0, training: false });
 * // conv [−1, 2, 5, 2, 5, 8, 5, −1] → ReLU → max over pairs, in both filters
 * const expected = [[2, 2], [5, 5], [8, 8], [5, 5]];
 * if (JSON.stringify(y.arraySync()[0]) !== JSON.stringify(expected)) throw new Error("y");
 * ```
 *
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { convBlockGeometry, type ConvBlockGradients, type Padding } from "./conv_block_kernels.ts";
import {
  convBlockBackwardWasm,
  convBlockForwardWasm,
  type ConvBlockState,
  releaseConvBlockState,
} from "./conv_block_wasm.ts";

/** The kernel's name in tfjs' registry. */
export const FUSED_CONV_BLOCK = "IegmFusedConvBlock1D";

/** The block's hyper-parameters (the kernel size comes from the kernel tensor). */
export interface ConvBlockOptions {
  stride: number;
  padding: Padding;
  /** Max-pool window and stride ('valid' pooling). */
  pool: number;
  /** BatchNorm's ε, added to the variance. */
  epsilon: number;
  /** Batch statistics (true) or the moving ones (false). */
  training: boolean;
}

/** The block's tensors in tfjs' layouts. */
export interface ConvBlockWeights {
  kernel: tf.Tensor; // [K, C, F]
  bias: tf.Tensor; // [F]
  gamma: tf.Tensor; // [F]
  beta: tf.Tensor; // [F]
  movingMean?: tf.Tensor; // [F], read in inference mode only
  movingVariance?: tf.Tensor; // [F], read in inference mode only
}

/** Where the kernel leaves its state for the gradient (and the layer's moving averages). */
interface StateHolder {
  /** Whether a gradient may follow: the tape was on when the op was called. */
  keep: boolean;
  /** In the module's memory until the backward sweep has run. */
  state: ConvBlockState | null;
  /** The statistics normalized with: the batch's (training) or the moving ones. */
  mean: Float32Array | null;
  variance: Float32Array | null;
}

type Attrs = ConvBlockOptions & { kernelSize: number; filters: number; holder: StateHolder };

// Outputs of training-mode calls → their holder, for convBlockBatchStatistics. Weak: an entry
// goes with the output's data.
const holderByDataId = new WeakMap<object, StateHolder>();

// States whose gradient never ran (the output did not lead to the loss): returned to the
// module's heap when their holder is collected.
const unreleased = new FinalizationRegistry<ConvBlockState>(releaseConvBlockState);

/**
 * The block on x [batch, length, inChannels] → [batch, pooledLength, filters]. Differentiable
 * with respect to x and every weight. Shapes are checked here, once; the kernel trusts them.
 */
export function fusedConvBlock(
  x: tf.Tensor,
  weights: ConvBlockWeights,
  options: ConvBlockOptions,
): tf.Tensor3D {
  const { kernel, bias, gamma, beta, movingMean, movingVariance } = weights;
  if (x.rank !== 3) throw new RangeError(`Conv block input must be rank 3, got [${x.shape}]`);
  if (kernel.rank !== 3 || kernel.shape[1] !== x.shape[2]) {
    throw new RangeError(
      `Conv block kernel must be [k, ${x.shape[2]}, filters], got [${kernel.shape}]`,
    );
  }
  const [kernelSize, , filters] = kernel.shape;
  const vectors: [string, tf.Tensor | undefined][] = [["bias", bias], ["gamma", gamma], [
    "beta",
    beta,
  ]];
  if (!options.training) {
    vectors.push(["movingMean", movingMean], ["movingVariance", movingVariance]);
  }
  for (const [name, t] of vectors) {
    if (!t || t.rank !== 1 || t.shape[0] !== filters) {
      throw new RangeError(`Conv block ${name} must be [${filters}], got [${t?.shape}]`);
    }
  }
  // Throws a RangeError for impossible geometry before the kernel runs.
  const [batch, length, inChannels] = x.shape as [number, number, number];
  convBlockGeometry(batch, length, inChannels, { kernelSize, filters, ...options });
  const inputs: tf.NamedTensorMap = { x, kernel, bias, gamma, beta };
  if (!options.training) Object.assign(inputs, { movingMean, movingVariance });
  const holder: StateHolder = {
    keep: tf.engine().isTapeOn(),
    state: null,
    mean: null,
    variance: null,
  };
  const attrs: Attrs = { ...options, kernelSize, filters, holder };
  const y = tf.engine().runKernel(
    FUSED_CONV_BLOCK,
    inputs,
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor3D;
  if (options.training) holderByDataId.set(y.dataId, holder);
  return y;
}

/**
 * The batch mean and biased variance [filters] that the training-mode call which produced `y`
 * normalized with (for the moving averages), or null if `y` is not such an output.
 */
export function convBlockBatchStatistics(
  y: tf.Tensor,
): { mean: Float32Array; variance: Float32Array } | null {
  const holder = holderByDataId.get(y.dataId);
  if (!holder) return null;
  return { mean: holder.mean!, variance: holder.variance! };
}

// ---------------------------------------------------------------------------------------
// Kernel

type MakeTensorInfo = (shape: number[], dtype: "float32", values: Float32Array) => tf.TensorInfo;
type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

function isWasm(backend: tf.KernelBackend): backend is tf.KernelBackend & BackendWasm {
  return "typedArrayFromHeap" in backend;
}

/** The float32 values of `info`: a view into the wasm heap (valid until the next allocation). */
function values(backend: tf.KernelBackend, info: tf.TensorInfo): Float32Array {
  if (isWasm(backend)) return backend.typedArrayFromHeap(info) as Float32Array;
  const v = backend.readSync(info.dataId);
  if (!(v instanceof Float32Array)) {
    throw new TypeError(`Conv block tensors must be float32, got ${info.dtype}`);
  }
  return v;
}

function forwardKernel(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const inputs = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as unknown as Attrs;
  const { x } = inputs;
  const g = convBlockGeometry(x.shape[0], x.shape[1], x.shape[2], attrs);
  const outShape = [g.batch, g.pooledLength, g.filters];
  const read = (name: string) => values(backend, inputs[name]);
  const { holder } = attrs;
  let out: tf.TensorInfo | null = null;
  const { y, mean, variance, state } = convBlockForwardWasm(
    g,
    read("x"),
    {
      kernel: read("kernel"),
      bias: read("bias"),
      gamma: read("gamma"),
      beta: read("beta"),
      movingMean: attrs.training ? undefined : read("movingMean"),
      movingVariance: attrs.training ? undefined : read("movingVariance"),
      epsilon: attrs.epsilon,
      training: attrs.training,
      lastMaxWins: isWasm(backend),
      float32Statistics: isWasm(backend),
    },
    holder.keep,
    (length) => {
      // Called once the inputs are in the module's memory: allocating the output may grow the
      // backend's heap and detach their views.
      if (!isWasm(backend)) return new Float32Array(length);
      out = backend.makeOutput(outShape, "float32");
      return backend.typedArrayFromHeap(out) as Float32Array;
    },
    x.dataId, // nnom's branches share one transposed copy of the model input
  );
  Object.assign(holder, { state, mean, variance });
  if (state) unreleased.register(holder, state, holder);
  if (out) return out;
  const cpu = backend as unknown as { makeTensorInfo: MakeTensorInfo };
  return cpu.makeTensorInfo(outShape, "float32", y);
}

// ---------------------------------------------------------------------------------------
// Gradient

function gradient(
  dy: tf.Tensor | tf.Tensor[],
  _saved: tf.Tensor[],
  attrs: Attrs,
): Record<string, () => tf.Tensor> {
  const { holder } = attrs;
  const s = holder.state;
  if (!s) throw new Error("Conv block gradient: the forward pass ran with the tape off");
  const dyTensor = Array.isArray(dy) ? dy[0] : dy;
  const g = s.geometry;
  const xShape = [g.batch, g.length, g.inChannels];
  let result: ConvBlockGradients | null = null;
  let dx: tf.Tensor | null = null;
  const sweep = (input: boolean): ConvBlockGradients => {
    if (!result) {
      const backend = tf.backend();
      // dy is read where the backend holds it, before anything is allocated there; dx goes
      // from the module's memory into a tensor (the wasm backend copies it into its heap, the
      // cpu backend keeps the array it is given).
      result = convBlockBackwardWasm(s, values(backend, dyTensor), input, (view) => {
        dx = tf.tensor(isWasm(backend) ? view : view.slice(), xShape, "float32");
      });
      releaseConvBlockState(s);
      unreleased.unregister(holder);
      holder.state = null;
    }
    return result;
  };
  const param = (key: keyof ConvBlockGradients, shape: number[]) => () =>
    tf.tensor(sweep(false)[key]!, shape, "float32");
  const f = [g.filters];
  const byInput: Record<string, () => tf.Tensor> = {
    x: () => {
      sweep(true);
      if (!dx) throw new Error("Conv block gradient: dx asked for after the weights' gradients");
      return dx;
    },
    kernel: param("dKernel", [g.kernelSize, g.inChannels, g.filters]),
    bias: param("dBias", f),
    gamma: param("dGamma", f),
    beta: param("dBeta", f),
  };
  if (!s.training) {
    byInput.movingMean = param("dMovingMean", f);
    byInput.movingVariance = param("dMovingVariance", f);
  }
  return byInput;
}

for (const backendName of ["wasm", "cpu"]) {
  if (!tf.getKernel(FUSED_CONV_BLOCK, backendName)) {
    tf.registerKernel({
      kernelName: FUSED_CONV_BLOCK,
      backendName,
      kernelFunc: forwardKernel as unknown as tf.KernelFunc,
    });
  }
}
if (!tf.getGradient(FUSED_CONV_BLOCK)) {
  tf.registerGradient({
    kernelName: FUSED_CONV_BLOCK,
    gradFunc: gradient as unknown as tf.GradFunc,
  });
}
