/**
 * The per-layer report: for each layer its activation, output shape, MACs, parameters, input,
 * output, state and scratch bytes, arena offset and lifetime of its output, and (after
 * quantization) the SQNR of its int8 output; with totals and the model's RAM.
 *
 * @example Report a planned model
 * ```ts ignore
 * import { formatLayerReport, layerReport } from "./mod.ts";
 * import { planMemory } from "../plan/mod.ts";
 * const plan = planMemory(int8IR);
 * console.log(formatLayerReport(layerReport(int8IR, plan, sqnrByLayer), plan));
 * ```
 *
 * @module
 */
export { countMacs, countParams, type LayerCounts } from "./counts.ts";
export { layerReport, type LayerRow } from "./layer_report.ts";
export { formatLayerReport } from "./format.ts";
