/**
 * Beat morphology: the median beat of a stretch of electrogram, and how closely one median beat
 * matches another. An implantable defibrillator tells supraventricular from ventricular
 * tachycardia this way, against a template of the patient's own sinus beats; lib/search's
 * template study measures what that would add to a segment-only model on this data.
 *
 * Beats are found as the rate estimate finds them (lib/data/rate.ts), so a beat is aligned on its
 * largest magnitude.
 */
import { beatPositions } from "./rate.ts";
import { median, peakToPeak } from "./signal.ts";

/** Samples kept before and after a beat's peak: 60 ms and 100 ms at 250 Hz. */
export const BEAT_WINDOW = { before: 15, after: 25 } as const;

/** Largest shift, in samples, tried when matching two beats (16 ms either way). */
export const MATCH_MAX_LAG = 4;

/**
 * The sample-by-sample median of every whole beat window (BEAT_WINDOW around a beat's peak) in
 * `segments`, or null when they hold fewer than two such beats. One segment gives its own median
 * beat; several give a template.
 */
export function medianBeat(segments: readonly ArrayLike<number>[]): Float64Array | null {
  const { before, after } = BEAT_WINDOW;
  const windows: number[][] = [];
  for (const samples of segments) {
    for (const t of beatPositions(samples)) {
      if (t - before < 0 || t + after > samples.length) continue;
      windows.push(Array.from({ length: before + after }, (_, k) => samples[t - before + k]));
    }
  }
  if (windows.length < 2) return null;
  return Float64Array.from({ length: before + after }, (_, k) => median(windows.map((w) => w[k])));
}

/**
 * How closely `beat` matches `template` (two median beats): the largest Pearson correlation over
 * shifts of up to MATCH_MAX_LAG samples, over the samples the two share. In [−1, 1]; 0 when either
 * is flat. Throws a RangeError when their lengths differ.
 */
export function beatMatch(beat: ArrayLike<number>, template: ArrayLike<number>): number {
  if (beat.length !== template.length) {
    throw new RangeError(`beat of ${beat.length} samples, template of ${template.length}`);
  }
  let best = -1;
  for (let lag = -MATCH_MAX_LAG; lag <= MATCH_MAX_LAG; lag++) {
    const from = Math.max(0, -lag);
    const to = Math.min(beat.length, template.length - lag);
    best = Math.max(best, correlation(beat, template, from, to, lag));
  }
  return best;
}

/** log2 of `beat`'s peak-to-peak amplitude over `template`'s: 0 for equal, 1 for twice as large. */
export function amplitudeLog2Ratio(beat: ArrayLike<number>, template: ArrayLike<number>): number {
  return Math.log2(peakToPeak(beat) / peakToPeak(template));
}

/** Pearson correlation of a[k] with b[k + lag] for k in [from, to); 0 when either is flat. */
function correlation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  from: number,
  to: number,
  lag: number,
): number {
  const n = to - from;
  let meanA = 0, meanB = 0;
  for (let k = from; k < to; k++) {
    meanA += a[k] / n;
    meanB += b[k + lag] / n;
  }
  let ab = 0, aa = 0, bb = 0;
  for (let k = from; k < to; k++) {
    const u = a[k] - meanA, v = b[k + lag] - meanB;
    ab += u * v;
    aa += u * u;
    bb += v * v;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
