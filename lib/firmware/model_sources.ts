/**
 * Generated model sources on disk: plans the IR, generates model.c / model.h and writes them
 * to a folder named by their content hash under the build folder, so that identical models
 * share one folder and the build cache.
 */
import { join } from "node:path";
import type { ModelIR } from "../ir/ir.ts";
import { type MemoryPlan, planMemory } from "../plan/mod.ts";
import { type GeneratedModel, generateModel, writeModelSources } from "../codegen/mod.ts";
import { BUILD_DIR } from "./compile.ts";

/** A model's generated C, where it was written, and its plan. */
export interface ModelSources {
  dir: string;
  /** dir/model.c */
  source: string;
  generated: GeneratedModel;
  plan: MemoryPlan;
}

async function hashOf(texts: string[]): Promise<string> {
  const data = new TextEncoder().encode(texts.join("\0"));
  const digest = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
    .slice(0, 16);
}

/** Plans and generates `ir`, writing the sources under `buildDir` unless already there. */
export async function writeGeneratedModel(
  ir: ModelIR,
  buildDir = BUILD_DIR,
): Promise<ModelSources> {
  const plan = planMemory(ir);
  const generated = generateModel(ir, plan);
  const files = Object.entries(generated.files).sort(([a], [b]) => (a < b ? -1 : 1));
  const dir = join(buildDir, `model-${await hashOf(files.flat())}`);
  try {
    await Deno.stat(join(dir, "model.c"));
  } catch {
    await writeModelSources(dir, generated);
  }
  return { dir, source: join(dir, "model.c"), generated, plan };
}
