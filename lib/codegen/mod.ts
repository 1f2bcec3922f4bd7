/**
 * C code generation: an int8 IR and its memory plan become `model.h` / `model.c` that call the
 * runtime kernels of firmware/runtime. Code generation is data: one emitter per op
 * (emitters.ts).
 *
 * @example Generate and write the sources of a planned model
 * ```ts ignore
 * import { generateModel, writeModelSources } from "./mod.ts";
 * import { planMemory } from "../plan/mod.ts";
 * const generated = generateModel(ir, planMemory(ir));
 * await writeModelSources("build/model", generated);
 * ```
 *
 * @module
 */
export {
  CodegenError,
  type GeneratedLayer,
  type GeneratedModel,
  generateModel,
} from "./generate.ts";
export {
  conv1dKernel,
  type EmitContext,
  type EmittedLayer,
  type Emitter,
  EMITTERS,
} from "./emitters.ts";
export { writeModelSources } from "./write.ts";
