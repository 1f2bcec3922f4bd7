/**
 * What both Conv2DBackpropFilter kernels (the reference loop and the im2col form) read from
 * tfjs' kernel call: the wasm backend, x and dy, and the convolution's geometry.
 */
import { tf } from "./tf.ts";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The arguments tfjs passes to a kernel function. */
export type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/** The backend, tensors and geometry of one Conv2DBackpropFilter call (NHWC only). */
export function backpropFilterCall(args: KernelArgs): {
  backend: BackendWasm;
  x: tf.TensorInfo;
  dy: tf.TensorInfo;
  info: tf.backend_util.Conv2DInfo;
  /** [fH, fW, Cin, Cout]: the shape of dW. */
  filterShape: [number, number, number, number];
} {
  const backend = args.backend as unknown as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  if (attrs.dataFormat !== "NHWC") {
    throw new RangeError(
      `Conv2DBackpropFilter on wasm supports NHWC only, got ${attrs.dataFormat}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  return { backend, x, dy, info, filterShape: attrs.filterShape };
}
