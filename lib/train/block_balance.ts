/**
 * Balancing the subjects' recordings in training (HyperParameters.blockBalance). The training
 * segments come in blocks, one per subject and rhythm, of 8 to 908 segments; consecutive
 * segments overlap by 1,200 of 1,250 samples, so a long block is a few minutes of one patient
 * seen hundreds of times, and a network fits the few patients with the longest recordings. With
 * exponent a, each block's share of an epoch is proportional to n^a instead of its n segments
 * (a = 1: as is; a = 0: every block the same), which segments fill it redrawn every epoch; the
 * epoch keeps its length, so schedules and step counts do not change.
 */
import { type Dataset, RHYTHMS } from "../data/dataset.ts";
import type { Prng } from "./prng.ts";

/** Throws a RangeError unless `exponent` is a number in [0, 1]. */
export function checkBlockBalance(exponent: number): void {
  if (!(Number.isFinite(exponent) && exponent >= 0 && exponent <= 1)) {
    throw new RangeError(`blockBalance must be an exponent in [0, 1], got ${exponent}`);
  }
}

/**
 * One epoch's segments: as many as `indices` holds, each subject-and-rhythm block of `indices`
 * given a share proportional to its size to the power `exponent` (largest remainders round the
 * shares to whole segments). A block whose share exceeds its size appears whole as many times
 * as fit, the rest drawn at random without repeats, by `rng`. Blocks in order of subject, then
 * rhythm; the caller shuffles.
 */
export function balancedEpoch(
  dataset: Dataset,
  indices: ArrayLike<number>,
  exponent: number,
  rng: Prng,
): Int32Array {
  checkBlockBalance(exponent);
  const blocks = new Map<number, number[]>();
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const key = dataset.subjects[i] * RHYTHMS.length + dataset.rhythms[i];
    const block = blocks.get(key);
    if (block) block.push(i);
    else blocks.set(key, [i]);
  }
  const members = [...blocks.keys()].sort((a, b) => a - b).map((key) => blocks.get(key)!);
  const weights = members.map((block) => block.length ** exponent);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const shares = weights.map((w) => (indices.length * w) / total);
  const counts = largestRemainders(shares, indices.length);
  const out = new Int32Array(indices.length);
  let at = 0;
  members.forEach((block, b) => {
    let left = counts[b];
    for (; left >= block.length; left -= block.length) {
      out.set(block, at);
      at += block.length;
    }
    const drawn = rng.shuffle([...block]);
    out.set(drawn.slice(0, left), at);
    at += left;
  });
  return out;
}

/** Whole numbers summing to `sum`, each the floor of its share or one more (largest remainders). */
function largestRemainders(shares: readonly number[], sum: number): number[] {
  const counts = shares.map(Math.floor);
  const order = shares.map((_, b) => b)
    .sort((a, b) => (shares[b] - counts[b]) - (shares[a] - counts[a]) || a - b);
  let missing = sum - counts.reduce((s, c) => s + c, 0);
  for (const b of order) {
    if (missing <= 0) break;
    counts[b]++;
    missing--;
  }
  return counts;
}
