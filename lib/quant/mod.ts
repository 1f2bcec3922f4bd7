/**
 * Power-of-two int8 quantization of a float IR (docs/int8-spec.md §15): activation
 * calibration by max or KLD, per-tensor or per-channel conv weights, int32 biases at
 * accumulator scale, GRU with Q0.15 state and exact hard-sigmoid, and SQNR per layer.
 *
 * @example
 * ```ts ignore
 * import { quantize, sqnrByLayer } from "./mod.ts";
 * const int8IR = quantize(floatIR, calibration, { calib: "kld", perChannel: true });
 * console.log(sqnrByLayer(floatIR, int8IR, calibration));
 * ```
 *
 * @module
 */
export { quantize, type QuantizeOptions } from "./quantize.ts";
export { sqnrByLayer } from "./sqnr.ts";
export {
  collectStats,
  decByKld,
  decForMax,
  HISTOGRAM_BINS,
  type TensorStats,
} from "./calibrate.ts";
export { absMax, quantizeBias, quantizeRows, weightDecs } from "./weights.ts";
export { buildTable, sigmoidTable, tanhTable } from "./tables.ts";
export { compareFloatInt8, type FloatInt8Comparison } from "./evaluate.ts";
export { evenlySpaced, gatherSamples, segmentsOfSubjects } from "./segments.ts";
export {
  quantizeRun,
  type QuantizeRunOptions,
  type QuantizeRunResult,
  type RunLike,
} from "./run.ts";
export { isolatedLayerErrors, type LayerError } from "./isolated.ts";
