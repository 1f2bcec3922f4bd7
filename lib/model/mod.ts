/**
 * Model architectures as data, and the tfjs models built from them.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../backend/mod.ts";
 * import { archByName, buildModel } from "./mod.ts";
 * await setupBackend("wasm");
 * const model = buildModel(archByName("nnom"), 1);
 * // 1,969 weights, BatchNorm moving statistics included (1,889 once BatchNorm is folded).
 * if (model.countParams() !== 1969) throw new Error(`${model.countParams()} weights`);
 * ```
 */
export * from "./spec.ts";
export * from "./archs.ts";
export * from "./build.ts";
