/**
 * Run directories (contract 3): everything needed to use, reproduce or continue a training
 * run, as JSON next to the weights.
 *
 * ```
 * <run>/model.json       tfjs layers model (topology + weights manifest)
 *       weights.bin      its float32 weights
 *       spec.json        the ArchSpec it was built from
 *       config.json      TrainConfig: arch, seed, folds, subjects, hyper-parameters, augmentation
 *       history.json     EpochRecord[]: loss and validation metrics per epoch
 *       metrics.json     RunMetrics: validation metrics at the chosen threshold
 *       validation.json  ValidationPredictions: the kept model's validation scores
 * ```
 */
import { join } from "node:path";
import { ensureBackend, tf } from "../backend/mod.ts";
import { writeDirAtomic, writeJsonAtomic } from "../io/atomic.ts";
import { checkSpec } from "../model/build.ts";
import type { ArchSpec } from "../model/spec.ts";
import type { TrainConfig } from "./config.ts";
import type { EpochRecord, RunMetrics, ValidationPredictions } from "./history.ts";
import { directoryHandler, parseJson, readText } from "./model_io.ts";

/** A loaded run directory. */
export interface Run {
  dir: string;
  model: tf.LayersModel;
  spec: ArchSpec;
  config: TrainConfig;
  metrics: RunMetrics;
}

/** What saveRun writes. */
export interface RunContents {
  model: tf.LayersModel;
  spec: ArchSpec;
  config: TrainConfig;
  history: EpochRecord[];
  metrics: RunMetrics;
  validation: ValidationPredictions;
}

/** File names inside a run directory. */
export const RUN_FILES = {
  spec: "spec.json",
  config: "config.json",
  history: "history.json",
  metrics: "metrics.json",
  validation: "validation.json",
} as const;

/** Writes the run directory `dir` atomically: it appears complete or not at all. */
export async function saveRun(dir: string, run: RunContents): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await run.model.save(directoryHandler(tmp));
    await writeJsonAtomic(join(tmp, RUN_FILES.spec), run.spec);
    await writeJsonAtomic(join(tmp, RUN_FILES.config), run.config);
    await writeJsonAtomic(join(tmp, RUN_FILES.history), run.history);
    await writeJsonAtomic(join(tmp, RUN_FILES.metrics), run.metrics);
    await writeJsonAtomic(join(tmp, RUN_FILES.validation), run.validation);
  });
}

/**
 * Loads the run in `dir`: the model with its weights, the spec, config and metrics. A missing
 * or corrupt file gives an Error naming that file. Starts the default tfjs backend (wasm) if
 * none was chosen yet.
 */
export async function loadRun(dir: string): Promise<Run> {
  const spec = await readRunJson<ArchSpec>(dir, RUN_FILES.spec);
  try {
    checkSpec(spec);
  } catch (error) {
    throw new TypeError(`${join(dir, RUN_FILES.spec)}: ${(error as Error).message}`);
  }
  const config = await readRunJson<TrainConfig>(dir, RUN_FILES.config);
  requireFields(
    config,
    ["arch", "seed", "folds", "fold", "trainSubjects", "validationSubjects"],
    join(dir, RUN_FILES.config),
  );
  const metrics = await readRunJson<RunMetrics>(dir, RUN_FILES.metrics);
  requireFields(
    metrics,
    ["threshold", "fbeta", "accuracy", "precision", "recall"],
    join(dir, RUN_FILES.metrics),
  );
  await ensureBackend();
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(directoryHandler(dir));
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith(dir) ? message : `${join(dir, "model.json")}: ${message}`);
  }
  return { dir, model, spec, config, metrics };
}

/** The training history of the run in `dir`. */
export function loadHistory(dir: string): Promise<EpochRecord[]> {
  return readRunJson<EpochRecord[]>(dir, RUN_FILES.history);
}

/** The validation predictions of the run in `dir`. */
export function loadValidation(dir: string): Promise<ValidationPredictions> {
  return readRunJson<ValidationPredictions>(dir, RUN_FILES.validation);
}

/** Replaces the metrics of the run in `dir` (atomically), e.g. with a pooled CV threshold. */
export function saveRunMetrics(dir: string, metrics: RunMetrics): Promise<void> {
  return writeJsonAtomic(join(dir, RUN_FILES.metrics), metrics);
}

async function readRunJson<T>(dir: string, file: string): Promise<T> {
  const path = join(dir, file);
  return parseJson<T>(await readText(path), path);
}

function requireFields(value: unknown, fields: string[], path: string): void {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`${path}: not a JSON object`);
  }
  const missing = fields.filter((f) => !(f in value));
  if (missing.length > 0) throw new TypeError(`${path}: missing ${missing.join(", ")}`);
}
