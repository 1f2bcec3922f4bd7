/**
 * Repeating the segments of rare rhythms in every training epoch
 * (HyperParameters.rhythmRepeat). VT and SR make up 84 % of the data; the false alarms and
 * misses left come from the rare ones (SVT, AFt, VFb), which a plain epoch shows the network
 * a few hundred times against ten thousand. Each copy is augmented on its own, so repeats are
 * not identical.
 */
import { type Dataset, type Rhythm, RHYTHMS } from "../data/dataset.ts";

/** How many times each rhythm's segments appear per epoch; absent rhythms appear once. */
export type RhythmRepeat = Partial<Record<Rhythm, number>>;

/** The most copies a rhythm may have: beyond it one rhythm would crowd out the rest. */
export const MAX_RHYTHM_REPEAT = 16;

/**
 * `indices` with each segment of a rhythm named in `repeat` listed that many times (in place of
 * once); `indices` itself when `repeat` is undefined. Throws a RangeError for an unknown rhythm
 * or a count that is not an integer in 1…{@linkcode MAX_RHYTHM_REPEAT}.
 */
export function repeatRhythms(
  dataset: Dataset,
  indices: Int32Array,
  repeat: RhythmRepeat | undefined,
): Int32Array {
  if (repeat === undefined) return indices;
  checkRhythmRepeat(repeat);
  const copies = RHYTHMS.map((rhythm) => repeat[rhythm] ?? 1);
  const out: number[] = [];
  for (const i of indices) {
    for (let c = copies[dataset.rhythms[i]]; c > 0; c--) out.push(i);
  }
  return Int32Array.from(out);
}

/** Throws a RangeError naming the first bad entry of `repeat`. */
export function checkRhythmRepeat(repeat: RhythmRepeat): void {
  for (const [rhythm, count] of Object.entries(repeat)) {
    if (!(RHYTHMS as readonly string[]).includes(rhythm)) {
      throw new RangeError(`rhythmRepeat: unknown rhythm ${rhythm}; known: ${RHYTHMS.join(", ")}`);
    }
    if (!Number.isInteger(count) || count < 1 || count > MAX_RHYTHM_REPEAT) {
      throw new RangeError(
        `rhythmRepeat.${rhythm} must be an integer from 1 to ${MAX_RHYTHM_REPEAT}, got ${count}`,
      );
    }
  }
}
