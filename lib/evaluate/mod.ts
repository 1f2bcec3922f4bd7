/**
 * Evaluating a model's decisions on an IEGM set: the contest's metrics plus the clinical view
 * (correct share per rhythm, Fβ per subject, decisions by rate zone).
 *
 * @example
 * ```ts ignore
 * import { evaluateClasses, predictInt8 } from "./mod.ts";
 * const { classes } = predictInt8(int8IR, dataset);
 * console.log(evaluateClasses(dataset, classes).recallByRhythm);
 * ```
 *
 * @module
 */
export {
  type ClinicalEvaluation,
  type ErrorBlock,
  errorBlocks,
  evaluateClasses,
  rateZoneTable,
  rateZoneText,
  type ZoneCount,
} from "./clinical.ts";
export { NO_RATE, RATE_ZONES, type RateZone, rateZone } from "./rate_zones.ts";
export { type Int8Predictions, predictInt8 } from "./int8.ts";
export { evaluateModel, type ModelEvaluation } from "./model.ts";
export { type Int8CrossValidation, int8CrossValidation } from "./cross_validation.ts";
