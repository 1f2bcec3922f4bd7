/** What every pipeline stage knows: the options, the dataset, and the earlier stages' output. */
import { join } from "node:path";
import { type Dataset, loadDataset, subset } from "../../lib/data/mod.ts";
import type { StageResult } from "../stage_cache.ts";

/** The pipeline's options, as parsed from its command line. */
export interface PipelineOptions {
  data: string;
  index?: string;
  arch: string;
  seed: number;
  folds: number;
  fold: number;
  /** Override of the arch's default epochs. */
  epochs?: number;
  calib: "max" | "kld";
  perChannel: boolean;
  /** A smoke run: a few subjects, few segments, one epoch. */
  quick: boolean;
  out: string;
  quiet: boolean;
}

/** The data stage's record of what the later stages train and evaluate on. */
export interface DataSelection {
  /** Subject names per fold (subject-wise, stratified by VA share). */
  folds: string[][];
  /** Segment indices kept (quick mode), or null for every segment. */
  indices: number[] | null;
}

export interface StageContext {
  options: PipelineOptions;
  /** The whole dataset as loaded (from the cache after the first load). */
  dataset: Dataset;
  /** The results of the stages that ran before, by name. */
  results: Map<string, StageResult>;
}

/** Loads the dataset named by the options (validated, cached). */
export function loadPipelineDataset(options: PipelineOptions): Promise<Dataset> {
  return loadDataset({ data: options.data, index: options.index });
}

/** The output directory of an earlier stage. */
export function stageDir(context: StageContext, stage: string): string {
  const result = context.results.get(stage);
  if (!result) throw new Error(`Stage "${stage}" has not run`);
  return result.dir;
}

/** Reads a JSON file of an earlier stage's output. */
export async function readStageJson<T>(
  context: StageContext,
  stage: string,
  file: string,
): Promise<T> {
  return JSON.parse(await Deno.readTextFile(join(stageDir(context, stage), file))) as T;
}

/** The dataset restricted to the data stage's selection (the whole dataset outside quick mode). */
export async function selectedDataset(context: StageContext): Promise<Dataset> {
  const selection = await readStageJson<DataSelection>(context, "data", "selection.json");
  return selection.indices === null ? context.dataset : subset(context.dataset, selection.indices);
}
