/** Training one subject-wise fold of a Dataset into a run directory. */
import { type Dataset } from "../data/dataset.ts";
import { foldSplit } from "../data/mod.ts";
import type { ArchSpec } from "../model/spec.ts";
import type { HyperParameters, TrainConfig } from "./config.ts";
import { type ProgressReporter, quietProgress } from "./progress.ts";
import { saveRun } from "./run_dir.ts";
import { train, type TrainResult } from "./train.ts";

/** What one fold's training needs besides the data. */
export interface FoldJob {
  spec: ArchSpec;
  hyper: HyperParameters;
  seed: number;
  /** Subject indices per fold (from subjectFolds). */
  folds: number[][];
  /** The data path as given by the user, recorded in the config. */
  data: string;
  /** The active tfjs backend, recorded in the config. */
  backend: string;
  /** Train with the fused kernels (TrainConfig.fused); default true. */
  fused?: boolean;
  /** Data-parallel replicas (TrainConfig.workers); default 1. */
  workers?: number;
}

/** The TrainConfig of fold `fold` of `job` on `dataset`. */
export function foldConfig(dataset: Dataset, job: FoldJob, fold: number): TrainConfig {
  if (!Number.isInteger(fold) || fold < 0 || fold >= job.folds.length) {
    throw new RangeError(
      `Fold ${fold} is out of range: there are ${job.folds.length} folds (0–${
        job.folds.length - 1
      })`,
    );
  }
  const held = new Set(job.folds[fold]);
  const names = (keep: (s: number) => boolean) => dataset.subjectNames.filter((_, s) => keep(s));
  return {
    arch: job.spec.name,
    seed: job.seed,
    folds: job.folds.length,
    fold,
    data: job.data,
    trainSubjects: names((s) => !held.has(s)),
    validationSubjects: names((s) => held.has(s)),
    inputClip: job.spec.inputClip,
    backend: job.backend,
    fused: job.fused ?? true,
    workers: job.workers ?? 1,
    ...structuredClone(job.hyper),
  };
}

/**
 * Trains fold `fold` (its subjects held out for validation) and writes the run directory
 * `outDir` atomically. Returns the config and the training result.
 */
export async function trainFold(
  dataset: Dataset,
  job: FoldJob,
  fold: number,
  outDir: string,
  progress: ProgressReporter = quietProgress,
): Promise<{ config: TrainConfig; result: TrainResult }> {
  const config = foldConfig(dataset, job, fold);
  const split = foldSplit(dataset, job.folds, fold);
  const result = train(dataset, split, job.spec, config, progress);
  await saveRun(outDir, { ...result, spec: job.spec, config });
  return { config, result };
}
