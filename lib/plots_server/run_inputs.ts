/** Finding and reading what the plots show: a pipeline output folder or a training run. */
import { join } from "node:path";
import type { ModelIR } from "../ir/ir.ts";
import { loadIR } from "../ir/io.ts";
import type { TrainConfig } from "../train/config.ts";
import type { EpochRecord, RunMetrics, ValidationPredictions } from "../train/history.ts";
import { parseJson, readText } from "../train/model_io.ts";
import { loadHistory, loadValidation, RUN_FILES } from "../train/run_dir.ts";

/** Everything the figures are made from. */
export interface PlotInputs {
  /** The training run directory (history.json, validation.json, …). */
  trainRun: string;
  history: EpochRecord[];
  validation: ValidationPredictions;
  metrics: RunMetrics;
  config: TrainConfig;
  /** The pipeline's int8 model (quantize/int8.ir.json), when `dir` is a pipeline folder. */
  int8?: ModelIR;
}

/** Where the pipeline's training stage keeps its run, relative to the pipeline folder. */
export const PIPELINE_TRAIN_RUN = join("train", "run");
/** Where the pipeline's quantize stage keeps the int8 model, relative to the pipeline folder. */
export const PIPELINE_INT8_IR = join("quantize", "int8.ir.json");

/**
 * The first of `candidates` that holds a pipeline's training run, e.g. runs/pipeline then
 * runs/pipeline-quick. Throws an Error listing them when none does.
 */
export async function firstPipelineDir(candidates: readonly string[]): Promise<string> {
  for (const dir of candidates) {
    if (await exists(join(dir, PIPELINE_TRAIN_RUN, RUN_FILES.history))) return dir;
  }
  throw new Error(
    `No pipeline run in ${candidates.join(" or ")}: run \`deno task pipeline\` ` +
      "(or `deno task pipeline --quick`) first, or pass --run DIR",
  );
}

/**
 * Reads the inputs of the plots from `dir`: a pipeline output folder (train/run/ and
 * quantize/int8.ir.json) or a training run directory itself (history.json beside
 * validation.json; no int8 model then). Errors name the missing or corrupt file.
 */
export async function loadPlotInputs(dir: string): Promise<PlotInputs> {
  const isRun = await exists(join(dir, RUN_FILES.history));
  const trainRun = isRun ? dir : join(dir, PIPELINE_TRAIN_RUN);
  if (!isRun && !(await exists(join(trainRun, RUN_FILES.history)))) {
    throw new Error(
      `${dir} is neither a pipeline folder (no ${join(trainRun, RUN_FILES.history)}) ` +
        `nor a training run (no ${join(dir, RUN_FILES.history)})`,
    );
  }
  const irPath = join(dir, PIPELINE_INT8_IR);
  return {
    trainRun,
    history: await loadHistory(trainRun),
    validation: await loadValidation(trainRun),
    metrics: await readJson<RunMetrics>(join(trainRun, RUN_FILES.metrics)),
    config: await readJson<TrainConfig>(join(trainRun, RUN_FILES.config)),
    int8: !isRun && await exists(irPath) ? await loadIR(irPath) : undefined,
  };
}

async function readJson<T>(path: string): Promise<T> {
  return parseJson<T>(await readText(path), path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
