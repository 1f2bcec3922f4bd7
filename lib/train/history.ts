/** What the trainer records per epoch and about the validation set. */
import type { ThresholdSource } from "./threshold.ts";
import type { BinaryMetrics } from "../metrics/metrics.ts";

/** Validation figures of one epoch: loss, metrics at the threshold 0.5, the best threshold. */
export interface EpochValidation {
  loss: number;
  fbeta: number;
  accuracy: number;
  precision: number;
  recall: number;
  /** The grid threshold with the best Fβ this epoch, and that Fβ (the checkpoint criterion). */
  bestThreshold: number;
  bestThresholdFbeta: number;
}

/** One epoch of training (history.json holds these in order). */
export interface EpochRecord {
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  validation: EpochValidation;
  /** Wall time of the training steps (validation excluded). */
  seconds: number;
  samplesPerSecond: number;
}

/** Validation metrics of a run (metrics.json), at its decision threshold. */
export interface RunMetrics extends BinaryMetrics {
  /** Predict VA when the model's output ≥ threshold. */
  threshold: number;
  /**
   * Where the threshold was chosen: on this run's validation subjects, on the pooled
   * out-of-fold predictions of a cross-validation (less noisy; findings.md), or set in the
   * config (HyperParameters.threshold; the validation subjects then choose nothing).
   */
  thresholdSource: ThresholdSource;
  /** Metrics at the fixed threshold 0.5, for comparison across runs. */
  atHalf: BinaryMetrics;
  /**
   * The epoch whose weights were kept (best validation Fβ at its best threshold); with keep
   * "average", the last epoch of those averaged.
   */
  bestEpoch: number;
  /** Epochs actually trained (fewer than configured after early stopping). */
  epochsTrained: number;
}

/** The kept model's validation predictions (validation.json), for thresholds and plots. */
export interface ValidationPredictions {
  files: string[];
  subjects: string[];
  rhythms: string[];
  labels: number[];
  scores: number[];
}
