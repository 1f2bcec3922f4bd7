/**
 * A faster `Concat` for the wasm backend. nnom concatenates its three conv branches on the
 * channel axis ([256, 156, 8 | 4 | 4] → [256, 156, 16] per training step); the shipped kernel
 * copies each input row (4 to 8 floats here) with its own subarray() + set() and took about
 * 10 % of a fused training step. This one copies rows with plain element loops, and whole
 * blocks with one set() when the rows are long.
 *
 * Every input is viewed as [outer, inner_i], outer = the product of the dims before the axis,
 * inner_i = the product of input i's dims from the axis on; then
 * out[b, offset_i + j] = input_i[b, j], offset_i = inner_0 + … + inner_(i−1).
 *
 * The contract is the shipped kernel's (tfjs-backend-wasm 4.22, kernels/Concat.js): negative
 * axes count from the end; inputs with a zero-size dim are skipped, and if one input is left
 * the result is a copy of it (its own shape and dtype); the output dtype is the first input's,
 * and an input of another numeric dtype is converted as TypedArray.set() converts. Tensors of
 * other dtypes (string) go to the shipped kernel.
 */
import { tf } from "./tf.ts";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type TensorInfo = tf.TensorInfo;

/** A tensor's elements on the wasm heap, as copyRows() reads and writes them. */
export type HeapElements = Float32Array | Int32Array | Uint8Array;

// Captured when this module loads, which is before registerWasmTrainingKernels() replaces it.
const stockConcat = tf.getKernel(tf.Concat, "wasm");

/** Concatenates `inputs` along `attrs.axis` on the wasm backend. */
export function concatWasm(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
): TensorInfo {
  const backend = args.backend as unknown as BackendWasm;
  // tf.concat() passes its tensors as an array, not a name → tensor map.
  const inputs = args.inputs as unknown as TensorInfo[];
  if (inputs.some((t) => !isHeapDtype(t.dtype))) {
    if (!stockConcat) throw new TypeError(`Concat on wasm: no kernel for ${inputs[0].dtype}`);
    return stockConcat.kernelFunc(args) as TensorInfo;
  }
  const shapes = inputs.map((t) => t.shape);
  const axis = tf.util.parseAxisParam((args.attrs as { axis: number }).axis, shapes[0])[0];
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const parts = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (parts.length === 1) {
    const out = backend.makeOutput(parts[0].shape, parts[0].dtype);
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(parts[0]));
    return out;
  }
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  if (parts.length === 0) return out; // every input, hence the output, is empty
  // Views after makeOutput: allocating may grow the wasm memory and detach older views.
  const sameDtype = parts.every((t) => t.dtype === out.dtype);
  const dst = heapElements(backend, out, sameDtype);
  const outer = tf.util.sizeFromShape(outShape.slice(0, axis));
  const outInner = dst.length / outer;
  let offset = 0;
  for (const part of parts) {
    const inner = tf.util.sizeFromShape(part.shape.slice(axis));
    copyRows(heapElements(backend, part, sameDtype), 0, inner, dst, offset, outInner, outer, inner);
    offset += inner;
  }
  return out;
}

/** The kernel registration for the wasm backend (replacing the shipped Concat). */
export const concatWasmConfig: tf.KernelConfig = {
  kernelName: tf.Concat,
  backendName: "wasm",
  kernelFunc: concatWasm as unknown as tf.KernelFunc,
};

/** Whether the wasm backend keeps this dtype's elements on its heap (not string, complex64). */
export function isHeapDtype(dtype: tf.DataType): boolean {
  return dtype === "float32" || dtype === "int32" || dtype === "bool";
}

/**
 * A view of `t`'s elements on the wasm heap. With `bitwise`, float32 elements are viewed as
 * int32 so that copies keep every bit (NaN payloads included, as set() does) and the copy
 * loops see one array type for both 4-byte dtypes; without it (inputs of mixed dtypes), each
 * dtype's own array, so that assignments convert values as set() does.
 */
export function heapElements(
  backend: BackendWasm,
  t: TensorInfo,
  bitwise: boolean,
): HeapElements {
  const view = backend.typedArrayFromHeap(t) as HeapElements;
  return bitwise && view instanceof Float32Array
    ? new Int32Array(view.buffer, view.byteOffset, view.length)
    : view;
}

// Rows at least this long are copied with subarray() + set(), shorter ones element by element:
// a subarray costs an allocation, about as much as copying a few dozen elements in a loop.
const SET_MIN_WIDTH = 64;

/**
 * Copies `rows` rows of `width` elements from `src` to `dst`: row r goes from
 * src[srcStart + r·srcStride …] to dst[dstStart + r·dstStride …]. Rows lying back to back in
 * both arrays are copied as one block. (Concat and SplitV's shared inner loop.)
 */
export function copyRows(
  src: HeapElements,
  srcStart: number,
  srcStride: number,
  dst: HeapElements,
  dstStart: number,
  dstStride: number,
  rows: number,
  width: number,
): void {
  if (width === srcStride && width === dstStride) {
    dst.set(src.subarray(srcStart, srcStart + rows * width), dstStart);
  } else if (width >= SET_MIN_WIDTH) {
    for (let r = 0, s = srcStart, d = dstStart; r < rows; r++, s += srcStride, d += dstStride) {
      dst.set(src.subarray(s, s + width), d);
    }
  } else {
    for (let r = 0, s = srcStart, d = dstStart; r < rows; r++, s += srcStride, d += dstStride) {
      for (let j = 0; j < width; j++) dst[d + j] = src[s + j];
    }
  }
}
