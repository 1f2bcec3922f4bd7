/**
 * The fast `Conv2DBackpropFilter` for the wasm backend, checked equal to the reference loop in
 * conv2d_backprop_filter.ts (tests/backend). Same math, arranged as one matrix product so that
 * the backend's SIMD matmul does the multiply-adds:
 *
 *   cols [fH·fW·Cin, N]   cols[(r·fW + c)·Cin + i, (b·outH + y)·outW + x]
 *                           = x[b, y·sH + r·dH − padTop, x·sW + c·dW − padLeft, i]  (0 outside)
 *   dW = cols · dy         with dy viewed as [N, Cout], N = B·outH·outW
 *
 * and dW's row-major [fH·fW·Cin, Cout] layout is exactly the filter's [fH, fW, Cin, Cout].
 */
import { tf } from "./tf.ts";
import { backpropFilterCall, type KernelArgs } from "./_backprop_filter_call.ts";

type TensorInfo = tf.TensorInfo;

/** Computes dW for one Conv2DBackpropFilter call on the wasm backend (NHWC only). */
export function conv2dBackpropFilterIm2col(args: KernelArgs): TensorInfo {
  const { backend, x, dy, info, filterShape } = backpropFilterCall(args);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rows = filterHeight * filterWidth * inChannels;
  const n = batchSize * outHeight * outWidth;

  const cols = backend.makeOutput([1, rows, n], "float32");
  // Views after makeOutput: allocating may grow the wasm memory and detach older views.
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const cv = backend.typedArrayFromHeap(cols) as Float32Array;
  const xRow = inWidth * inChannels;
  const xBatch = inHeight * xRow;
  for (let r = 0; r < filterHeight; r++) {
    for (let c = 0; c < filterWidth; c++) {
      for (let i = 0; i < inChannels; i++) {
        let k = ((r * filterWidth + c) * inChannels + i) * n; // start of this row of cols
        for (let b = 0; b < batchSize; b++) {
          for (let y = 0; y < outHeight; y++) {
            const inRow = y * strideHeight + r * dilationHeight - padTop;
            if (inRow < 0 || inRow >= inHeight) {
              cv.fill(0, k, k + outWidth);
              k += outWidth;
              continue;
            }
            const base = b * xBatch + inRow * xRow + i;
            for (let xo = 0; xo < outWidth; xo++) {
              const inCol = xo * strideWidth + c * dilationWidth - padLeft;
              cv[k++] = inCol >= 0 && inCol < inWidth ? xv[base + inCol * inChannels] : 0;
            }
          }
        }
      }
    }
  }
  // dy [B, outH, outW, Cout] is row-major [N, Cout] already: a reshaped view of the same data.
  const dy2d: TensorInfo = { dataId: dy.dataId, shape: [1, n, outChannels], dtype: dy.dtype };
  const product = matMul({
    inputs: { a: cols, b: dy2d },
    backend: args.backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
  backend.disposeData(cols.dataId);
  return { dataId: product.dataId, shape: [...filterShape], dtype: "float32" };
}

/** The wasm backend's own BatchMatMul kernel (its SIMD matmul). */
function matMul(args: KernelArgs): TensorInfo | TensorInfo[] {
  const kernel = tf.getKernel(tf.BatchMatMul, "wasm");
  if (!kernel) throw new Error("The wasm backend has no BatchMatMul kernel");
  return kernel.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
}

/** The kernel registration for the wasm backend. */
export const conv2dBackpropFilterIm2colConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilterIm2col as unknown as tf.KernelFunc,
};
