/**
 * Where a quantized model comes from: every task's `--model` takes a directory (a quantize
 * output holding int8.ir.json, or a pipeline output holding quantize/int8.ir.json) or the name
 * of a model committed under models/.
 */
import { dirname, join } from "node:path";
import { loadIR } from "../ir/mod.ts";
import type { ModelIR } from "../ir/ir.ts";

/** The committed models: models/<name>/ (see models/README.md). */
export const MODELS_DIR = new URL("../../models/", import.meta.url).pathname.replace(/\/$/, "");

/** The committed model tasks use when no --model is given. */
export const DEFAULT_MODEL = "threeblock";

/** The int8 IR files `model` may name, in the order they are tried. */
export function candidatePaths(model: string): string[] {
  return [
    join(model, "int8.ir.json"),
    join(model, "quantize", "int8.ir.json"),
    join(MODELS_DIR, model, "int8.ir.json"),
  ];
}

/** The int8 IR of `model` (a directory or a committed model's name), validated. */
export async function resolveModel(model: string): Promise<{ path: string; ir: ModelIR }> {
  const candidates = candidatePaths(model);
  for (const path of candidates) {
    try {
      await Deno.stat(path);
    } catch {
      continue;
    }
    return { path, ir: await loadIR(path) };
  }
  throw new Deno.errors.NotFound(
    `Model "${model}" not found: no ${candidates.join(", ")}`,
  );
}

/**
 * The subjects held out from the training of the model whose int8 IR is at `irPath`, read from
 * its training run's config (beside a committed model, or in a pipeline output), or null when
 * the run is not there. Figures on other subjects would include the model's training data.
 */
export async function validationSubjectsOf(irPath: string): Promise<string[] | null> {
  const dir = dirname(irPath);
  for (
    const config of [
      join(dir, "run", "config.json"),
      join(dir, "..", "train", "run", "config.json"),
    ]
  ) {
    try {
      const parsed = JSON.parse(await Deno.readTextFile(config)) as {
        validationSubjects?: string[];
      };
      if (Array.isArray(parsed.validationSubjects)) return parsed.validationSubjects;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw new Error(`${config}: ${(error as Error).message}`);
      }
    }
  }
  return null;
}

/**
 * The training run directory `model` names: a run directory itself, a pipeline output (its
 * train/run), or a committed model's name (models/<name>/run).
 */
export async function resolveRunDir(model: string): Promise<string> {
  const candidates = [model, join(model, "train", "run"), join(MODELS_DIR, model, "run")];
  for (const dir of candidates) {
    try {
      await Deno.stat(join(dir, "model.json"));
      return dir;
    } catch {
      continue;
    }
  }
  throw new Deno.errors.NotFound(
    `Run "${model}" not found: no model.json in ${candidates.join(", ")}`,
  );
}
