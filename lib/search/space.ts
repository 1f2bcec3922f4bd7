/**
 * The search space as data. A {@linkcode Candidate} is a small JSON object of choices; from it
 * {@linkcode candidateSpec} builds an ArchSpec (only layers the int8 path supports: conv1d →
 * batchnorm → relu [→ maxpool1d], an optional second such block, an optional GRU, dense layers),
 * {@linkcode candidateHyper} the training hyper-parameters and {@linkcode candidateQuant} the
 * quantization options. {@linkcode candidateId} is a hash of the candidate's canonical JSON, so
 * the same choices always get the same id (the results table is keyed by it).
 */
import { type ArchSpec, checkSpec, INPUT, type LayerSpec } from "../model/mod.ts";
import {
  type Augmentation,
  checkBlockBalance,
  checkRhythmHead,
  checkRhythmRepeat,
  defaultsFor,
  epochsToAverage,
  type HyperParameters,
  type KeepRule,
  type LearningRateSchedule,
  type RhythmHead,
  type RhythmRepeat,
} from "../train/mod.ts";
import type { QuantizeOptions } from "../quant/mod.ts";
import { mulberry32 } from "../random/mulberry32.ts";

/** One convolution: filters, kernel length and stride (valid padding). */
export interface ConvChoice {
  filters: number;
  kernel: number;
  stride: number;
}

/** Everything the search varies, as plain JSON. */
export interface Candidate {
  /** The first convolution (on the raw input); then BatchNorm and ReLU. */
  conv: ConvChoice;
  /** Max-pool window after the first block; 1 = none. */
  pool: number;
  /** An optional second conv block (conv → BN → ReLU). */
  conv2: ConvChoice | null;
  /**
   * Max-pool window after the second block (absent or 1 = none; a window equal to the block's
   * output length is a global max over time). Optional so that the ids of older candidates stay.
   */
  pool2?: number;
  /** An optional third conv block after the second (absent = none). Optional like above. */
  conv3?: ConvChoice;
  /** GRU units after the conv blocks (last state only), or 0 for none. */
  gru: number;
  /** Hidden dense widths (ReLU) before the sigmoid output; may be empty. */
  dense: number[];
  /** Clip inputs to [−clip, clip], or null. */
  clip: number | null;
  /**
   * Peak-normalize each segment (lib/model's `peakNormalize`). Absent = not. Optional so that
   * the ids of older candidates stay.
   */
  peakNormalize?: boolean;
  learningRate: number;
  epochs: number;
  batchSize: number;
  /** Early-stopping patience in epochs. */
  patience: number;
  augmentation: Augmentation;
  calib: "max" | "kld";
  perChannel: boolean;
  /**
   * Loss weight of VA segments (non-VA weigh 1); absent = unweighted. Optional so that the ids
   * of candidates without it stay what they were.
   */
  positiveWeight?: number;
  /** Dropout rate before each dense layer (training only; absent = none). Optional like above. */
  dropout?: number;
  /** lib/train's KeepRule (absent = "best-epoch", patience applies). Optional like above. */
  keep?: KeepRule;
  /** With keep "average": the final epochs averaged. Optional like above. */
  averageEpochs?: number;
  /** lib/train's schedule (absent = constant). Optional like above. */
  learningRateSchedule?: LearningRateSchedule;
  /**
   * Search a rate gate (docs/int8-spec.md §14) with the threshold: the pooled out-of-fold
   * decisions choose the gate among {@linkcode RATE_GATE_GRID} and none. Absent = no gate.
   * Optional like above.
   */
  rateGate?: boolean;
  /**
   * With `rateGate`: search a fast zone too (docs/int8-spec.md §14), a rate above the gate where
   * the output is compared with a threshold of its own: the pooled decisions choose it among
   * {@linkcode FAST_ZONE_GRID} × {@linkcode FAST_ZONE_THRESHOLDS} and none, jointly with the gate
   * and threshold. Absent = none. Optional like above.
   */
  fastZone?: boolean;
  /**
   * With `rateGate`: search a threshold below the gate too (docs/int8-spec.md §14), at which a
   * sure network still calls VA: the pooled decisions choose it among
   * {@linkcode BELOW_GATE_THRESHOLDS} and none, jointly with the rest. Absent = never VA below the
   * gate. Optional like above.
   */
  belowGate?: boolean;
  /**
   * Train only on segments at this rate (bpm) or faster (lib/train: trainMinRateBpm), meant
   * with `rateGate`. Absent = all segments. Optional like above.
   */
  trainMinRateBpm?: number;
  /**
   * How many times each rhythm's segments appear per training epoch (lib/train: rhythmRepeat),
   * e.g. `{"SVT": 4}`. Absent = once each. Optional like above.
   */
  rhythmRepeat?: RhythmRepeat;
  /**
   * Each subject-and-rhythm block's share of a training epoch proportional to its size to this
   * power (lib/train: blockBalance), e.g. 0.5. Absent = every segment once. Optional like above.
   */
  blockBalance?: number;
  /**
   * An auxiliary rhythm head during training (lib/train: rhythmHead), e.g.
   * `{"layer": "flatten", "weight": 0.5}`. Absent = none. Optional like above.
   */
  rhythmHead?: RhythmHead;
}

/** The rate gates (bpm) a candidate with `rateGate` chooses from, besides none. */
export const RATE_GATE_GRID: readonly number[] = [90, 95, 100, 105, 110, 115, 120, 125, 130];

/** The fast zones' lowest rates (bpm) a candidate with `fastZone` chooses from, above its gate. */
export const FAST_ZONE_GRID: readonly number[] = [115, 120, 125, 130, 135, 140, 150];

/**
 * The fast zones' thresholds: the low end of lib/train's grid, since the zone is where the
 * network's VA counts at less confidence than elsewhere (the grid's 5 lowest, 0.05–0.25).
 */
export const FAST_ZONE_THRESHOLDS: readonly number[] = [0.05, 0.1, 0.15, 0.2, 0.25];

/**
 * The below-gate thresholds: the high end of lib/train's grid, since below the gate only a sure
 * network may overrule the rate (0.9 and 0.95).
 */
export const BELOW_GATE_THRESHOLDS: readonly number[] = [0.9, 0.95];

/** Samples per segment. */
const INPUT_LENGTH = 1250;

/** Output length of a valid convolution or pool. */
function outLength(length: number, kernel: number, stride: number): number {
  return Math.floor((length - kernel) / stride) + 1;
}

/** The time steps and channels after the conv blocks, or null if a block has no output. */
export function featureShape(c: Candidate): [number, number] | null {
  let shape: [number, number] = [INPUT_LENGTH, 1];
  for (const { conv, pool } of blocks(c)) {
    shape = [outLength(shape[0], conv.kernel, conv.stride), conv.filters];
    if (pool > 1) shape[0] = outLength(shape[0], pool, pool);
    if (shape[0] < 1) return null;
  }
  return shape;
}

/** The conv blocks of a candidate in order, each with the max-pool window after it (1 = none). */
function blocks(c: Candidate): { conv: ConvChoice; pool: number }[] {
  const list = [{ conv: c.conv, pool: c.pool }];
  if (c.conv2) list.push({ conv: c.conv2, pool: c.pool2 ?? 1 });
  if (c.conv2 && c.conv3) list.push({ conv: c.conv3, pool: 1 });
  return list;
}

/**
 * Multiply-accumulates of one inference (convolutions, GRU gates, dense layers): the search's
 * cheap proxy for Cortex-M4 instructions when sampling (compact: 11,865 MACs, 45,322
 * instructions measured). Infinity for a candidate whose shapes collapse.
 */
export function estimateMacs(c: Candidate): number {
  const shape = featureShape(c);
  if (!shape) return Infinity;
  let macs = 0;
  let [t, ch] = [INPUT_LENGTH, 1];
  for (const { conv, pool } of blocks(c)) {
    t = outLength(t, conv.kernel, conv.stride);
    macs += t * conv.kernel * ch * conv.filters;
    ch = conv.filters;
    if (pool > 1) t = outLength(t, pool, pool);
  }
  let width = t * ch;
  if (c.gru > 0) {
    macs += t * 3 * (ch + c.gru) * c.gru;
    width = c.gru;
  }
  for (const units of [...c.dense, 1]) {
    macs += width * units;
    width = units;
  }
  return macs;
}

/** The ArchSpec of a candidate, named `search-<id>` (checked with lib/model's checkSpec). */
export function candidateSpec(c: Candidate, name = `search-${candidateId(c)}`): ArchSpec {
  if (!featureShape(c)) throw new RangeError(`Candidate ${name}: the conv blocks leave no output`);
  const layers: LayerSpec[] = [];
  const block = (prefix: string, input: string, conv: ConvChoice, pool: number) => {
    layers.push(
      { op: "conv1d", name: `${prefix}_conv`, inputs: [input], ...conv, padding: "valid" },
      { op: "batchnorm", name: `${prefix}_bn`, inputs: [`${prefix}_conv`] },
      { op: "relu", name: `${prefix}_relu`, inputs: [`${prefix}_bn`] },
    );
    if (pool > 1) {
      layers.push({ op: "maxpool1d", name: `${prefix}_pool`, inputs: [`${prefix}_relu`], pool });
      return `${prefix}_pool`;
    }
    return `${prefix}_relu`;
  };
  let last = INPUT;
  blocks(c).forEach(({ conv, pool }, i) => last = block(`b${i + 1}`, last, conv, pool));
  if (c.gru > 0) {
    layers.push({ op: "gru", name: "gru", inputs: [last], units: c.gru, returnSequences: false });
    last = "gru";
  } else {
    layers.push({ op: "flatten", name: "flatten", inputs: [last] });
    last = "flatten";
  }
  const dense = (name: string, units: number, activation: "relu" | "sigmoid") => {
    if (c.dropout) {
      layers.push({ op: "dropout", name: `${name}_drop`, inputs: [last], rate: c.dropout });
      last = `${name}_drop`;
    }
    layers.push({ op: "dense", name, inputs: [last], units, activation });
    last = name;
  };
  c.dense.forEach((units, i) => dense(`fc${i + 1}`, units, "relu"));
  dense("out", 1, "sigmoid");
  const spec: ArchSpec = {
    name,
    inputLength: INPUT_LENGTH,
    inputClip: c.clip,
    ...(c.peakNormalize ? { peakNormalize: true } : {}),
    layers,
    output: "out",
  };
  checkSpec(spec);
  return spec;
}

/**
 * The training hyper-parameters of a candidate: lib/train's compact defaults (so any field
 * lib/train adds keeps its default) with the candidate's choices.
 */
export function candidateHyper(c: Candidate): HyperParameters {
  return {
    ...defaultsFor("compact"),
    epochs: c.epochs,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    patience: c.patience,
    augmentation: { ...c.augmentation },
    classWeights: c.positiveWeight === undefined
      ? null
      : { negative: 1, positive: c.positiveWeight },
    keep: c.keep,
    averageEpochs: c.averageEpochs,
    learningRateSchedule: c.learningRateSchedule,
    ...(c.trainMinRateBpm === undefined ? {} : { trainMinRateBpm: c.trainMinRateBpm }),
    ...(c.rhythmRepeat === undefined ? {} : { rhythmRepeat: { ...c.rhythmRepeat } }),
    ...(c.blockBalance === undefined ? {} : { blockBalance: c.blockBalance }),
    ...(c.rhythmHead === undefined ? {} : { rhythmHead: { ...c.rhythmHead } }),
  };
}

/**
 * `c` with the choices of `change` replaced (a new candidate, with its own id), checked: a
 * RangeError names an unknown choice, an impossible arch or bad training settings.
 *
 * @example
 * ```ts
 * import { candidateId, changedCandidate, COMPACT } from "./space.ts";
 * const averaged = changedCandidate(COMPACT, { keep: "average", averageEpochs: 10 });
 * if (candidateId(averaged) === candidateId(COMPACT)) throw new Error("same id");
 * ```
 */
export function changedCandidate(c: Candidate, change: Partial<Candidate>): Candidate {
  const unknown = Object.keys(change).filter((key) => !(key in CANDIDATE_KEYS));
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown choice ${unknown.join(", ")}; known: ${Object.keys(CANDIDATE_KEYS).join(", ")}`,
    );
  }
  const changed = { ...structuredClone(c), ...structuredClone(change) };
  candidateSpec(changed);
  epochsToAverage(candidateHyper(changed)); // throws for bad training settings
  if (changed.rhythmRepeat !== undefined) checkRhythmRepeat(changed.rhythmRepeat);
  if (changed.blockBalance !== undefined) checkBlockBalance(changed.blockBalance);
  if (changed.rhythmHead !== undefined) checkRhythmHead(changed.rhythmHead, candidateSpec(changed));
  return changed;
}

/** Every choice a candidate may have (the compiler keeps the list complete). */
const CANDIDATE_KEYS: Record<keyof Candidate, true> = {
  conv: true,
  pool: true,
  conv2: true,
  pool2: true,
  conv3: true,
  gru: true,
  dense: true,
  clip: true,
  peakNormalize: true,
  learningRate: true,
  epochs: true,
  batchSize: true,
  patience: true,
  augmentation: true,
  calib: true,
  perChannel: true,
  positiveWeight: true,
  dropout: true,
  keep: true,
  averageEpochs: true,
  learningRateSchedule: true,
  rateGate: true,
  fastZone: true,
  belowGate: true,
  trainMinRateBpm: true,
  rhythmRepeat: true,
  blockBalance: true,
  rhythmHead: true,
};

/** The quantization options of a candidate. */
export function candidateQuant(c: Candidate): QuantizeOptions {
  return { calib: c.calib, perChannel: c.perChannel };
}

/** JSON with object keys sorted at every level: the same candidate always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A stable 10-hex-digit id: FNV-1a (64-bit) of the canonical JSON. Key order does not matter.
 *
 * @example
 * ```ts
 * import { candidateId, COMPACT } from "./space.ts";
 * const reordered = Object.fromEntries(Object.entries(COMPACT).reverse()) as typeof COMPACT;
 * if (candidateId(reordered) !== candidateId(COMPACT)) throw new Error("unstable id");
 * ```
 */
export function candidateId(c: Candidate): string {
  const text = canonicalJson(c);
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0").slice(0, 10);
}

/** lib/model's compact arch with its lib/train defaults, as a candidate (the baseline). */
export const COMPACT: Candidate = Object.freeze({
  conv: { filters: 3, kernel: 85, stride: 32 },
  pool: 1,
  conv2: null,
  gru: 0,
  dense: [20, 10],
  clip: null,
  learningRate: 3e-3,
  epochs: 40,
  batchSize: 64,
  patience: 10,
  augmentation: { signFlip: true, noiseStd: 0.02, amplitudeScale: 0, timeShift: 0 },
  calib: "max",
  perChannel: true,
}) as Candidate;

/** A copy of COMPACT with some choices changed. */
function compactWith(change: Partial<Candidate>): Candidate {
  return { ...structuredClone(COMPACT), ...change };
}

const RICH_AUG = { signFlip: true, noiseStd: 0.02, amplitudeScale: 0.2, timeShift: 64 };
/** The best full-CV augmentation of the sixth round: amplitude ±80 %, shift ±250 samples. */
const WIDE_AUG = { ...RICH_AUG, amplitudeScale: 0.8, timeShift: 250 };

/** Round 11's recipe: 8 epochs, cosine, the mean of the last 3 kept, VA weighted 4, stretch ±25 %. */
const STRETCH_RECIPE: Partial<Candidate> = {
  epochs: 8,
  learningRateSchedule: "cosine",
  keep: "average",
  averageEpochs: 3,
  positiveWeight: 4,
  augmentation: { ...WIDE_AUG, timeStretch: 0.25 },
};

/**
 * threeblock's shape until round 26, which halved its dense head (and round 28 halved it again):
 * c6k15s8 → pool 4 → c12k5s2 → c12k3s1 → dense 16.
 */
const THREEBLOCK_SHAPE: Partial<Candidate> = {
  conv: { filters: 6, kernel: 15, stride: 8 },
  conv2: { filters: 12, kernel: 5, stride: 2 },
  conv3: { filters: 12, kernel: 3, stride: 1 },
};

/** threeblock's shape and recipe with the rate gate, fast zone and below-gate threshold searched. */
const ZONED_THREEBLOCK: Partial<Candidate> = {
  ...THREEBLOCK_SHAPE,
  ...STRETCH_RECIPE,
  rateGate: true,
  fastZone: true,
  belowGate: true,
};

/** A fine-resolution point: `conv` → pool 4 → c6k5s2 → dense 16, rich augmentation, changed. */
function fine(change: Partial<Candidate>): Candidate {
  return compactWith({
    pool: 4,
    conv2: { filters: 6, kernel: 5, stride: 2 },
    dense: [16],
    augmentation: RICH_AUG,
    ...change,
  });
}

/**
 * Hand-picked points near the winner's shape, cheapest first in spirit: the compact baseline,
 * a longer schedule, richer augmentation, wider/narrower first convolutions and dense heads.
 */
export const SEEDS: readonly Candidate[] = [
  COMPACT,
  compactWith({ augmentation: RICH_AUG }),
  // Finer time resolution in the first layer (short kernel, small stride), for morphology:
  // the wide-kernel models flag nearly every SVT segment as VA.
  compactWith({
    conv: { filters: 4, kernel: 9, stride: 8 },
    pool: 2,
    conv2: { filters: 6, kernel: 5, stride: 2 },
    dense: [16],
    augmentation: RICH_AUG,
  }),
  compactWith({
    conv: { filters: 3, kernel: 15, stride: 6 },
    pool: 4,
    conv2: { filters: 6, kernel: 5, stride: 2 },
    dense: [16],
    augmentation: RICH_AUG,
  }),
  // Third round: around the best screened point (c3k15s6 → p4 → c6k5s2 → d16).
  fine({ conv: { filters: 3, kernel: 15, stride: 6 }, dropout: 0.2 }),
  fine({
    conv: { filters: 3, kernel: 15, stride: 6 },
    augmentation: { ...RICH_AUG, amplitudeScale: 0.4, timeShift: 250 },
  }),
  // Folds keep early epochs (1–2 on the hardest fold): slower learning, stronger augmentation.
  fine({
    conv: { filters: 3, kernel: 15, stride: 6 },
    learningRate: 1e-3,
    augmentation: { ...RICH_AUG, amplitudeScale: 0.4, timeShift: 250 },
  }),
  fine({
    conv: { filters: 3, kernel: 15, stride: 6 },
    augmentation: { ...RICH_AUG, noiseStd: 0.05, amplitudeScale: 0.4, timeShift: 250 },
    dropout: 0.2,
  }),
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
  }),
  fine({ conv: { filters: 3, kernel: 9, stride: 6 }, conv2: { filters: 8, kernel: 5, stride: 2 } }),
  fine({ conv: { filters: 3, kernel: 15, stride: 8 } }),
  // Fourth round: around the best full-CV point (c4k15s8 → p4 → c8k5s2 → d16).
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
    augmentation: { ...RICH_AUG, amplitudeScale: 0.4, timeShift: 250 },
  }),
  fine({
    conv: { filters: 4, kernel: 11, stride: 8 },
    conv2: { filters: 10, kernel: 5, stride: 2 },
  }),
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 3 },
  }),
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 7, stride: 2 },
  }),
  // Fifth round: the score pays little for latency (100k instructions ≈ 0.15 points) and much
  // for Fβ (0.01 = 1 point): a recurrent summary over the fine features, and wider blocks.
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
    gru: 8,
    dense: [],
  }),
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
    gru: 12,
    dense: [],
  }),
  fine({
    conv: { filters: 8, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
  }),
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
  }),
  fine({ conv: { filters: 8, kernel: 9, stride: 4 }, conv2: { filters: 8, kernel: 5, stride: 2 } }),
  fine({
    conv: { filters: 8, kernel: 9, stride: 4 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
    gru: 8,
    dense: [],
  }),
  // nnom's recipe (Adam 1e-3, batch 256) on the best full-CV point.
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
    learningRate: 1e-3,
    batchSize: 256,
  }),
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
    dense: [32],
  }),
  // Sixth round: subjects' amplitudes differ about tenfold (median max |x| 0.14–1.8 V), so a far
  // wider amplitude factor, on the two best full-CV shapes.
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    augmentation: { ...RICH_AUG, amplitudeScale: 0.6 },
  }),
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    augmentation: { ...RICH_AUG, amplitudeScale: 0.8, timeShift: 250 },
  }),
  fine({
    conv: { filters: 4, kernel: 15, stride: 8 },
    conv2: { filters: 8, kernel: 5, stride: 2 },
    augmentation: { ...RICH_AUG, amplitudeScale: 0.8, timeShift: 250 },
  }),
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    dense: [32],
    augmentation: { ...RICH_AUG, amplitudeScale: 0.6 },
  }),
  // Seventh round: the small models miss most of one subject's VT (S73, which nnom gets all of);
  // position-free features (a global max over time) and a third block, on the best shape.
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    pool2: 17,
    augmentation: WIDE_AUG,
  }),
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    pool2: 2,
    augmentation: WIDE_AUG,
  }),
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    conv3: { filters: 12, kernel: 3, stride: 1 },
    augmentation: WIDE_AUG,
  }),
  fine({
    conv: { filters: 8, kernel: 15, stride: 8 },
    conv2: { filters: 16, kernel: 5, stride: 2 },
    pool2: 17,
    dense: [16],
    augmentation: WIDE_AUG,
  }),
  // Eighth round: a finer first stride (nnom's is 2), for the subject whose VT the stride-8 models
  // miss.
  fine({
    conv: { filters: 6, kernel: 9, stride: 4 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    pool2: 2,
    augmentation: WIDE_AUG,
  }),
  fine({
    conv: { filters: 8, kernel: 9, stride: 2 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    pool2: 4,
    augmentation: WIDE_AUG,
  }),
  fine({
    conv: { filters: 6, kernel: 9, stride: 4 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    gru: 12,
    dense: [],
    augmentation: WIDE_AUG,
  }),
  // Eleventh round: the honest recipe (weights averaged, never chosen on held-out subjects) with
  // time stretches, which teach slow VT (twoblock and threeblock, the shipped winners).
  fine({
    conv: { filters: 6, kernel: 15, stride: 8 },
    conv2: { filters: 12, kernel: 5, stride: 2 },
    ...STRETCH_RECIPE,
  }),
  fine({ ...THREEBLOCK_SHAPE, ...STRETCH_RECIPE }),
  // Fifteenth round: the same with the rate gate chosen with the threshold.
  fine({ ...THREEBLOCK_SHAPE, ...STRETCH_RECIPE, rateGate: true }),
  // Twenty-second round: the same with a fast zone chosen too.
  fine({ ...THREEBLOCK_SHAPE, ...STRETCH_RECIPE, rateGate: true, fastZone: true }),
  // Twenty-third round: and a threshold below the gate (threeblock until round 26).
  fine(ZONED_THREEBLOCK),
  // Twenty-sixth and twenty-eighth rounds: the same with a dense head of 8, and of 4.
  ...[[8], [4]].map((dense) => fine({ ...ZONED_THREEBLOCK, dense })),
  // Thirty-first and thirty-second rounds: round 28's with a finer first block (stride 6 → pool
  // 5: 30 samples per pooled step, against 32), of 6 filters and of 4 (threeblock).
  ...[6, 4].map((filters) =>
    fine({ ...ZONED_THREEBLOCK, dense: [4], conv: { filters, kernel: 13, stride: 6 }, pool: 5 })
  ),
  // Training variations of the winner's shape (amplitude scale and time shift helped).
  compactWith({ augmentation: RICH_AUG, positiveWeight: 2 }),
  compactWith({ augmentation: RICH_AUG, dropout: 0.2 }),
  compactWith({ augmentation: { ...RICH_AUG, amplitudeScale: 0.4, timeShift: 250 } }),
  compactWith({
    conv: { filters: 4, kernel: 85, stride: 32 },
    dense: [16],
    augmentation: RICH_AUG,
  }),
  compactWith({ augmentation: { ...RICH_AUG, noiseStd: 0.05 }, batchSize: 32, learningRate: 2e-3 }),
  // Other first layers and heads.
  compactWith({ conv: { filters: 4, kernel: 85, stride: 32 }, dense: [16], epochs: 60 }),
  compactWith({ conv: { filters: 4, kernel: 65, stride: 24 }, pool: 2, dense: [20, 10] }),
  compactWith({
    conv: { filters: 5, kernel: 85, stride: 40 },
    dense: [16, 8],
    augmentation: RICH_AUG,
  }),
  compactWith({ epochs: 60, learningRate: 2e-3, augmentation: RICH_AUG }),
  compactWith({ conv: { filters: 3, kernel: 101, stride: 32 }, dense: [24, 12] }),
  compactWith({
    conv: { filters: 6, kernel: 33, stride: 24 },
    pool: 2,
    conv2: { filters: 4, kernel: 3, stride: 1 },
    dense: [16],
  }),
];

/** The choices random sampling draws from, one list per field. */
export const SPACE = {
  filters: [2, 3, 4, 5, 6, 8],
  kernel: [33, 49, 65, 85, 101, 129],
  stride: [16, 24, 32, 40, 48],
  pool: [1, 1, 2],
  conv2: [null, null, null, { filters: 4, kernel: 3, stride: 1 }, {
    filters: 6,
    kernel: 3,
    stride: 2,
  }],
  gru: [0, 0, 0, 0, 0, 4],
  dense: [[20, 10], [16], [24], [32], [16, 8], [24, 12], [32, 16], [12]],
  clip: [null, null, 1],
  learningRate: [2e-3, 3e-3, 5e-3],
  epochs: [40, 60],
  batchSize: [32, 64, 128],
  signFlip: [true, true, false],
  noiseStd: [0, 0.02, 0.05],
  amplitudeScale: [0, 0.2],
  timeShift: [0, 64],
  calib: ["max", "kld"] as const,
  perChannel: [true, false],
} as const;

/** Default cap on estimated MACs: about 63k instructions at the ~3.8 per MAC measured for compact. */
export const DEFAULT_MAX_MACS = 16_500;

/**
 * `count` candidates: the hand-picked SEEDS first, then seeded random draws from SPACE whose
 * estimated MACs are ≤ `maxMacs`, without duplicates. Same seed → same list.
 */
export function sampleCandidates(
  count: number,
  seed: number,
  maxMacs = DEFAULT_MAX_MACS,
): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const push = (c: Candidate) => {
    const id = candidateId(c);
    if (seen.has(id) || out.length >= count) return;
    seen.add(id);
    out.push(c);
  };
  SEEDS.forEach((c) => push(structuredClone(c)));
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  for (let tries = 0; out.length < count && tries < 100_000; tries++) {
    const c: Candidate = {
      conv: {
        filters: pick(SPACE.filters),
        kernel: pick(SPACE.kernel),
        stride: pick(SPACE.stride),
      },
      pool: pick(SPACE.pool),
      conv2: structuredClone(pick(SPACE.conv2)),
      gru: pick(SPACE.gru),
      dense: [...pick(SPACE.dense)],
      clip: pick(SPACE.clip),
      learningRate: pick(SPACE.learningRate),
      epochs: pick(SPACE.epochs),
      batchSize: pick(SPACE.batchSize),
      patience: 10,
      augmentation: {
        signFlip: pick(SPACE.signFlip),
        noiseStd: pick(SPACE.noiseStd),
        amplitudeScale: pick(SPACE.amplitudeScale),
        timeShift: pick(SPACE.timeShift),
      },
      calib: pick(SPACE.calib),
      perChannel: pick(SPACE.perChannel),
    };
    if (c.conv.stride > c.conv.kernel) continue;
    if (estimateMacs(c) <= maxMacs) push(c);
  }
  return out;
}

/** A one-line description of a candidate's architecture, e.g. "c3k85s32 → d20,10". */
export function describeArch(c: Candidate): string {
  const parts = [`c${c.conv.filters}k${c.conv.kernel}s${c.conv.stride}`];
  if (c.pool > 1) parts.push(`p${c.pool}`);
  if (c.conv2) parts.push(`c${c.conv2.filters}k${c.conv2.kernel}s${c.conv2.stride}`);
  if (c.conv2 && (c.pool2 ?? 1) > 1) parts.push(`p${c.pool2}`);
  if (c.conv2 && c.conv3) parts.push(`c${c.conv3.filters}k${c.conv3.kernel}s${c.conv3.stride}`);
  if (c.gru > 0) parts.push(`gru${c.gru}`);
  if (c.dense.length) parts.push(`d${c.dense.join(",")}`);
  return parts.join(" → ");
}

/** A one-line description of a candidate's training and quantization settings. */
export function describeTraining(c: Candidate): string {
  const a = c.augmentation;
  const aug = [
    a.signFlip ? "flip" : "",
    a.noiseStd ? `noise${a.noiseStd}` : "",
    a.amplitudeScale ? `scale${a.amplitudeScale}` : "",
    a.timeShift ? `shift${a.timeShift}` : "",
    a.timeStretch ? `stretch${a.timeStretch}` : "",
    a.nonVaSpeedup ? `speedup${a.nonVaSpeedup}` : "",
  ].filter(Boolean).join("+") || "no-aug";
  return [
    `lr${c.learningRate}`,
    `e${c.epochs}`,
    `b${c.batchSize}`,
    aug,
    c.clip === null ? "" : `clip${c.clip}`,
    c.peakNormalize ? "peak-norm" : "",
    c.positiveWeight === undefined ? "" : `w${c.positiveWeight}`,
    c.dropout ? `drop${c.dropout}` : "",
    c.learningRateSchedule === "cosine" ? "cosine" : "",
    c.keep === "average" ? `avg${c.averageEpochs ?? 1}` : "",
    c.rateGate ? "rate-gate" : "",
    c.fastZone ? "fast-zone" : "",
    c.belowGate ? "below-gate" : "",
    c.trainMinRateBpm === undefined ? "" : `train≥${c.trainMinRateBpm}bpm`,
    c.rhythmRepeat === undefined
      ? ""
      : `repeat ${
        Object.entries(c.rhythmRepeat).map(([rhythm, count]) => `${rhythm}×${count}`).join(",")
      }`,
    c.blockBalance === undefined ? "" : `block-balance${c.blockBalance}`,
    c.rhythmHead === undefined ? "" : `rhythm-head@${c.rhythmHead.layer}×${c.rhythmHead.weight}`,
    `${c.calib}/${c.perChannel ? "per-channel" : "per-tensor"}`,
  ].filter(Boolean).join(" ");
}
