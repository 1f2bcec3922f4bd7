/** Stage "codegen": the planned int8 IR → model.c / model.h. */
import { join } from "node:path";
import { generateModel, writeModelSources } from "../../lib/codegen/mod.ts";
import { loadIR } from "../../lib/ir/mod.ts";
import { planMemory } from "../../lib/plan/mod.ts";
import { type StageContext, stageDir } from "./context.ts";

export async function codegenStage(context: StageContext, dir: string) {
  const ir = await loadIR(join(stageDir(context, "quantize"), "int8.ir.json"));
  const plan = planMemory(ir);
  const generated = generateModel(ir, plan);
  await writeModelSources(dir, generated);
  return { files: Object.keys(generated.files).sort(), arena_bytes: plan.arenaBytes };
}
