/** Writes generated sources into a directory, atomically. */
import { join } from "node:path";
import { writeDirAtomic } from "../io/atomic.ts";
import type { GeneratedModel } from "./generate.ts";

/** Replaces directory `dir` with the generated files (model.h, model.c). */
export async function writeModelSources(dir: string, generated: GeneratedModel): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    for (const [name, text] of Object.entries(generated.files).sort()) {
      await Deno.writeTextFile(join(tmp, name), text);
    }
  });
}
