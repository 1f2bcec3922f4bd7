/**
 * The training loop: Adam on (optionally class-weighted) binary cross-entropy, seeded
 * shuffling and augmentation, validation on held-out subjects every epoch, and a threshold
 * chosen on validation (with the spec's rate gate applied, if it has one) unless the config
 * fixes it. The weights kept (config.ts: KeepRule) are the best epoch's, with early
 * stopping, or the mean of the last epochs' of a fixed schedule, chosen without looking at the
 * validation subjects (schedule.ts).
 *
 * The optimizer updates a training twin of the model (lib/fused: conv blocks and the GRU as
 * fused ops; the stock tfjs layers with `fused: false`), which also scores the validation
 * subjects after each epoch; the stock model gets the twin's weights after each epoch and is
 * what is kept, returned and saved.
 *
 * With `config.workers` > 1 each batch's gradient is computed data-parallel (data_parallel.ts:
 * the batch split into fixed shards, one per replica, the main thread being replica 0), and the
 * optimizer applies their shard-size-weighted mean; BatchNorm then normalizes per shard.
 *
 * "Best epoch" = the highest validation Fβ at that epoch's best grid threshold. Fβ at a fixed
 * 0.5 proved a poor criterion: on held-out subjects the score distribution drifts between
 * epochs, and at 0.5 a model that flags nearly everything can beat a better-ranking one.
 */
import { tf } from "../backend/mod.ts";
import { type Dataset, RHYTHMS } from "../data/dataset.ts";
import { binaryMetrics } from "../metrics/metrics.ts";
import { buildTrainingModel, copyWeights } from "../fused/twin.ts";
import { prepareInput } from "../model/build.ts";
import type { ArchSpec } from "../model/spec.ts";
import { augmentBatch } from "./augment.ts";
import { gatherLabels, gatherSamples } from "./batches.ts";
import type { TrainConfig } from "./config.ts";
import { ReplicaPool } from "./data_parallel.ts";
import type { EpochRecord, RunMetrics, ValidationPredictions } from "./history.ts";
import { predictScores } from "./predict.ts";
import { Prng, withSeededMathRandom } from "./prng.ts";
import { type ProgressReporter, quietProgress } from "./progress.ts";
import {
  checkFixedThreshold,
  chooseThreshold,
  decideThreshold,
  rateZones,
  zonedScores,
} from "./threshold.ts";
import { batchLoss, EPSILON, outputLoss } from "./loss.ts";
import { attachRhythmHead, gatherRhythms, rhythmLoss, type RhythmTrainer } from "./rhythm_head.ts";
import { segmentsAtRate } from "./rate_subset.ts";
import { repeatRhythms } from "./rhythm_repeat.ts";
import { balancedEpoch } from "./block_balance.ts";
import { epochsToAverage, learningRateAt, WeightAverage } from "./schedule.ts";

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

/**
 * Trains `spec` on `split.train` of `dataset` and validates on `split.validation` after each
 * epoch. Same dataset, split, spec and config → the same weights, on the same backend.
 * Synchronous: it holds the thread for the whole run (a CLI or notebook has nothing else to do).
 *
 * Throws TrainingDivergedError (naming epoch and step) if the loss stops being finite, a
 * RangeError for an empty split or a bad `config.workers`, and an Error naming the worker if a
 * data-parallel worker fails. Workers are terminated before it returns or throws.
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
  const workers = config.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`config.workers must be an integer ≥ 1, got ${workers}`);
  }
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
  const averaged = epochsToAverage(config);
  checkFixedThreshold(config.threshold);
  const average = new WeightAverage();
  const optimizer = tf.train.adam(config.learningRate);
  const head = config.rhythmHead === undefined
    ? null
    : attachRhythmHead(training, spec, config.rhythmHead, config.seed * 3 + 4);
  if (head && (config.workers ?? 1) > 1) {
    throw new RangeError("rhythmHead trains on one worker only; drop --workers");
  }
  const variables = [...training.trainableWeights, ...(head?.headWeights ?? [])]
    .map((w) => w.read() as tf.Variable);
  let pool: ReplicaPool | null = null;
  const trainable = segmentsAtRate(dataset, split.train, config.trainMinRateBpm);
  const balanceRng = new Prng(config.seed * 3 + 5);
  const epochOrder = () =>
    repeatRhythms(
      dataset,
      config.blockBalance === undefined
        ? trainable
        : balancedEpoch(dataset, trainable, config.blockBalance, balanceRng),
      config.rhythmRepeat,
    );
  let order = epochOrder();
  const steps = Math.ceil(order.length / config.batchSize);
  const totalSteps = steps * config.epochs;
  const validationLabels = gatherLabels(dataset, split.validation, 0, split.validation.length);
  // The decision's rate gate and fast zone, if the spec has them: thresholds are chosen with
  // them applied.
  const zones = rateZones(spec, dataset, split.validation);
  const history: EpochRecord[] = [];
  let best: { epoch: number; fbeta: number; weights: tf.Tensor[] } | null = null;

  try {
    if ((config.workers ?? 1) > 1) {
      pool = ReplicaPool.start(training, spec, {
        replicas: config.workers!,
        fused: config.fused !== false,
        randomSeed: config.seed * 3 + 1,
      });
    }
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      if (config.blockBalance !== undefined && epoch > 1) order = epochOrder();
      shuffleRng.shuffle(order);
      progress.epochStart(epoch, config.epochs, steps);
      const started = performance.now();
      let lossSum = 0;
      for (let step = 0; step < steps; step++) {
        const from = step * config.batchSize;
        const to = Math.min(order.length, from + config.batchSize);
        const samples = gatherSamples(dataset, order, from, to);
        const labels = gatherLabels(dataset, order, from, to);
        const rhythms = head ? gatherRhythms(dataset, order, from, to) : null;
        augmentBatch(samples, spec.inputLength, config.augmentation, augmentRng, labels);
        prepareInput(spec, samples);
        setLearningRate(optimizer, learningRateAt(config, (epoch - 1) * steps + step, totalSteps));
        const loss = pool ? dataParallelStep(pool, optimizer, samples, labels, config) : trainStep(
          training,
          optimizer,
          variables,
          { samples, labels, rhythms },
          spec,
          config,
          head,
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
      const decided = zonedScores(spec, scores, zones);
      const atHalf = binaryMetrics(validationLabels, decided, 0.5);
      const tuned = chooseThreshold(validationLabels, decided);
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
      if (averaged > 0) {
        if (epoch > config.epochs - averaged) average.add(model);
        progress.epochEnd(record, false);
        continue;
      }
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
    if (averaged > 0) {
      average.applyTo(model);
      progress.note(
        `kept the mean weights of epochs ${config.epochs - averaged + 1}–${config.epochs}` +
          " (validation not consulted)",
      );
    } else {
      model.setWeights(best!.weights);
      progress.note(
        `kept epoch ${best!.epoch} (validation Fβ ${best!.fbeta.toFixed(4)} at its best threshold)`,
      );
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    pool?.terminate();
    best?.weights.forEach((w) => w.dispose());
    optimizer.dispose();
    head?.headWeights.forEach((w) => w.dispose());
    if (training !== model) training.dispose();
  }

  const scores = predictScores(model, spec, dataset, split.validation);
  const decided = zonedScores(spec, scores, zones);
  const { threshold, metrics, source } = decideThreshold(
    validationLabels,
    decided,
    config.threshold,
    "fold-validation",
  );
  return {
    model,
    history,
    metrics: {
      ...metrics,
      threshold,
      thresholdSource: source,
      atHalf: binaryMetrics(validationLabels, decided, 0.5),
      bestEpoch: averaged > 0 ? config.epochs : best!.epoch,
      epochsTrained: history.length,
    },
    validation: validationPredictions(dataset, split.validation, scores),
  };
}

/** Sets the rate of tfjs' Adam, which reads its (protected) field at every step. */
function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

/** One Adam step on a batch; returns the batch's mean loss. */
/**
 * One Adam step on a batch; its mean loss (with a rhythm head, the VA loss plus the head's).
 * `batch.rhythms` is null without a head.
 */
function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  batch: { samples: Float32Array; labels: Float32Array; rhythms: Int32Array | null },
  spec: ArchSpec,
  config: TrainConfig,
  head: RhythmTrainer | null,
): number {
  const count = batch.labels.length;
  const cost = tf.tidy(() => {
    const x = tf.tensor3d(batch.samples, [count, spec.inputLength, 1]);
    const y = tf.tensor2d(batch.labels, [count, 1]);
    const loss = () => {
      if (!head) return batchLoss(model, x, y, config.classWeights);
      const [p, logits] = head.model.apply(x, { training: true }) as tf.Tensor[];
      const rhythms = tf.tensor1d(batch.rhythms!, "int32");
      return outputLoss(p, y, config.classWeights)
        .add(rhythmLoss(logits, rhythms, config.rhythmHead!.weight)) as tf.Scalar;
    };
    return optimizer.minimize(loss, true, variables)!;
  });
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
}

/** One Adam step on a batch whose gradient the replicas of `pool` compute; the mean loss. */
function dataParallelStep(
  pool: ReplicaPool,
  optimizer: tf.Optimizer,
  samples: Float32Array,
  labels: Float32Array,
  config: TrainConfig,
): number {
  const { loss, grads } = pool.gradients(samples, labels, config.classWeights);
  optimizer.applyGradients(grads);
  tf.dispose(grads);
  return loss;
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
