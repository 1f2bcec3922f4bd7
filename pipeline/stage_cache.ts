/**
 * The pipeline's stage cache. Each stage writes one directory, `<root>/<stage>/`, whose
 * `stage.json` records the key it was built from: a SHA-256 of the stage's name, its inputs and
 * options (any JSON value, including upstream stages' keys) and the source files of the code it
 * runs. A stage whose key is unchanged is skipped; otherwise its directory is rebuilt
 * atomically, so a failing stage leaves the earlier stages' outputs (and its own previous
 * output) intact.
 */
import { join, relative } from "node:path";
import { writeDirAtomic, writeJsonAtomic } from "../lib/io/atomic.ts";

/** Repository root (this file lives in pipeline/). */
export const REPO_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

export interface StageRecord {
  stage: string;
  key: string;
  /** What the stage reported about itself, e.g. metrics; shown in the pipeline's summary. */
  summary: Record<string, unknown>;
}

export interface StageOptions {
  /** The directory holding every stage's output directory. */
  root: string;
  /** Inputs and options that determine the output (JSON). */
  inputs: unknown;
  /** Source folders or files (relative to the repo) whose content the output depends on. */
  code: string[];
  /** Rebuild even when the key is unchanged. */
  force: boolean;
}

/** SHA-256 hex of `data`. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

/** Hash of the contents of every file under `paths` (relative to the repo), in sorted order. */
export async function hashSources(paths: string[]): Promise<string> {
  const files: string[] = [];
  for (const path of paths) await collectFiles(join(REPO_ROOT, path), files);
  files.sort();
  const parts: string[] = [];
  for (const file of files) {
    parts.push(relative(REPO_ROOT, file), await sha256Hex(await Deno.readFile(file)));
  }
  return sha256Hex(parts.join("\n"));
}

async function collectFiles(path: string, out: string[]): Promise<void> {
  const info = await Deno.stat(path);
  if (info.isFile) {
    out.push(path);
    return;
  }
  for await (const entry of Deno.readDir(path)) {
    await collectFiles(join(path, entry.name), out);
  }
}

/** The key a stage would be built with. */
export async function stageKey(stage: string, options: StageOptions): Promise<string> {
  return sha256Hex(
    canonicalJson({ stage, inputs: options.inputs, code: await hashSources(options.code) }),
  );
}

/** The record of a stage's last successful build, or null when there is none. */
export async function readStageRecord(root: string, stage: string): Promise<StageRecord | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(root, stage, "stage.json"))) as StageRecord;
  } catch {
    return null;
  }
}

export interface StageResult extends StageRecord {
  dir: string;
  skipped: boolean;
}

/**
 * Runs `build` into a fresh directory unless the stage's output is current. `build` returns
 * the stage's summary; it is written into `stage.json` last, so a directory with a
 * `stage.json` is always complete.
 */
export async function runStage(
  stage: string,
  options: StageOptions,
  build: (dir: string) => Promise<Record<string, unknown>>,
): Promise<StageResult> {
  const dir = join(options.root, stage);
  const key = await stageKey(stage, options);
  const previous = await readStageRecord(options.root, stage);
  if (!options.force && previous?.key === key) return { ...previous, dir, skipped: true };
  let record: StageRecord | undefined;
  await writeDirAtomic(dir, async (tmp) => {
    const summary = await build(tmp);
    record = { stage, key, summary };
    await writeJsonAtomic(join(tmp, "stage.json"), record);
  });
  return { ...record!, dir, skipped: false };
}
