/**
 * One candidate, measured as the contest would score it, on validation folds only:
 *
 * 1. For each fold asked for: train on the other folds' subjects (lib/train's train(), the
 *    epoch kept by that fold's validation Fβ), convert to the float IR, quantize with
 *    calibration on that fold's training subjects only, plan memory, and run the int8
 *    interpreter on the held-out subjects. Each fold's int8 outputs are cached in
 *    `<dir>/fold-<f>.json`, so a later stage with more folds (successive halving) trains only
 *    the folds it lacks.
 * 2. Pool the out-of-fold int8 outputs, choose one threshold on the pooled predictions (the
 *    grid of lib/train) — with the candidate's `rateGate`, jointly with the rate gate (none or
 *    one of RATE_GATE_GRID, each fold's gate read from its own int8 inputs) and, with its
 *    `fastZone` and `belowGate`, a fast zone and a below-gate threshold — and compute int8
 *    Fβ pooled and per fold (mean ± sd), the correct share per rhythm, Fβ per subject and the
 *    decisions per rate zone (lib/evaluate).
 * 3. Generate C for the IR of the first evaluated fold (the pooled decision) and measure
 *    it with lib/firmware: exact Cortex-M4 instructions of one inference and the image's flash
 *    when the toolchain and QEMU are installed (host agreement only otherwise); latency
 *    estimate and contest score.
 */
import { join } from "node:path";
import { setupBackend } from "../backend/mod.ts";
import { type Dataset, foldSplit, segment, subset, twiceMedianBeatInterval } from "../data/mod.ts";
import { type ClinicalEvaluation, evaluateClasses, predictInt8 } from "../evaluate/mod.ts";
import { firstSegments, measureWhereAvailable, quantizeDataset } from "../firmware/mod.ts";
import { decisionScore, gateOpen, predictClass, quantizeInput, rateZone } from "../interp/mod.ts";
import {
  convertModel,
  type FastZone,
  loadIR,
  type ModelIR,
  saveIR,
  validateIR,
} from "../ir/mod.ts";
import { writeJsonAtomic } from "../io/atomic.ts";
import { type BinaryMetrics, binaryMetrics, contestScore } from "../metrics/mod.ts";
import { applyPlan, planMemory } from "../plan/mod.ts";
import { evenlySpaced, gatherSamples, quantize, segmentsOfSubjects } from "../quant/mod.ts";
import { countMacs, countParams } from "../report/mod.ts";
import {
  chooseThreshold,
  foldConfig,
  meanSd,
  type ProgressReporter,
  quietProgress,
  train,
  withEpochs,
} from "../train/mod.ts";
import {
  BELOW_GATE_THRESHOLDS,
  type Candidate,
  candidateHyper,
  candidateId,
  candidateQuant,
  candidateSpec,
  FAST_ZONE_GRID,
  FAST_ZONE_THRESHOLDS,
  RATE_GATE_GRID,
} from "./space.ts";

/** Options of {@linkcode evaluateCandidate}. */
export interface EvaluateCandidateOptions {
  /** Subject indices per fold (subjectFolds over all of `dataset`'s subjects). */
  folds: number[][];
  /** The folds to hold out in turn (all of them for a full CV; fewer for screening). */
  foldsToRun: number[];
  /** Training seed. */
  seed: number;
  /** Overrides the candidate's epochs (quick mode); undefined = the candidate's. */
  epochs?: number;
  /**
   * Train on every n-th segment of the training subjects (1 = all). Consecutive segments share
   * 1,200 of their 1,250 samples, so a stride of a few keeps nearly all the signal at a
   * fraction of the cost; validation always uses every held-out segment.
   */
  trainStride: number;
  /** Calibration segments per fold, evenly spaced over its training subjects. */
  calibrationSegments: number;
  /** Where fold caches, IRs and the firmware build go. */
  dir: string;
  /** Measure the C firmware (false: accuracy only). */
  firmware: boolean;
  /** Segments checked C ≡ TypeScript on the host; the M4 runs the first 2 of them. */
  firmwareSegments: number;
  /** The data path recorded in the training configs. */
  data: string;
  progress?: (fold: number) => ProgressReporter;
}

/** What the search records about one candidate at one stage. */
export interface CandidateResult {
  id: string;
  /** Folds held out in turn, and their count in the K-fold split. */
  folds: number[];
  k: number;
  seed: number;
  epochs: number;
  /** Every n-th training segment was used (see EvaluateCandidateOptions.trainStride). */
  train_stride: number;
  /** One threshold for all folds, chosen on the pooled out-of-fold int8 outputs. */
  threshold: number;
  /** The rate gate chosen with it (bpm; null = none); absent in rows from before it. */
  rate_gate_bpm?: number | null;
  /** The fast zone chosen with them (null = none); absent in rows from before it. */
  fast_zone?: FastZone | null;
  /** The below-gate threshold chosen with them (null = none); absent in rows from before it. */
  below_gate_threshold?: number | null;
  /**
   * With the candidate's `rateGate`: the pooled Fβ of the gate alone (every segment with an open
   * gate called VA, the best gate of the grid), the baseline the network has to beat.
   */
  fbeta_rate_only?: number;
  /** int8 metrics of the pooled out-of-fold predictions at that threshold. */
  fbeta_int8: number;
  precision_int8: number;
  recall_int8: number;
  accuracy_int8: number;
  /** Per fold Fβ at the pooled threshold: values, mean and sample sd. */
  fbeta_int8_folds: number[];
  fbeta_int8_mean: number;
  fbeta_int8_sd: number;
  /** Float (tfjs) pooled Fβ at its own pooled threshold, for the quantization loss. */
  fbeta_float: number;
  /** Best epoch of each fold. */
  best_epochs: number[];
  /** Clinical view on the validation folds (pooled out-of-fold int8 decisions). */
  recall_by_rhythm: Record<string, number>;
  fbeta_by_subject: Record<string, number | null>;
  /** Each rhythm's decisions per estimated rate zone; absent in rows from before it. */
  correct_by_rate_zone?: ClinicalEvaluation["correctByRateZone"];
  macs: number;
  params: number;
  ram_bytes: number;
  /** The fold whose IR was compiled and measured. */
  firmware_fold: number | null;
  target: "m4" | "host" | null;
  agree_with_ts: boolean | null;
  instructions: number | null;
  flash_bytes: number | null;
  latency_ms: number | null;
  /** Contest score estimate: 100·Fβ(int8, pooled) + 20·Ln + 20·Mn; null without M4 figures. */
  score: number | null;
  seconds: number;
}

/** A fold's cached outcome (fold-<f>.json). */
interface FoldOutcome {
  fold: number;
  indices: number[];
  labels: number[];
  /** Raw int8 outputs of the held-out segments (probability = output / 128). */
  outputs: number[];
  floatScores: number[];
  bestEpoch: number;
  trainStride: number;
  config: unknown;
}

/** Trains, quantizes and measures `candidate` (see module doc). */
export async function evaluateCandidate(
  dataset: Dataset,
  candidate: Candidate,
  options: EvaluateCandidateOptions,
): Promise<CandidateResult> {
  const started = performance.now();
  const id = candidateId(candidate);
  const spec = candidateSpec(candidate);
  const defaults = candidateHyper(candidate);
  const hyper = options.epochs === undefined ? defaults : withEpochs(defaults, options.epochs);
  const backend = await setupBackend("wasm");
  const job = {
    spec,
    hyper,
    seed: options.seed,
    folds: options.folds,
    data: options.data,
    backend,
  };
  await Deno.mkdir(options.dir, { recursive: true });
  const outcomes: FoldOutcome[] = [];
  for (const fold of options.foldsToRun) {
    const config = foldConfig(dataset, job, fold);
    const cachePath = join(options.dir, `fold-${fold}.json`);
    const cached = await readJson<FoldOutcome>(cachePath);
    const stride = options.trainStride;
    if (
      cached && cached.trainStride === stride &&
      JSON.stringify(cached.config) === JSON.stringify(config)
    ) {
      outcomes.push(cached);
      continue;
    }
    const whole = foldSplit(dataset, options.folds, fold);
    const split = {
      train: whole.train.filter((_, j) => j % stride === 0),
      validation: whole.validation,
    };
    const progress = options.progress?.(fold) ?? quietProgress;
    const result = train(dataset, split, spec, config, progress);
    let int8IR: ModelIR;
    try {
      const floatIR = convertModel(result.model, spec, { threshold: result.metrics.threshold });
      const calibration = gatherSamples(
        dataset,
        evenlySpaced(
          segmentsOfSubjects(dataset, config.trainSubjects),
          options.calibrationSegments,
        ),
      );
      const q = quantize(floatIR, calibration, candidateQuant(candidate));
      int8IR = validateIR(applyPlan(q, planMemory(q)));
    } finally {
      result.model.dispose();
    }
    const indices = Array.from(split.validation);
    const { outputs } = predictInt8(int8IR, subset(dataset, indices));
    const outcome: FoldOutcome = {
      fold,
      indices,
      labels: indices.map((i) => dataset.labels[i]),
      outputs: Array.from(outputs),
      floatScores: Array.from(result.validation.scores),
      bestEpoch: result.metrics.bestEpoch,
      trainStride: stride,
      config,
    };
    await saveIR(join(options.dir, `fold-${fold}.int8.ir.json`), int8IR);
    await writeJsonAtomic(cachePath, outcome);
    outcomes.push(outcome);
  }

  // Pooled out-of-fold decisions at one threshold (and rate gate).
  const labels = outcomes.flatMap((o) => o.labels);
  const intervals = candidate.rateGate
    ? await Promise.all(outcomes.map((o) => twiceIntervalsOf(dataset, o, options.dir)))
    : outcomes.map((o) => o.outputs.map(() => null));
  const decision = chooseDecision(
    labels,
    outcomes.flatMap((o) => o.outputs),
    intervals.flat(),
    candidate.rateGate ? RATE_GATE_GRID : [],
    {
      fastZones: candidate.rateGate === true && candidate.fastZone === true,
      belowGate: candidate.rateGate === true && candidate.belowGate === true,
    },
  );
  const { threshold, rateGateBpm, fastZone, belowGateThreshold } = decision;
  const classesOf = (o: FoldOutcome, f: number) =>
    o.outputs.map((v, j) => predictClass(decision, v, rateZone(decision, intervals[f][j])));
  const classes = outcomes.flatMap(classesOf);
  const pooled = binaryMetrics(labels, classes, 1);
  const perFold = outcomes.map((o, f) => binaryMetrics(o.labels, classesOf(o, f), 1).fbeta);
  const { mean, sd } = meanSd(perFold);
  const floatPooled = chooseThreshold(labels, outcomes.flatMap((o) => o.floatScores)).metrics;
  const clinical = evaluateClasses(subset(dataset, outcomes.flatMap((o) => o.indices)), classes);

  // The firmware of the first evaluated fold's model, at the pooled threshold.
  const firmwareFold = outcomes[0].fold;
  const ir: ModelIR = {
    ...(await loadIR(join(options.dir, `fold-${firmwareFold}.int8.ir.json`))),
    threshold,
    ...(rateGateBpm === null ? {} : { rateGateBpm }),
    ...(fastZone === null ? {} : { fastZone }),
    ...(belowGateThreshold === null ? {} : { belowGateThreshold }),
  };
  await saveIR(join(options.dir, "model.int8.ir.json"), ir);
  const firmware = options.firmware
    ? await measureWhereAvailable(ir, {
      segments: firstSegments(
        quantizeDataset(ir, subset(dataset, evenlySpaced(outcomes[0].indices, 64))),
        options.firmwareSegments,
      ),
      m4Segments: 2,
      optimize: "-Os",
      kernels: "m4",
      buildDir: join(options.dir, "build"),
    })
    : null;
  const m4 = firmware?.m4;
  return {
    id,
    folds: outcomes.map((o) => o.fold),
    k: options.folds.length,
    seed: options.seed,
    epochs: hyper.epochs,
    train_stride: options.trainStride,
    threshold,
    rate_gate_bpm: rateGateBpm,
    ...(candidate.fastZone ? { fast_zone: fastZone } : {}),
    ...(candidate.belowGate ? { below_gate_threshold: belowGateThreshold } : {}),
    ...(candidate.rateGate ? { fbeta_rate_only: rateOnlyFbeta(labels, intervals.flat()) } : {}),
    fbeta_int8: pooled.fbeta,
    precision_int8: pooled.precision,
    recall_int8: pooled.recall,
    accuracy_int8: pooled.accuracy,
    fbeta_int8_folds: perFold,
    fbeta_int8_mean: mean,
    fbeta_int8_sd: sd,
    fbeta_float: floatPooled.fbeta,
    best_epochs: outcomes.map((o) => o.bestEpoch),
    recall_by_rhythm: clinical.recallByRhythm,
    fbeta_by_subject: clinical.fbetaBySubject,
    correct_by_rate_zone: clinical.correctByRateZone,
    macs: countMacs(ir).total,
    params: countParams(ir).total,
    ram_bytes: planMemory(ir).totalBytes,
    firmware_fold: firmware ? firmwareFold : null,
    target: firmware ? (m4 ? "m4" : "host") : null,
    agree_with_ts: firmware ? firmware.agreeWithTs : null,
    instructions: m4?.instructions ?? null,
    flash_bytes: m4?.size.flash ?? null,
    latency_ms: m4?.latencyMs ?? null,
    score: m4 ? contestScore(pooled.fbeta, m4.latencyMs, m4.size.flash) : null,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The rate estimate (twice the median beat interval, lib/data/rate.ts) of each held-out segment
 * of a fold, on the int8 input of that fold's own IR: what its gate would read on the device.
 */
async function twiceIntervalsOf(
  dataset: Dataset,
  outcome: FoldOutcome,
  dir: string,
): Promise<(number | null)[]> {
  const ir = await loadIR(join(dir, `fold-${outcome.fold}.int8.ir.json`));
  return outcome.indices.map((i) =>
    twiceMedianBeatInterval(quantizeInput(ir, segment(dataset, i)))
  );
}

/** The decision chosen on the pooled out-of-fold outputs. */
export interface ChosenDecision {
  threshold: number;
  rateGateBpm: number | null;
  fastZone: FastZone | null;
  belowGateThreshold: number | null;
}

/** Which parts of the decision {@linkcode chooseDecision} searches besides threshold and gate. */
export interface DecisionChoices {
  /** A fast zone: a rate of FAST_ZONE_GRID above the gate with one of FAST_ZONE_THRESHOLDS. */
  fastZones?: boolean;
  /** A threshold below the gate, one of BELOW_GATE_THRESHOLDS. */
  belowGate?: boolean;
}

/**
 * The threshold (lib/train's grid), rate gate (none or one of `gates`) and, as `choices` allow,
 * fast zone and below-gate threshold (each none or one of its grid) with the best pooled Fβ of
 * the raw int8 `outputs`, each segment's rate read from `intervals`. Ties keep the earlier
 * choice: no gate before a gate, a lower gate before a higher one, none before a fast zone or a
 * below-gate threshold.
 */
export function chooseDecision(
  labels: number[],
  outputs: number[],
  intervals: (number | null)[],
  gates: readonly number[],
  choices: DecisionChoices = {},
): ChosenDecision {
  let best: ChosenDecision & { fbeta: number } = {
    fbeta: -1,
    threshold: 0.5,
    rateGateBpm: null,
    fastZone: null,
    belowGateThreshold: null,
  };
  for (const gate of [null, ...gates]) {
    const zones: (FastZone | null)[] = [null];
    const belows: (number | null)[] = [null];
    if (gate !== null && choices.fastZones) {
      for (const bpm of FAST_ZONE_GRID.filter((b) => b > gate)) {
        for (const threshold of FAST_ZONE_THRESHOLDS) zones.push({ bpm, threshold });
      }
    }
    if (gate !== null && choices.belowGate) belows.push(...BELOW_GATE_THRESHOLDS);
    for (const belowGateThreshold of belows) {
      for (const fastZone of zones) {
        // The gate and the zones decide some segments whatever the threshold (decisionScore).
        const decision = { rateGateBpm: gate, fastZone, belowGateThreshold };
        const scores = outputs.map((v, i) =>
          decisionScore(decision, v / 128, rateZone(decision, intervals[i]))
        );
        const { threshold, metrics } = chooseThreshold(labels, scores);
        if (metrics.fbeta > best.fbeta) best = { fbeta: metrics.fbeta, threshold, ...decision };
      }
    }
  }
  const { threshold, rateGateBpm, fastZone, belowGateThreshold } = best;
  return { threshold, rateGateBpm, fastZone, belowGateThreshold };
}

/** Every segment's out-of-fold output of a candidate, in fold order (see pooledOutputs). */
export interface PooledOutputs {
  indices: number[];
  labels: number[];
  /** Raw int8 outputs, or with several fold draws their mean (not an integer then). */
  outputs: number[];
  /** Each segment's twice-median beat interval, read from its fold's own int8 input. */
  intervals: (number | null)[];
}

/**
 * The out-of-fold int8 outputs cached in `dirs` (candidate folders, folds 0 … `folds` − 1 each).
 * With several folders (the same candidate's full CV on other fold draws, which hold other
 * subjects out together) each segment gets the mean of its outputs: an ensemble of models none of
 * which saw the segment's subject. Rates come from the first folder's folds. Throws naming the
 * file when a fold is missing, and the folder when its segments differ from the first's.
 */
export async function pooledOutputs(
  dataset: Dataset,
  dirs: readonly string[],
  folds: number,
): Promise<PooledOutputs> {
  const pooled: PooledOutputs = { indices: [], labels: [], outputs: [], intervals: [] };
  const position = new Map<number, number>();
  for (const [d, dir] of dirs.entries()) {
    let seen = 0;
    for (let fold = 0; fold < folds; fold++) {
      const path = join(dir, `fold-${fold}.json`);
      const outcome = await readJson<FoldOutcome>(path);
      if (!outcome) {
        throw new Error(`${path}: missing or not JSON (run the candidate's full CV first)`);
      }
      if (d === 0) {
        outcome.indices.forEach((i, j) => position.set(i, pooled.indices.length + j));
        pooled.indices.push(...outcome.indices);
        pooled.labels.push(...outcome.labels);
        pooled.outputs.push(...outcome.outputs.map((v) => v / dirs.length));
        pooled.intervals.push(...(await twiceIntervalsOf(dataset, outcome, dir)));
        continue;
      }
      outcome.indices.forEach((i, j) => {
        const at = position.get(i);
        if (at === undefined) throw new Error(`${dir}: segment ${i} is not in ${dirs[0]}`);
        pooled.outputs[at] += outcome.outputs[j] / dirs.length;
      });
      seen += outcome.indices.length;
    }
    if (d > 0 && seen !== pooled.indices.length) {
      throw new Error(`${dir}: ${seen} segments, ${dirs[0]} has ${pooled.indices.length}`);
    }
  }
  return pooled;
}

/**
 * The pooled metrics of the out-of-fold int8 outputs cached in `dirs` (see
 * {@linkcode pooledOutputs}) at a fixed `decision`: how a decision chosen once (a shipped arch's)
 * does on every fold draw, where the search's own row has the decision each draw chose for itself.
 */
export async function pooledAtDecision(
  dataset: Dataset,
  dirs: string | readonly string[],
  folds: number,
  decision: Pick<ModelIR, "threshold" | "rateGateBpm" | "fastZone" | "belowGateThreshold">,
): Promise<BinaryMetrics & { recallByRhythm: Record<string, number> }> {
  const pooled = await pooledOutputs(dataset, typeof dirs === "string" ? [dirs] : dirs, folds);
  return metricsAt(dataset, pooled, decision);
}

/** The pooled metrics of `pooled` at `decision`, with each rhythm's share classified correctly. */
export function metricsAt(
  dataset: Dataset,
  pooled: PooledOutputs,
  decision: Pick<ModelIR, "threshold" | "rateGateBpm" | "fastZone" | "belowGateThreshold">,
): BinaryMetrics & { recallByRhythm: Record<string, number> } {
  const classes = pooledClasses(pooled, decision);
  const { recallByRhythm } = evaluateClasses(subset(dataset, pooled.indices), classes);
  return { ...binaryMetrics(pooled.labels, classes, 1), recallByRhythm };
}

/** The class (1 = VA) of each segment of `pooled` at `decision`, in its order. */
export function pooledClasses(
  pooled: PooledOutputs,
  decision: Pick<ModelIR, "threshold" | "rateGateBpm" | "fastZone" | "belowGateThreshold">,
): (0 | 1)[] {
  return pooled.outputs.map((v, j) =>
    predictClass(decision, v, rateZone(decision, pooled.intervals[j]))
  );
}

/** The pooled Fβ of the best gate of RATE_GATE_GRID alone, without the network. */
function rateOnlyFbeta(labels: number[], intervals: (number | null)[]): number {
  return Math.max(
    ...RATE_GATE_GRID.map((gate) =>
      binaryMetrics(labels, intervals.map((d) => (gateOpen(gate, d) ? 1 : 0)), 1).fbeta
    ),
  );
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return null;
  }
}
