/** Training configuration: what a run was trained with, recorded in its config.json. */
import type { RhythmRepeat } from "./rhythm_repeat.ts";
import type { RhythmHead } from "./rhythm_head.ts";

/** Data augmentation applied to each training batch; every part can be switched off. */
export interface Augmentation {
  /** Multiply each segment by −1 with probability 1/2 (electrode polarity is arbitrary). */
  signFlip: boolean;
  /** Multiply each segment by a factor uniform in [1 − s, 1 + s]; 0 = off. */
  amplitudeScale: number;
  /** Add Gaussian noise with this standard deviation to every sample; 0 = off. */
  noiseStd: number;
  /** Rotate each segment circularly by a uniform shift in [−s, s] samples; 0 = off. */
  timeShift: number;
  /**
   * Resample each segment in time by a factor log-uniform in [1/(1 + s), 1 + s], so the same
   * rhythm is seen faster and slower; absent or 0 = off. Optional so that configs and search
   * candidates from before it keep their meaning and ids.
   */
  timeStretch?: number;
  /**
   * Play each non-VA segment faster by a further factor log-uniform in [1, F], so that fast
   * rhythms of normal shape (sinus tachycardia, SVT) are seen as non-VA; absent or ≤ 1 = off.
   * Round 13 of the search measured it harmful (threeblock's CV Fβ fell by 0.02 at F = 1.6).
   */
  nonVaSpeedup?: number;
}

/** Per-class loss weights for binary cross-entropy (1 = VA). */
export interface ClassWeights {
  negative: number;
  positive: number;
}

/**
 * Which weights a run keeps.
 * - "best-epoch": the epoch with the best validation Fβ, with early stopping. The validation
 *   subjects then choose the checkpoint, so their Fβ is optimistic: on the search's repeated
 *   CVs the kept epochs beat a fixed epoch by about 0.01.
 * - "average": every configured epoch is trained and the weights (BatchNorm's moving
 *   statistics included) are averaged over the last `averageEpochs` epochs; the validation
 *   subjects are only scored, never consulted.
 */
export type KeepRule = "best-epoch" | "average";

/** How the learning rate moves over the run's steps. */
export type LearningRateSchedule = "constant" | "cosine";

/** The hyper-parameters an arch trains with unless the command line overrides them. */
export interface HyperParameters {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Stop after this many epochs without a better validation Fβ (keep "best-epoch" only). */
  patience: number;
  augmentation: Augmentation;
  classWeights: ClassWeights | null;
  /** Absent (configs from before the option) = "best-epoch". */
  keep?: KeepRule;
  /** With keep "average": how many final epochs are averaged (absent or 1 = the last epoch's). */
  averageEpochs?: number;
  /**
   * "cosine": from learningRate at the first step down to 0 after the last, along half a
   * cosine. Absent = "constant".
   */
  learningRateSchedule?: LearningRateSchedule;
  /**
   * Train only on segments at this rate (bpm) or faster, or whose rate cannot be estimated
   * (rate_subset.ts); for a spec whose rate gate decides the slower ones. Absent = all.
   * Round 17 of the search measured it harmful: threeblock with its gate fell from pooled int8
   * Fβ 0.9635/0.9625/0.9627 (draws 1–3) to 0.9598/0.9575/0.9575 at 100 bpm and
   * 0.9608/0.9587/0.9581 at 90 bpm, sinus rhythm losing most (left alone .90 → .87–.89).
   */
  trainMinRateBpm?: number;
  /**
   * How many times each rhythm's segments appear per epoch (rhythm_repeat.ts), e.g.
   * `{ SVT: 4 }`; absent rhythms once. Absent = every segment once.
   */
  rhythmRepeat?: RhythmRepeat;
  /**
   * Each subject-and-rhythm block's share of an epoch proportional to its size to this power
   * (block_balance.ts), in [0, 1]. Absent = every segment once (as 1).
   */
  blockBalance?: number;
  /**
   * An auxiliary rhythm head trained beside the VA output and dropped afterwards
   * (rhythm_head.ts). Absent = none. Round 35 of the search measured it on threeblock: on `fc1`
   * .9670 .9681 .9632 and on `flatten` .9648 .9690 .9645 (draws 1–3), against .9655 .9702 .9671.
   */
  rhythmHead?: RhythmHead;
  /**
   * The decision threshold, fixed: the validation subjects only score it (a threshold chosen
   * on them makes their Fβ optimistic). Absent = the best of the grid on validation
   * (threshold.ts).
   */
  threshold?: number;
}

/** Everything a run was trained with (contract 3: config.json of a run directory). */
export interface TrainConfig extends HyperParameters {
  arch: string;
  seed: number;
  /** Number of subject-wise folds, and the held-out fold of this run. */
  folds: number;
  fold: number;
  /** The data path as given on the command line. */
  data: string;
  /** Subject names trained on, and held out for validation. */
  trainSubjects: string[];
  validationSubjects: string[];
  /** Clip inputs to [−inputClip, inputClip] (the spec's value), or null. */
  inputClip: number | null;
  /** The tfjs backend the run was trained on. */
  backend: string;
  /**
   * Trained with fused kernels (lib/fused: the GRU over a whole sequence as one op) in place
   * of tfjs' per-step graph; the same function to float rounding. The saved model is the stock
   * tfjs model either way.
   */
  fused: boolean;
  /**
   * Data-parallel replicas: each batch's gradient is computed in this many shards, on the
   * main thread and workers − 1 Deno workers (lib/train/data_parallel.ts), BatchNorm
   * normalizing per shard. Absent (configs from before the option) = 1, one thread.
   */
  workers?: number;
}

/** No augmentation at all. */
export const NO_AUGMENTATION: Augmentation = Object.freeze({
  signFlip: false,
  amplitudeScale: 0,
  noiseStd: 0,
  timeShift: 0,
});

/** The recipe of the model search's round 11 winners (twoblock and threeblock, see below). */
const SEARCH_RECIPE: HyperParameters = Object.freeze({
  epochs: 8,
  batchSize: 64,
  learningRate: 3e-3,
  patience: 10,
  augmentation: {
    signFlip: true,
    amplitudeScale: 0.8,
    noiseStd: 0.02,
    timeShift: 250,
    timeStretch: 0.25,
  },
  classWeights: { negative: 1, positive: 4 },
  keep: "average",
  averageEpochs: 3,
  learningRateSchedule: "cosine",
});

/**
 * threeblock's decision threshold between its rate gate and its fast zone (lib/model/archs.ts):
 * the median of the pooled out-of-fold choices of the search's round 32 over seven fold draws
 * (0.35 to 0.75). Fixed, so that the pipeline's validation fold only scores the shipped model: its
 * figure is not tuned on its own 12 subjects (the search chose it on all 60 subjects'
 * out-of-fold decisions, those 12 among them).
 */
export const THREEBLOCK_THRESHOLD = 0.55;

/**
 * twoblock's decision threshold with its rate gate: the median, and the most frequent (three
 * draws), of the pooled out-of-fold choices of the search's round 20 over seven fold draws
 * (0.05 to 0.25).
 */
export const TWOBLOCK_THRESHOLD = 0.1;

/**
 * Default hyper-parameters per arch.
 *
 * nnom follows the contest entry: Adam 1e-3, batch 256, no augmentation. Our first 5-fold CV
 * (epochs 20, patience 5: Fβ 0.90 ± 0.06) saw held-out predictions pass through a phase
 * (about epochs 3–10) where nearly every segment was flagged, and patience 5 stopped two folds
 * inside it. The cause was BatchNorm's moving variance converging slowly at tfjs' default
 * momentum (lib/model/build.ts: BATCHNORM_MOMENTUM, now 0.9), not the model; 30 epochs with
 * patience 10 stay as the defaults.
 *
 * compact converges slowly at the winner's Adam 2e-4 and batch 32 (findings: still improving
 * at epoch 100), so it gets 15× the learning rate and batch 64 (on a third of fold 1 it reached
 * validation Fβ 0.95 by epoch 12), 40 epochs, and the winner's sign-flip and noise
 * augmentation.
 *
 * twoblock is the model search's candidate 9a12e8d706: the shape and augmentation of candidate
 * 2c3ef01532 (compact's learning rate and batch, an amplitude factor of ±80 % and shifts of ±250
 * samples: subjects' amplitudes differ about tenfold), trained without consulting validation:
 * 8 epochs on a cosine schedule, the mean weights of the last 3 kept, VA segments weighted 4
 * (β = 2 weighs recall 4×). In 5-fold CVs of seed 1 shorter runs generalized better (pooled
 * float Fβ 0.940 for the last of 30 epochs, 0.944 averaged over the last 4 of 12, 0.946 over
 * the last 3 of 8, 0.948 with the weight 4), and the weight moved the pooled threshold off the
 * grid's floor of 0.05. Time stretches of up to ±25 % (round 11) taught it the slow VT of
 * subject S73, which no model had caught honestly: pooled int8 Fβ 0.9426 → 0.9499 over seven
 * fold draws, ahead on every draw. With threeblock's rate gate (candidate fe75c69f7e, round 20)
 * it reached 0.9612, ahead on every draw again; its threshold is fixed like threeblock's
 * ({@linkcode TWOBLOCK_THRESHOLD}).
 *
 * threeblock (candidate d44ebd6ff8, the default) trains with twoblock's recipe; its rate gate,
 * fast zone and below-gate threshold are part of its spec (lib/model/archs.ts), and its threshold
 * is fixed to the one the search's pooled cross-validations chose with them
 * ({@linkcode THREEBLOCK_THRESHOLD}).
 */
export const ARCH_DEFAULTS: Readonly<Record<string, HyperParameters>> = {
  threeblock: { ...SEARCH_RECIPE, threshold: THREEBLOCK_THRESHOLD },
  nnom: {
    epochs: 30,
    batchSize: 256,
    learningRate: 1e-3,
    patience: 10,
    augmentation: NO_AUGMENTATION,
    classWeights: null,
  },
  twoblock: { ...SEARCH_RECIPE, threshold: TWOBLOCK_THRESHOLD },
  compact: {
    epochs: 40,
    batchSize: 64,
    learningRate: 3e-3,
    patience: 10,
    augmentation: { signFlip: true, amplitudeScale: 0, noiseStd: 0.02, timeShift: 0 },
    classWeights: null,
  },
};

/** The default hyper-parameters of `arch` (a fresh copy), or a RangeError for an unknown arch. */
export function defaultsFor(arch: string): HyperParameters {
  const defaults = ARCH_DEFAULTS[arch];
  if (!defaults) {
    throw new RangeError(
      `No training defaults for arch "${arch}"; known: ${Object.keys(ARCH_DEFAULTS).join(", ")}`,
    );
  }
  return structuredClone(defaults);
}
