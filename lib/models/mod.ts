/**
 * Finding a quantized model by directory or by the name of a committed one.
 *
 * @example
 * ```ts ignore
 * import { DEFAULT_MODEL, resolveModel } from "./mod.ts";
 * const { ir } = await resolveModel(DEFAULT_MODEL);
 * ```
 *
 * @module
 */
export {
  candidatePaths,
  DEFAULT_MODEL,
  MODELS_DIR,
  resolveModel,
  resolveRunDir,
  validationSubjectsOf,
} from "./resolve.ts";
