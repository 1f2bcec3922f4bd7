/**
 * Training in TensorFlow.js: {@linkcode train} one split, {@linkcode trainFold} into a run
 * directory, {@linkcode crossValidate} all folds, and {@linkcode loadRun} to use a run later.
 *
 * @example Loading a run for quantization
 * ```ts ignore
 * import { loadRun } from "./mod.ts";
 * const run = await loadRun("runs/nnom-cv/fold-0");
 * console.log(run.config.trainSubjects, run.metrics.threshold);
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./history.ts";
export { augmentBatch, isAugmenting } from "./augment.ts";
export { Prng, withSeededMathRandom } from "./prng.ts";
export { predictScores } from "./predict.ts";
export { chooseThreshold, THRESHOLD_GRID } from "./threshold.ts";
export {
  type BatchGradients,
  ReplicaPool,
  type ReplicaPoolOptions,
  shardBounds,
} from "./data_parallel.ts";
export { batchLoss } from "./loss.ts";
export { checkRhythmRepeat, repeatRhythms, type RhythmRepeat } from "./rhythm_repeat.ts";
export { balancedEpoch, checkBlockBalance } from "./block_balance.ts";
export { checkRhythmHead, type RhythmHead } from "./rhythm_head.ts";
export { epochsToAverage, learningRateAt, WeightAverage, withEpochs } from "./schedule.ts";
export { type Split, train, TrainingDivergedError, type TrainResult } from "./train.ts";
export { foldConfig, type FoldJob, trainFold } from "./fold.ts";
export { crossValidate, type CvFold, type CvSummary, foldDirName, meanSd } from "./cv.ts";
export {
  loadHistory,
  loadRun,
  loadValidation,
  type Run,
  RUN_FILES,
  type RunContents,
  saveRun,
  saveRunMetrics,
} from "./run_dir.ts";
export { directoryHandler } from "./model_io.ts";
export { parseAugmentation, parseClassWeights } from "./options.ts";
export {
  LineProgress,
  progressFor,
  type ProgressReporter,
  quietProgress,
  summaryLine,
  TerminalProgress,
} from "./progress.ts";
export {
  accuracyByRhythm,
  learningCurveRows,
  loadRunsForReport,
  runDirsOf,
  thresholdCurve,
} from "./report.ts";
