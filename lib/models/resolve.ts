/**
 * Where a quantized model comes from: every task's `--model` takes a directory (a quantize
 * output holding int8.ir.json, or a pipeline output holding quantize/int8.ir.json) or the name
 * of a model committed under models/.
 */
import { join } from "node:path";
import { loadIR } from "../ir/mod.ts";
import type { ModelIR } from "../ir/ir.ts";

/** The committed models: models/<name>/ (see models/README.md). */
export const MODELS_DIR = new URL("../../models/", import.meta.url).pathname.replace(/\/$/, "");

/** The committed model tasks use when no --model is given. */
export const DEFAULT_MODEL = "nnom";

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
