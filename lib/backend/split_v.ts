/**
 * A faster `SplitV` for the wasm backend. Concat's gradient is tf.split() (SplitV) of the
 * upstream gradient; for nnom that is [256, 156, 16] → [256, 156, 8 | 4 | 4] per training
 * step. The shipped kernel runs one Slice per output, which copies the whole input off the
 * heap (readSync) and then each row with its own subarray() + set(); it took about 10 % of a
 * fused training step. This one copies rows straight between heap views (concat.ts's
 * copyRows()).
 *
 * x is viewed as [outer, inner], outer = the product of the dims before the axis; output i is
 * [outer, inner_i] with out_i[b, j] = x[b, offset_i + j], offset_i = inner_0 + … + inner_(i−1).
 *
 * The contract is the shipped kernel's (tfjs-backend-wasm 4.22, kernels/SplitV.js):
 * `numOrSizeSplits` is a count that divides the axis or a list of sizes with at most one −1
 * (the rest of the axis); negative axes count from the end; outputs of size zero are empty
 * tensors. String tensors go to the shipped kernel.
 */
import { tf } from "./tf.ts";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { copyRows, heapElements, isHeapDtype } from "./concat.ts";

type TensorInfo = tf.TensorInfo;

// Captured when this module loads, which is before registerWasmTrainingKernels() replaces it.
const stockSplitV = tf.getKernel(tf.SplitV, "wasm");

/** Splits `x` along `attrs.axis` into pieces of `attrs.numOrSizeSplits` on the wasm backend. */
export function splitVWasm(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
): TensorInfo[] {
  const backend = args.backend as unknown as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  if (!isHeapDtype(x.dtype)) {
    if (!stockSplitV) throw new TypeError(`SplitV on wasm: no kernel for ${x.dtype}`);
    return stockSplitV.kernelFunc(args) as TensorInfo[];
  }
  const { numOrSizeSplits, axis } = args.attrs as {
    numOrSizeSplits: number | number[];
    axis: number;
  };
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  // A copy: prepareSplitSize() writes the size it infers for −1 into the list it is given.
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.Tensor,
    typeof numOrSizeSplits === "number" ? numOrSizeSplits : [...numOrSizeSplits],
    $axis,
  );
  const outs = sizes.map((size) => {
    const shape = x.shape.slice();
    shape[$axis] = size;
    return backend.makeOutput(shape, x.dtype);
  });
  const outer = tf.util.sizeFromShape(x.shape.slice(0, $axis));
  const xInner = tf.util.sizeFromShape(x.shape.slice($axis));
  if (outer === 0 || xInner === 0) return outs;
  // Views after every makeOutput: allocating may grow the wasm memory and detach older views.
  const src = heapElements(backend, x, true);
  const rest = xInner / x.shape[$axis]; // elements per index of the axis
  let offset = 0;
  for (let i = 0; i < outs.length; i++) {
    const inner = sizes[i] * rest;
    if (inner === 0) continue;
    copyRows(src, offset, xInner, heapElements(backend, outs[i], true), 0, inner, outer, inner);
    offset += inner;
  }
  return outs;
}

/** The kernel registration for the wasm backend (replacing the shipped SplitV). */
export const splitVWasmConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: "wasm",
  kernelFunc: splitVWasm as unknown as tf.KernelFunc,
};
