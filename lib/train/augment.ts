/** Training-time augmentation of a batch of segments, drawn from a seeded generator. */
import type { Augmentation } from "./config.ts";
import type { Prng } from "./prng.ts";

/** True if `augmentation` changes anything. */
export function isAugmenting(augmentation: Augmentation): boolean {
  return augmentation.signFlip || augmentation.amplitudeScale > 0 ||
    augmentation.noiseStd > 0 || augmentation.timeShift > 0 ||
    (augmentation.timeStretch ?? 0) > 0 ||
    (augmentation.nonVaSpeedup ?? 0) > 1;
}

/**
 * Writes into `out` the circular signal `row` resampled by `factor` from `start`:
 * out[t] = row((start + t·factor) mod length), linearly interpolated. A factor above 1 plays
 * the segment faster (more beats per window, wrapping round its end), below 1 slower.
 */
export function stretchInto(
  out: Float32Array,
  row: Float32Array,
  factor: number,
  start: number,
): Float32Array {
  const length = row.length;
  for (let t = 0; t < length; t++) {
    const at = (start + t * factor) % length;
    const i = Math.floor(at);
    const frac = at - i;
    out[t] = row[i] + frac * (row[(i + 1) % length] - row[i]);
  }
  return out;
}

/**
 * Augments `batch` ([count × length], segment-major) in place. Per segment, in this order: a
 * time stretch (times a speed-up if the segment is non-VA), a circular time shift, a sign flip,
 * an amplitude factor, then additive Gaussian noise. `labels` (1 = VA, one per segment) are
 * needed only for the non-VA speed-up. The draws come from `rng` in a fixed order, so the same
 * generator state gives the same batch; a part switched off draws nothing (so adding the
 * stretch left every earlier configuration's batches unchanged).
 */
export function augmentBatch(
  batch: Float32Array,
  length: number,
  augmentation: Augmentation,
  rng: Prng,
  labels?: ArrayLike<number>,
): Float32Array {
  if (!isAugmenting(augmentation)) return batch;
  const count = batch.length / length;
  const rotated = augmentation.timeShift > 0 ? new Float32Array(length) : null;
  const logStretch = Math.log1p(augmentation.timeStretch ?? 0);
  const logSpeedup = Math.log(Math.max(1, augmentation.nonVaSpeedup ?? 1));
  if (logSpeedup > 0 && labels?.length !== count) {
    throw new RangeError(`The non-VA speed-up needs one label per segment (${count})`);
  }
  const stretched = logStretch > 0 || logSpeedup > 0 ? new Float32Array(length) : null;
  for (let s = 0; s < count; s++) {
    const row = batch.subarray(s * length, (s + 1) * length);
    const speedUp = logSpeedup > 0 && labels![s] === 0;
    if (logStretch > 0 || speedUp) {
      let logFactor = logStretch > 0 ? logStretch * (2 * rng.next() - 1) : 0;
      if (speedUp) logFactor += logSpeedup * rng.next();
      // A random start, so a slowed segment is not always its first part.
      row.set(stretchInto(stretched!, row, Math.exp(logFactor), rng.next() * length));
    }
    if (rotated) {
      const maxShift = Math.min(augmentation.timeShift, length - 1);
      const shift = rng.int(2 * maxShift + 1) - maxShift;
      // Rotation keeps every sample (the rhythm continues past the window's edge anyway).
      for (let t = 0; t < length; t++) rotated[t] = row[(t - shift + length) % length];
      row.set(rotated);
    }
    let gain = 1;
    if (augmentation.signFlip && rng.next() < 0.5) gain = -1;
    if (augmentation.amplitudeScale > 0) {
      gain *= 1 + augmentation.amplitudeScale * (2 * rng.next() - 1);
    }
    if (gain !== 1) { for (let t = 0; t < length; t++) row[t] *= gain; }
    if (augmentation.noiseStd > 0) {
      for (let t = 0; t < length; t++) row[t] += augmentation.noiseStd * rng.normal();
    }
  }
  return batch;
}
