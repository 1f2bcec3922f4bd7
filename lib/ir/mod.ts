/**
 * The model IR: the contract (ir.ts), the converter from a trained tfjs model, validation and
 * deterministic files.
 *
 * @example Convert, save, load
 * ```ts ignore
 * import { convertModel, loadIR, saveIR } from "./mod.ts";
 * const ir = convertModel(model, spec, { threshold: 0.5 });
 * await saveIR("out/float.ir.json", ir);
 * const again = await loadIR("out/float.ir.json"); // validated
 * ```
 *
 * @module
 */
export * from "./ir.ts";
export { convertModel, type ConvertOptions } from "./convert.ts";
export { checkBelowGateThreshold, checkFastZone, INT8_LIMITS, validateIR } from "./validate.ts";
export { irToJson, loadIR, saveIR } from "./io.ts";
export { convOutputLength, samePadBefore } from "./geometry.ts";
