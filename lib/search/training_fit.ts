/**
 * How a candidate's fold models classify the subjects they trained on, beside the subjects they
 * held out. A rhythm a model gets wrong only on new subjects is a question of generalizing across
 * patients; one it gets wrong even on the subjects it was trained on is one the model does not fit
 * (too small, too briefly trained, or a loss that does not ask for it).
 */
import { type Dataset, type Rhythm, RHYTHMS, segment } from "../data/mod.ts";
import { type Decision, predictClass, quantizeInput, rateZoneOf, runInt8 } from "../interp/mod.ts";
import type { ModelIR } from "../ir/mod.ts";

/** One subject's segments of one rhythm, classified by every fold's model. */
export interface FitBlock {
  subject: string;
  rhythm: Rhythm;
  segments: number;
  /** Share classified correctly by the model of the fold that held the subject out. */
  heldOut: number;
  /** Share classified correctly by the models that trained on the subject, over all of them. */
  trained: number;
  /** How many fold models trained on the subject. */
  trainedBy: number;
}

/** The decision a candidate's row chose, with its rate gate (what rateZoneOf reads). */
export type FitDecision = Decision & Pick<ModelIR, "rateGateBpm">;

/**
 * Every subject-and-rhythm block of `rhythms`, classified at `decision` by each fold's int8
 * model `irs[f]` (trained without the subjects of `folds[f]`): its share correct held out and in
 * training. Blocks sorted by subject, then rhythm name. Throws a RangeError when `irs` and `folds`
 * differ in length or a subject is in no fold or in several.
 */
export function trainingFit(
  dataset: Dataset,
  folds: readonly (readonly string[])[],
  irs: readonly ModelIR[],
  decision: FitDecision,
  rhythms: readonly Rhythm[] = RHYTHMS,
): FitBlock[] {
  if (irs.length !== folds.length) {
    throw new RangeError(`${irs.length} fold models for ${folds.length} folds`);
  }
  const foldOf = new Map<string, number>();
  folds.forEach((subjects, f) =>
    subjects.forEach((s) => {
      if (foldOf.has(s)) throw new RangeError(`subject ${s} is in folds ${foldOf.get(s)} and ${f}`);
      foldOf.set(s, f);
    })
  );
  const wanted = new Set(rhythms.map((r) => RHYTHMS.indexOf(r)));
  const tallies = new Map<string, { held: number; trained: number; segments: number }>();
  for (let i = 0; i < dataset.size; i++) {
    if (!wanted.has(dataset.rhythms[i])) continue;
    const subject = dataset.subjectNames[dataset.subjects[i]];
    const heldBy = foldOf.get(subject);
    if (heldBy === undefined) throw new RangeError(`subject ${subject} is in no fold`);
    const key = `${subject} ${RHYTHMS[dataset.rhythms[i]]}`;
    const tally = tallies.get(key) ?? { held: 0, trained: 0, segments: 0 };
    tally.segments++;
    irs.forEach((ir, f) => {
      const input = quantizeInput(ir, segment(dataset, i));
      const predicted = predictClass(
        decision,
        runInt8(ir, input).output,
        rateZoneOf(decision, input),
      );
      if (predicted !== dataset.labels[i]) return;
      if (f === heldBy) tally.held++;
      else tally.trained++;
    });
    tallies.set(key, tally);
  }
  return [...tallies.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]) => {
    const [subject, rhythm] = key.split(" ") as [string, Rhythm];
    const trainedBy = irs.length - 1;
    return {
      subject,
      rhythm,
      segments: t.segments,
      heldOut: t.held / t.segments,
      trained: trainedBy > 0 ? t.trained / (t.segments * trainedBy) : NaN,
      trainedBy,
    };
  });
}

/** One rhythm's shares over all its blocks, weighted by their segments. */
export interface FitRhythm {
  rhythm: Rhythm;
  segments: number;
  heldOut: number;
  trained: number;
}

/** The blocks of {@linkcode trainingFit} summed per rhythm, in the order of RHYTHMS. */
export function fitByRhythm(blocks: readonly FitBlock[]): FitRhythm[] {
  const sums = new Map<Rhythm, { segments: number; heldOut: number; trained: number }>();
  for (const b of blocks) {
    const s = sums.get(b.rhythm) ?? { segments: 0, heldOut: 0, trained: 0 };
    s.segments += b.segments;
    s.heldOut += b.heldOut * b.segments;
    s.trained += b.trained * b.segments;
    sums.set(b.rhythm, s);
  }
  return RHYTHMS.filter((r) => sums.has(r)).map((rhythm) => {
    const s = sums.get(rhythm)!;
    return {
      rhythm,
      segments: s.segments,
      heldOut: s.heldOut / s.segments,
      trained: s.trained / s.segments,
    };
  });
}
