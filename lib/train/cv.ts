/**
 * Subject-wise K-fold cross-validation: every fold trained into `<out>/fold-<i>`, then one
 * decision threshold chosen on the pooled out-of-fold predictions (a threshold chosen on one
 * small fold is mostly noise: findings.md) with the spec's rate gate applied (or the config's
 * fixed one), written back into each fold's metrics.json, and a summary with mean ± sd of
 * validation Fβ in `<out>/cv.json`. Each fold directory is written
 * atomically as soon as its fold is trained, and a fold whose directory is complete with the
 * same config is not trained again: rerunning an interrupted command resumes it.
 */
import { join } from "node:path";
import type { Dataset } from "../data/dataset.ts";
import { foldSplit } from "../data/mod.ts";
import { writeJsonAtomic } from "../io/atomic.ts";
import { type BinaryMetrics, binaryMetrics } from "../metrics/metrics.ts";
import type { TrainConfig } from "./config.ts";
import { foldConfig, type FoldJob, trainFold } from "./fold.ts";
import type { RunMetrics, ValidationPredictions } from "./history.ts";
import type { ProgressReporter } from "./progress.ts";
import { loadValidation, RUN_FILES, saveRunMetrics } from "./run_dir.ts";
import { decideThreshold, rateZones, zonedScores } from "./threshold.ts";

/** Per fold: its run directory and validation metrics at the pooled threshold. */
export interface CvFold {
  fold: number;
  dir: string;
  validationSubjects: string[];
  bestEpoch: number;
  /** Metrics at the pooled threshold. */
  metrics: BinaryMetrics;
  /**
   * The threshold this fold alone would have chosen (the config's, when it fixes one), and its
   * Fβ there (for comparison).
   */
  foldThreshold: number;
  foldThresholdFbeta: number;
}

/** The summary of a cross-validation (cv.json). */
export interface CvSummary {
  arch: string;
  seed: number;
  folds: number;
  /** Chosen on the pooled out-of-fold predictions. */
  threshold: number;
  /** Mean and sample standard deviation over folds of Fβ at the pooled threshold. */
  fbetaMean: number;
  fbetaSd: number;
  /** The same at 0.5. */
  fbetaAtHalfMean: number;
  fbetaAtHalfSd: number;
  /** Metrics of all out-of-fold predictions pooled, at the pooled threshold. */
  pooled: BinaryMetrics;
  perFold: CvFold[];
}

/** The name of a fold's run directory under a cross-validation's output directory. */
export function foldDirName(fold: number): string {
  return `fold-${fold}`;
}

/** Trains every fold of `job` under `outDir` and writes `outDir/cv.json`; returns its summary. */
export async function crossValidate(
  dataset: Dataset,
  job: FoldJob,
  outDir: string,
  progressFor: (fold: number) => ProgressReporter,
): Promise<CvSummary> {
  const runs: {
    dir: string;
    metrics: RunMetrics;
    validation: ValidationPredictions;
    /** The validation scores with the spec's rate zones applied: what the threshold decides. */
    decided: Float32Array;
    subjects: string[];
  }[] = [];
  for (let fold = 0; fold < job.folds.length; fold++) {
    const dir = join(outDir, foldDirName(fold));
    const progress = progressFor(fold);
    // The validation predictions are in foldSplit's order (train.ts), and so are these zones.
    const zones = rateZones(job.spec, dataset, foldSplit(dataset, job.folds, fold).validation);
    const decide = (scores: ArrayLike<number>) =>
      zonedScores(job.spec, Float32Array.from(scores), zones);
    const finished = await finishedFold(dir, foldConfig(dataset, job, fold), decide);
    if (finished) {
      progress.note(`reusing the finished run in ${dir} (same config)`);
      runs.push({ dir, ...finished, subjects: finished.config.validationSubjects });
      continue;
    }
    const { config, result } = await trainFold(dataset, job, fold, dir, progress);
    runs.push({
      dir,
      metrics: result.metrics,
      validation: result.validation,
      decided: decide(result.validation.scores),
      subjects: config.validationSubjects,
    });
  }
  const pooledLabels = runs.flatMap((r) => r.validation.labels);
  const pooledScores = runs.flatMap((r) => Array.from(r.decided));
  const { threshold, metrics: pooled, source } = decideThreshold(
    pooledLabels,
    pooledScores,
    job.hyper.threshold,
    "pooled-cv",
  );

  const perFold: CvFold[] = [];
  for (const [fold, run] of runs.entries()) {
    const metrics = binaryMetrics(run.validation.labels, run.decided, threshold);
    perFold.push({
      fold,
      dir: run.dir,
      validationSubjects: run.subjects,
      bestEpoch: run.metrics.bestEpoch,
      metrics,
      foldThreshold: run.metrics.threshold,
      foldThresholdFbeta: run.metrics.fbeta,
    });
    await saveRunMetrics(run.dir, {
      ...run.metrics,
      ...metrics,
      threshold,
      thresholdSource: source,
    });
  }
  const atThreshold = meanSd(perFold.map((f) => f.metrics.fbeta));
  const atHalf = meanSd(runs.map((r) => r.metrics.atHalf.fbeta));
  const summary: CvSummary = {
    arch: job.spec.name,
    seed: job.seed,
    folds: job.folds.length,
    threshold,
    fbetaMean: atThreshold.mean,
    fbetaSd: atThreshold.sd,
    fbetaAtHalfMean: atHalf.mean,
    fbetaAtHalfSd: atHalf.sd,
    pooled,
    perFold,
  };
  await writeJsonAtomic(join(outDir, "cv.json"), summary);
  return summary;
}

/**
 * The run in `dir` if it is complete and was trained with exactly `config`, so an interrupted
 * cross-validation resumes where it stopped; else null. Its metrics are those at its own
 * validation threshold, recomputed from its predictions (a finished CV overwrote them with the
 * pooled threshold's), as the decision sees them (`decide`: the spec's rate zones).
 */
async function finishedFold(
  dir: string,
  config: TrainConfig,
  decide: (scores: ArrayLike<number>) => Float32Array,
): Promise<
  {
    config: TrainConfig;
    metrics: RunMetrics;
    validation: ValidationPredictions;
    decided: Float32Array;
  } | null
> {
  let saved: TrainConfig, metrics: RunMetrics, validation: ValidationPredictions;
  try {
    saved = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.config)));
    metrics = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.metrics)));
    validation = await loadValidation(dir);
    await Deno.stat(join(dir, "weights.bin"));
  } catch {
    return null; // absent or unreadable: train it again
  }
  if (JSON.stringify(saved) !== JSON.stringify(config)) return null;
  const decided = decide(validation.scores);
  const own = decideThreshold(validation.labels, decided, config.threshold, "fold-validation");
  return {
    config: saved,
    validation,
    decided,
    metrics: {
      ...metrics,
      ...own.metrics,
      threshold: own.threshold,
      thresholdSource: own.source,
      atHalf: binaryMetrics(validation.labels, decided, 0.5),
    },
  };
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}
