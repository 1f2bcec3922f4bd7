/**
 * Shipping a pipeline run: its artifacts are copied into models/<name>/ (replaced atomically),
 * where `--model <name>` of every task finds them right after a clone.
 */
import { join } from "node:path";
import { writeDirAtomic } from "../lib/io/atomic.ts";
import { MODELS_DIR } from "../lib/models/mod.ts";

/** What a shipped model holds, as (source inside the pipeline output, name in models/<name>/). */
export const SHIPPED_FILES: readonly [string, string][] = [
  ["train/run", "run"],
  ["quantize/float.ir.json", "float.ir.json"],
  ["quantize/int8.ir.json", "int8.ir.json"],
  ["quantize/layers.txt", "layers.txt"],
  ["codegen/model.c", "model.c"],
  ["codegen/model.h", "model.h"],
  ["report/report.json", "report.json"],
];

/** Copies the shipped files of the pipeline output `out` into models/`name`/. */
export async function shipModel(
  out: string,
  name: string,
  modelsDir = MODELS_DIR,
): Promise<string> {
  const dir = join(modelsDir, name);
  await writeDirAtomic(dir, async (tmp) => {
    for (const [from, to] of SHIPPED_FILES) await copy(join(out, from), join(tmp, to));
  });
  return dir;
}

async function copy(from: string, to: string): Promise<void> {
  if ((await Deno.stat(from)).isDirectory) {
    await Deno.mkdir(to, { recursive: true });
    for await (const entry of Deno.readDir(from)) {
      await copy(join(from, entry.name), join(to, entry.name));
    }
  } else {
    await Deno.copyFile(from, to);
  }
}
