/**
 * Training on the segments a rate gate leaves to the network (HyperParameters.trainMinRateBpm).
 * With a gate of G bpm in the decision (docs/int8-spec.md §14) the network only ever decides
 * segments at G bpm or faster, so slower ones teach it nothing it is asked; dropping them makes
 * it spend its few weights on telling fast VA from fast rhythms that are not VA.
 */
import { type Dataset, segment } from "../data/dataset.ts";
import { twiceMedianBeatInterval } from "../data/rate.ts";
import { gateOpen } from "../interp/io.ts";

/**
 * The segments of `indices` whose rate, estimated on the float samples, is at least
 * `minRateBpm` or cannot be estimated (the gate's rule, so nothing the gate passes is left
 * out); all of them when `minRateBpm` is undefined. Throws a RangeError for a rate that is not
 * an integer in 1…300, or when no segment is left.
 */
export function segmentsAtRate(
  dataset: Dataset,
  indices: ArrayLike<number>,
  minRateBpm: number | undefined,
): Int32Array {
  if (minRateBpm === undefined) return Int32Array.from(indices);
  if (!Number.isInteger(minRateBpm) || minRateBpm < 1 || minRateBpm > 300) {
    throw new RangeError(`trainMinRateBpm must be an integer from 1 to 300, got ${minRateBpm}`);
  }
  const kept = Array.from(indices).filter((i) =>
    gateOpen(minRateBpm, twiceMedianBeatInterval(segment(dataset, i)))
  );
  if (kept.length === 0) {
    throw new RangeError(`No training segment has a rate of ${minRateBpm} bpm or more`);
  }
  return Int32Array.from(kept);
}
