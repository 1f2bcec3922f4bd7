/**
 * Interpreters over the IR: the float reference (equal to tfjs) and the int8 interpreter,
 * which is docs/int8-spec.md in executable form. Both return every tensor (a trace), so the C
 * runtime can be compared layer by layer.
 *
 * @example Float and int8 on one segment
 * ```ts ignore
 * import { predictClass, quantizeInput, rateZoneOf, runFloat, runInt8 } from "./mod.ts";
 * const f = runFloat(floatIR, samples);
 * const input = quantizeInput(int8IR, samples);
 * const q = runInt8(int8IR, input);
 * console.log(f.probability, q.probability, predictClass(int8IR, q.output, rateZoneOf(int8IR, input)));
 * ```
 *
 * @module
 */
export { type FloatResult, runFloat, runFloat64 } from "./run_float.ts";
export { type Int8Result, runInt8 } from "./run_int8.ts";
export {
  type Decision,
  decisionScore,
  gateOpen,
  predictClass,
  quantizeInput,
  RATE_ZONE,
  type RateZone,
  rateZone,
  rateZoneOf,
  thresholdQ,
} from "./io.ts";
export { hardSigmoidQ15, lut, roundHalfUp, rshift, sat16, sat8, TABLE_LENGTH } from "./arith.ts";
export * from "./int8_kernels.ts";
export * from "./float_kernels.ts";
