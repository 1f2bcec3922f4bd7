/**
 * The wasm backend's missing `Conv2DBackpropFilter` kernel (the weight gradient of a
 * convolution; tfjs' Conv1D is a Conv2D of height 1, so every conv layer's training needs it).
 *
 * A plain reference loop over the geometry that `computeConv2DInfo` derives, reading and
 * writing the wasm heap directly. For output gradient dy [B, outH, outW, Cout] and input
 * x [B, inH, inW, Cin] (channels last):
 *
 *   dW[r, c, i, o] = Σ_b Σ_y Σ_x  x[b, y·sH + r·dH − padTop, x·sW + c·dW − padLeft, i] · dy[b, y, x, o]
 *
 * where input positions outside the image are the zero padding and contribute nothing.
 *
 * This is the reference; setupBackend registers the faster im2col + matmul form
 * (conv2d_backprop_filter_im2col.ts), which the tests hold equal to it.
 */
import * as tf from "@tensorflow/tfjs";
import { backpropFilterCall, type KernelArgs } from "./_backprop_filter_call.ts";

type TensorInfo = tf.TensorInfo;

/** Computes dW for one Conv2DBackpropFilter call on the wasm backend (NHWC only). */
export function conv2dBackpropFilterWasm(args: KernelArgs): TensorInfo {
  const { backend, x, dy, info, filterShape } = backpropFilterCall(args);
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
  } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const out = backend.makeOutput(filterShape, "float32");
  // Heap views are taken after makeOutput: allocating may grow the wasm memory, which
  // detaches any view taken before.
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
  // Sums run over B·outH·outW terms (65k for a batch of 256): accumulate in float64 so the
  // result does not depend on summation order more than float32 rounding of the final value.
  const acc = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);

  // Strides of x [B, inH, inW, Cin], dy [B, outH, outW, Cout], dW [fH, fW, Cin, Cout].
  const xRow = inWidth * inChannels;
  const xBatch = inHeight * xRow;
  const yRow = outWidth * outChannels;
  const yBatch = outHeight * yRow;
  const wRow = filterWidth * inChannels * outChannels;
  const wCol = inChannels * outChannels;

  for (let r = 0; r < filterHeight; r++) {
    // Output rows whose receptive field puts filter row r inside the input.
    const yMin = Math.max(0, Math.ceil((padTop - r * dilationHeight) / strideHeight));
    const yMax = Math.min(
      outHeight,
      Math.ceil((inHeight + padTop - r * dilationHeight) / strideHeight),
    );
    for (let c = 0; c < filterWidth; c++) {
      const xMin = Math.max(0, Math.ceil((padLeft - c * dilationWidth) / strideWidth));
      const xMax = Math.min(
        outWidth,
        Math.ceil((inWidth + padLeft - c * dilationWidth) / strideWidth),
      );
      const wBase = r * wRow + c * wCol;
      for (let b = 0; b < batchSize; b++) {
        for (let y = yMin; y < yMax; y++) {
          const inRow = y * strideHeight + r * dilationHeight - padTop;
          for (let xo = xMin; xo < xMax; xo++) {
            const inCol = xo * strideWidth + c * dilationWidth - padLeft;
            const xBase = b * xBatch + inRow * xRow + inCol * inChannels;
            const yBase = b * yBatch + y * yRow + xo * outChannels;
            for (let i = 0; i < inChannels; i++) {
              const xi = xv[xBase + i];
              if (xi === 0) continue;
              const w = wBase + i * outChannels;
              for (let o = 0; o < outChannels; o++) acc[w + o] += xi * dyv[yBase + o];
            }
          }
        }
      }
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}

/** The reference kernel's registration for the wasm backend (tests and benchmarks). */
export const conv2dBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
