/**
 * Generated model sources on disk: plans the IR, generates model.c / model.h and writes them
 * to a folder named by their content hash under the build folder, so that identical models
 * share one folder and the build cache.
 */
import { join } from "node:path";
import type { ModelIR } from "../ir/ir.ts";
import { type MemoryPlan, planMemory } from "../plan/mod.ts";
import { type GeneratedModel, generateModel, writeModelSources } from "../codegen/mod.ts";
import { pathExists } from "../io/fs.ts";
import { temporaryPath } from "../io/atomic.ts";
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
  if (!(await pathExists(join(dir, "model.c")))) {
    // Written beside and renamed into place without replacing: a process (tests run in
    // parallel) may already be compiling from a folder of the same name, which holds the same
    // files since the name is their hash.
    const tmp = temporaryPath(dir);
    await writeModelSources(tmp, generated);
    try {
      await Deno.rename(tmp, dir);
    } catch (error) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      if (!(await pathExists(join(dir, "model.c")))) throw error;
    }
  }
  return { dir, source: join(dir, "model.c"), generated, plan };
}
