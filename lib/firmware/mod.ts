/**
 * The firmware stage: C runtime builds for the host and the Cortex-M4 (QEMU mps2-an386),
 * validation against the TypeScript int8 interpreter, exact instruction counts, image sizes,
 * and the randomized equivalence check.
 *
 * @example Measure a quantized model on the M4
 * ```ts ignore
 * import { measureFirmware, quantizeDataset } from "./mod.ts";
 * const segments = quantizeDataset(ir, validationDataset);
 * const report = await measureFirmware(ir, {
 *   target: "m4", segments, m4Segments: 20, optimize: "-Os", kernels: "m4",
 * });
 * console.log(report.m4?.instructions, report.m4?.size.flash, report.agreeWithTs);
 * ```
 *
 * @module
 */
export {
  type FirmwareReport,
  type LayerInstructions,
  measureFirmware,
  type MeasureOptions,
  measureWhereAvailable,
} from "./measure.ts";
export { firstSegments, quantizeDataset } from "./export.ts";
export {
  checkEquivalence,
  type EquivalenceOptions,
  type EquivalenceReport,
  type Mismatch,
  modelSeed,
} from "./equivalence.ts";
export { type ModelSources, writeGeneratedModel } from "./model_sources.ts";
export { buildHostProgram, type HostRun, runHost } from "./host.ts";
export { buildM4Image, countM4, type M4BuildOptions, type M4Run, runM4 } from "./m4.ts";
export { type ImageSize, imageSize, parseSizeA } from "./size.ts";
export {
  countInstructions,
  type InstructionCount,
  LAYER_FUNCTION_PREFIX,
  RATE_GATE_FUNCTION,
} from "./exec_count.ts";
export { parseNmRanges } from "./symbols.ts";
export { requireTool, requireToolsFor, ToolchainError, TOOLS } from "./toolchain.ts";
export { BUILD_DIR, buildProgram, type BuildSpec, FIRMWARE_DIR } from "./compile.ts";
export { type KernelSet, runtimeSources } from "./runtime.ts";
export * from "./segment_file.ts";
export { CONTEST_TOP, type ContestEntry, placeAmongTop } from "./leaderboard.ts";
