/**
 * Model architectures as data, and the tfjs models built from them.
 *
 * @example
 * ```ts
 * import { archByName, buildModel } from "./mod.ts";
 * const model = buildModel(archByName("nnom"), 1);
 * ```
 */
export * from "./spec.ts";
export * from "./archs.ts";
export * from "./build.ts";
