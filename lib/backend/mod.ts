/**
 * TensorFlow.js set up for this project. Import `tf` from here (never from
 * "@tensorflow/tfjs" directly), then call {@linkcode setupBackend} once before training or
 * predicting: it selects the wasm backend and registers the gradient kernels wasm lacks
 * (`Conv2DBackpropFilter`) and a faster `Tile`, falling back to the cpu backend with a warning.
 *
 * @example Training-ready tfjs
 * ```ts
 * import { setupBackend, tf } from "./mod.ts";
 * await setupBackend("wasm");
 * const y = tf.tensor1d([1, 2, 3]).square().sum().dataSync()[0];
 * if (y !== 14) throw new Error(String(y));
 * ```
 *
 * @module
 */
export { tf } from "./tf.ts";
export {
  type BackendName,
  ensureBackend,
  registerWasmTrainingKernels,
  setupBackend,
} from "./setup.ts";
export { conv2dBackpropFilterWasm } from "./conv2d_backprop_filter.ts";
export { conv2dBackpropFilterIm2col } from "./conv2d_backprop_filter_im2col.ts";
export { tileWasm } from "./tile.ts";
