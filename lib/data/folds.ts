/**
 * Subject-wise K-fold splits. Consecutive segments share 1,200 of 1,250 samples, so a split
 * that is not by subject leaks validation segments into training; and subjects differ in
 * their share of VA segments (from none to all), so folds are stratified by that share.
 *
 * @module
 */
import type { Dataset } from "./dataset.ts";
import { mulberry32 } from "../random/mulberry32.ts";

/**
 * Splits the subjects present in `dataset` into `k` folds, deterministic for a given `seed`
 * (any integer; taken modulo 2^32). Returns, for each fold, the subject indices (into
 * `dataset.subjectNames`) it holds, ascending. Every present subject is in exactly one fold,
 * and fold sizes differ by at most one subject.
 *
 * Stratification: subjects are shuffled (so ties break by seed), stably sorted by their share
 * of VA segments, then dealt out in blocks of `k` — each block, of subjects with similar
 * shares, to the folds in a freshly shuffled order. Each fold thus gets one subject from every
 * stratum of the VA-share distribution. Subjects differ a lot in size (tens to ~1,500
 * segments), so one such deal can still give folds of unequal size and VA share; the function
 * draws CANDIDATE_DEALS deals from the seed and keeps the one whose folds' VA and non-VA
 * segment counts are closest to equal (least squares).
 *
 * Throws a RangeError unless 2 ≤ k ≤ the number of subjects present.
 *
 * @example
 * ```ts
 * import { subjectFolds } from "./folds.ts";
 * const dataset = {
 *   size: 4, samples: new Float32Array(4 * 1250), labels: new Uint8Array([1, 0, 1, 0]),
 *   subjects: new Uint16Array([0, 1, 2, 3]), subjectNames: ["S01", "S02", "S03", "S04"],
 *   rhythms: new Uint8Array([5, 0, 5, 0]), files: ["a", "b", "c", "d"],
 * };
 * const folds = subjectFolds(dataset, 2, 7);
 * // Each fold gets one VA subject (0 or 2) and one non-VA subject (1 or 3).
 * if (!folds.every((fold) => fold.filter((s) => s % 2 === 0).length === 1)) throw new Error();
 * ```
 */
export function subjectFolds(dataset: Dataset, k: number, seed: number): number[][] {
  const segments = new Map<number, number>();
  const positives = new Map<number, number>();
  for (let i = 0; i < dataset.size; i++) {
    const subject = dataset.subjects[i];
    segments.set(subject, (segments.get(subject) ?? 0) + 1);
    positives.set(subject, (positives.get(subject) ?? 0) + dataset.labels[i]);
  }
  const present = [...segments.keys()].sort((a, b) => a - b);
  if (!Number.isInteger(k) || k < 2 || k > present.length) {
    throw new RangeError(`Fold count must be an integer in [2, ${present.length}], got ${k}`);
  }
  const random = mulberry32(seed);
  const share = (subject: number) => positives.get(subject)! / segments.get(subject)!;
  const totalPositives = present.reduce((sum, s) => sum + positives.get(s)!, 0);
  const totalNegatives = present.reduce((sum, s) => sum + segments.get(s)!, 0) - totalPositives;
  const imbalance = (folds: number[][]) =>
    folds.reduce((cost, fold) => {
      const pos = fold.reduce((sum, s) => sum + positives.get(s)!, 0);
      const neg = fold.reduce((sum, s) => sum + segments.get(s)!, 0) - pos;
      return cost + (pos - totalPositives / k) ** 2 + (neg - totalNegatives / k) ** 2;
    }, 0);
  let best: number[][] = [];
  let bestCost = Infinity;
  for (let candidate = 0; candidate < CANDIDATE_DEALS; candidate++) {
    const folds = dealStratified(present, share, k, random);
    const cost = imbalance(folds);
    if (cost < bestCost) [best, bestCost] = [folds, cost];
  }
  return best.map((fold) => fold.sort((a, b) => a - b));
}

/** Deals made by subjectFolds(); 256 take ~10 ms for 60 subjects. */
const CANDIDATE_DEALS = 256;

/** One stratified deal of `subjects` into `k` folds (see subjectFolds). */
function dealStratified(
  subjects: readonly number[],
  share: (subject: number) => number,
  k: number,
  random: () => number,
): number[][] {
  const order = shuffle(subjects, random).sort((a, b) => share(a) - share(b));
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (let start = 0; start < order.length; start += k) {
    const block = order.slice(start, start + k);
    const targets = shuffle([...folds.keys()], random);
    block.forEach((subject, j) => folds[targets[j]].push(subject));
  }
  return folds;
}

/**
 * Segment indices (ascending) for fold `i` of `folds`: `validation` holds the segments of the
 * subjects in `folds[i]`, `train` those of the subjects in every other fold. Throws a
 * RangeError when `i` is out of range or a subject is in two folds.
 */
export function foldSplit(
  dataset: Dataset,
  folds: number[][],
  i: number,
): { train: Int32Array; validation: Int32Array } {
  if (!Number.isInteger(i) || i < 0 || i >= folds.length) {
    throw new RangeError(`Fold index must be an integer in [0, ${folds.length - 1}], got ${i}`);
  }
  const foldOf = new Map<number, number>();
  folds.forEach((fold, f) =>
    fold.forEach((subject) => {
      const other = foldOf.get(subject);
      if (other !== undefined) {
        const name = dataset.subjectNames[subject] ?? `#${subject}`;
        throw new RangeError(`Subject ${name} is in folds ${other} and ${f}`);
      }
      foldOf.set(subject, f);
    })
  );
  const train: number[] = [];
  const validation: number[] = [];
  for (let s = 0; s < dataset.size; s++) {
    const fold = foldOf.get(dataset.subjects[s]);
    if (fold === i) validation.push(s);
    else if (fold !== undefined) train.push(s);
  }
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

/** Fisher–Yates shuffle of a copy of `items`. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
