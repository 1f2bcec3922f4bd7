/**
 * The training loop: Adam on (optionally class-weighted) binary cross-entropy, seeded
 * shuffling and augmentation, validation on held-out subjects every epoch, the best epoch's
 * weights kept, early stopping, and a threshold chosen on validation.
 *
 * The optimizer updates a training twin of the model (lib/fused: conv blocks and the GRU as
 * fused ops; the stock tfjs layers with `fused: false`), which also scores the validation
 * subjects after each epoch; the stock model gets the twin's weights after each epoch and is
 * what is kept, returned and saved.
 *
 * "Best epoch" = the highest validation Fβ at that epoch's best grid threshold. Fβ at a fixed
 * 0.5 proved a poor criterion: on held-out subjects the score distribution drifts between
 * epochs, and at 0.5 a model that flags nearly everything can beat a better-ranking one.
 */
import { tf } from "../backend/mod.ts";
import { type Dataset, RHYTHMS } from "../data/dataset.ts";
import { binaryMetrics } from "../metrics/metrics.ts";
import { buildTrainingModel, copyWeights } from "../fused/twin.ts";
import { clipInput } from "../model/build.ts";
import type { ArchSpec } from "../model/spec.ts";
import { augmentBatch } from "./augment.ts";
import { gatherLabels, gatherSamples } from "./batches.ts";
import type { TrainConfig } from "./config.ts";
import type { EpochRecord, RunMetrics, ValidationPredictions } from "./history.ts";
import { predictScores } from "./predict.ts";
import { Prng, withSeededMathRandom } from "./prng.ts";
import { type ProgressReporter, quietProgress } from "./progress.ts";
import { chooseThreshold } from "./threshold.ts";

/** The loss became NaN or infinite: the run diverged (lower the learning rate). */
export class TrainingDivergedError extends Error {
  override name = "TrainingDivergedError";
}

/** A trained model with everything a run directory records about it. */
export interface TrainResult {
  model: tf.LayersModel;
  history: EpochRecord[];
  metrics: RunMetrics;
  validation: ValidationPredictions;
}

/** Segment indices of one split of a Dataset. */
export interface Split {
  train: ArrayLike<number>;
  validation: ArrayLike<number>;
}

// Keeps log() finite for outputs that saturate at 0 or 1; the value Keras uses.
const EPSILON = 1e-7;

/**
 * Trains `spec` on `split.train` of `dataset` and validates on `split.validation` after each
 * epoch. Same dataset, split, spec and config → the same weights, on the same backend.
 * Synchronous: it holds the thread for the whole run (a CLI or notebook has nothing else to do).
 *
 * Throws TrainingDivergedError (naming epoch and step) if the loss stops being finite, and a
 * RangeError for an empty split.
 */
export function train(
  dataset: Dataset,
  split: Split,
  spec: ArchSpec,
  config: TrainConfig,
  progress: ProgressReporter = quietProgress,
): TrainResult {
  if (split.train.length === 0) throw new RangeError("The training split is empty");
  if (split.validation.length === 0) throw new RangeError("The validation split is empty");
  // Separate streams for tfjs' unseeded ops, shuffling and augmentation, so switching
  // augmentation on does not change the batch order.
  return withSeededMathRandom(
    config.seed * 3 + 1,
    () => trainSeeded(dataset, split, spec, config, progress),
  );
}

function trainSeeded(
  dataset: Dataset,
  split: Split,
  spec: ArchSpec,
  config: TrainConfig,
  progress: ProgressReporter,
): TrainResult {
  const shuffleRng = new Prng(config.seed * 3 + 2);
  const augmentRng = new Prng(config.seed * 3 + 3);
  // `training` (fused layers, unless config.fused is false) is what the optimizer updates;
  // `model` (the stock tfjs graph) is validated, kept and returned, with the weights copied
  // over before each use.
  // A config from before the switch existed (no `fused`) trains fused, the default.
  const { stock: model, training } = buildTrainingModel(spec, config.seed, {
    fused: config.fused !== false,
  });
  const optimizer = tf.train.adam(config.learningRate);
  const variables = training.trainableWeights.map((w) => w.read() as tf.Variable);
  const order = Int32Array.from(split.train);
  const steps = Math.ceil(order.length / config.batchSize);
  const validationLabels = gatherLabels(dataset, split.validation, 0, split.validation.length);
  const history: EpochRecord[] = [];
  let best: { epoch: number; fbeta: number; weights: tf.Tensor[] } | null = null;

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      shuffleRng.shuffle(order);
      progress.epochStart(epoch, config.epochs, steps);
      const started = performance.now();
      let lossSum = 0;
      for (let step = 0; step < steps; step++) {
        const from = step * config.batchSize;
        const to = Math.min(order.length, from + config.batchSize);
        const samples = gatherSamples(dataset, order, from, to);
        augmentBatch(samples, spec.inputLength, config.augmentation, augmentRng);
        clipInput(spec, samples);
        const loss = trainStep(
          training,
          optimizer,
          variables,
          samples,
          gatherLabels(dataset, order, from, to),
          spec,
          config,
        );
        if (!Number.isFinite(loss)) {
          const where = `epoch ${epoch}, step ${step + 1} of ${steps}`;
          throw new TrainingDivergedError(
            `Training diverged: the loss is ${loss} at ${where} (learning rate ` +
              `${config.learningRate}); try a lower --lr`,
          );
        }
        lossSum += loss;
        progress.step(step + 1, to, loss);
      }
      const seconds = (performance.now() - started) / 1000;
      copyWeights(training, model);
      // Validated on the twin, which computes the stock model's function in about half the
      // time; the final scores below come from the stock model itself.
      const scores = predictScores(training, spec, dataset, split.validation);
      const atHalf = binaryMetrics(validationLabels, scores, 0.5);
      const tuned = chooseThreshold(validationLabels, scores);
      const record: EpochRecord = {
        epoch,
        epochs: config.epochs,
        loss: lossSum / steps,
        validation: {
          loss: meanCrossEntropy(validationLabels, scores),
          fbeta: atHalf.fbeta,
          accuracy: atHalf.accuracy,
          precision: atHalf.precision,
          recall: atHalf.recall,
          bestThreshold: tuned.threshold,
          bestThresholdFbeta: tuned.metrics.fbeta,
        },
        seconds,
        samplesPerSecond: order.length / seconds,
      };
      history.push(record);
      const fbeta = tuned.metrics.fbeta;
      const improved = best === null || fbeta > best.fbeta;
      if (improved) {
        best?.weights.forEach((w) => w.dispose());
        best = { epoch, fbeta, weights: model.getWeights().map((w) => w.clone()) };
      }
      progress.epochEnd(record, improved);
      if (epoch - best!.epoch >= config.patience && epoch < config.epochs) {
        progress.note(`early stop: no better validation Fβ for ${config.patience} epochs`);
        break;
      }
    }
    model.setWeights(best!.weights);
    progress.note(
      `kept epoch ${best!.epoch} (validation Fβ ${best!.fbeta.toFixed(4)} at its best threshold)`,
    );
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    best?.weights.forEach((w) => w.dispose());
    optimizer.dispose();
    if (training !== model) training.dispose();
  }

  const scores = predictScores(model, spec, dataset, split.validation);
  const { threshold, metrics } = chooseThreshold(validationLabels, scores);
  return {
    model,
    history,
    metrics: {
      ...metrics,
      threshold,
      thresholdSource: "fold-validation",
      atHalf: binaryMetrics(validationLabels, scores, 0.5),
      bestEpoch: best!.epoch,
      epochsTrained: history.length,
    },
    validation: validationPredictions(dataset, split.validation, scores),
  };
}

/** One Adam step on a batch; returns the batch's mean loss. */
function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  samples: Float32Array,
  labels: Float32Array,
  spec: ArchSpec,
  config: TrainConfig,
): number {
  const count = labels.length;
  const cost = tf.tidy(() => {
    const x = tf.tensor3d(samples, [count, spec.inputLength, 1]);
    const y = tf.tensor2d(labels, [count, 1]);
    const weights = config.classWeights
      ? y.mul(config.classWeights.positive - config.classWeights.negative)
        .add(config.classWeights.negative)
      : null;
    return optimizer.minimize(
      () => {
        // Squeezed into [ε, 1 − ε] so log() stays finite; unlike clipping, this keeps a NaN
        // output NaN, so a diverged model shows as a NaN loss.
        const p = (model.apply(x, { training: true }) as tf.Tensor).mul(1 - 2 * EPSILON).add(
          EPSILON,
        );
        const perSample = y.mul(p.log()).add(tf.scalar(1).sub(y).mul(tf.scalar(1).sub(p).log()))
          .neg();
        return (weights ? perSample.mul(weights) : perSample).mean() as tf.Scalar;
      },
      true,
      variables,
    )!;
  });
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
}

/** Mean binary cross-entropy of `scores` against `labels` (unweighted). */
function meanCrossEntropy(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - EPSILON, Math.max(EPSILON, scores[i]));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

function validationPredictions(
  dataset: Dataset,
  indices: ArrayLike<number>,
  scores: Float32Array,
): ValidationPredictions {
  const pick = <T>(f: (i: number) => T) => Array.from(indices, f);
  return {
    files: pick((i) => dataset.files[i]),
    subjects: pick((i) => dataset.subjectNames[dataset.subjects[i]]),
    rhythms: pick((i) => RHYTHMS[dataset.rhythms[i]]),
    labels: pick((i) => dataset.labels[i]),
    scores: Array.from(scores),
  };
}
