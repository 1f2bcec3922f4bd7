/**
 * The per-layer report: for each layer its activation, output shape, MACs, parameters, input,
 * output, state and scratch bytes, the arena offset and lifetime of its output, and (after
 * quantization) the SQNR of its int8 output; with totals and the model's RAM.
 *
 * @example Report a planned model
 * ```ts
 * import assert from "node:assert/strict";
 * import { countMacs, formatLayerReport, layerReport } from "./mod.ts";
 * import { planMemory } from "../plan/mod.ts";
 * import type { ModelIR } from "../ir/ir.ts";
 *
 * const ir: ModelIR = {
 *   magic: "IEGM-IR", version: 1, arch: "example", form: "int8",
 *   input: "x", inputClip: null, output: "y", threshold: 0.5,
 *   tensors: {
 *     x: { shape: [8, 1], dtype: "int8" },
 *     c: { shape: [4, 2], dtype: "int8" },
 *     f: { shape: [8], dtype: "int8" },
 *     y: { shape: [1], dtype: "int8" },
 *   },
 *   layers: [
 *     {
 *       name: "c", op: "conv1d", inputs: ["x"], output: "c", weights: {},
 *       attrs: { kernel: 3, stride: 1, padding: "same", activation: "relu", pool: 2 },
 *     },
 *     { name: "f", op: "flatten", inputs: ["c"], output: "f", attrs: {}, weights: {} },
 *     { name: "y", op: "dense", inputs: ["f"], output: "y", attrs: {}, weights: {} },
 *   ],
 * };
 * // conv: 4 rows × pool 2 × 2 channels × kernel 3 × 1 input channel = 48; dense: 8 × 1.
 * assert.equal(countMacs(ir).total, 56);
 * const plan = planMemory(ir);
 * const lines = formatLayerReport(layerReport(ir, plan, { c: 42 }), plan).split("\n");
 * assert.match(lines[2], /^0 {2}c +conv1d +relu\+pool2 +4×2 +48 .* 42\.0$/);
 * assert.match(lines.at(-2)!, /^ +total +56 /);
 * ```
 *
 * @module
 */
export { countMacs, countParams, type LayerCounts } from "./counts.ts";
export { layerReport, type LayerRow } from "./layer_report.ts";
export { formatLayerReport } from "./format.ts";
export { type ReportInputs, reportPage } from "./page.ts";
