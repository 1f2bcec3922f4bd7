/**
 * Small signal statistics for looking at segments: amplitude, power spectrum, histogram, and
 * the shift between two overlapping segments. Plain reference code, not tuned.
 *
 * @module
 */

/** Sampling rate of the IEGM segments, in Hz. */
export const SAMPLE_RATE_HZ = 250;

/** max(x) − min(x). */
export function peakToPeak(x: ArrayLike<number>): number {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  return max - min;
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A one-sided power spectral density estimate. */
export interface PowerSpectrum {
  /** [bins] Hz, from 0 to the Nyquist frequency. */
  frequencies: Float64Array;
  /** [bins] power per Hz (signal units² / Hz). */
  power: Float64Array;
}

/**
 * Welch's power spectral density estimate of `signals` (all of one length), averaged over the
 * signals: each is cut into windows of `windowLength` samples (a power of two) overlapping by
 * half, each window is mean-removed, Hann-weighted and transformed; the periodograms are
 * averaged. One-sided, scaled so that summing power × bin width gives the mean-square value.
 *
 * @example A 25 Hz sine peaks at 25 Hz
 * ```ts
 * import { welchSpectrum } from "./signal.ts";
 * const x = Float32Array.from({ length: 1250 }, (_, i) => Math.sin(2 * Math.PI * 25 * i / 250));
 * const { frequencies, power } = welchSpectrum([x], 250, 256);
 * const peak = frequencies[power.indexOf(Math.max(...power))];
 * if (Math.abs(peak - 25) > 1) throw new Error(`peak at ${peak} Hz`);
 * ```
 */
export function welchSpectrum(
  signals: Iterable<ArrayLike<number>>,
  sampleRate: number,
  windowLength = 256,
): PowerSpectrum {
  if (windowLength < 2 || (windowLength & (windowLength - 1)) !== 0) {
    throw new RangeError(`Window length must be a power of two, got ${windowLength}`);
  }
  const bins = windowLength / 2 + 1;
  const hann = Float64Array.from(
    { length: windowLength },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / windowLength),
  );
  const windowPower = hann.reduce((sum, w) => sum + w * w, 0);
  const power = new Float64Array(bins);
  const re = new Float64Array(windowLength);
  const im = new Float64Array(windowLength);
  let windows = 0;
  for (const signal of signals) {
    if (signal.length < windowLength) {
      throw new RangeError(`Signal of ${signal.length} samples is shorter than one window`);
    }
    for (let start = 0; start + windowLength <= signal.length; start += windowLength / 2) {
      let mean = 0;
      for (let i = 0; i < windowLength; i++) mean += signal[start + i];
      mean /= windowLength;
      for (let i = 0; i < windowLength; i++) {
        re[i] = (signal[start + i] - mean) * hann[i];
        im[i] = 0;
      }
      fftInPlace(re, im);
      for (let k = 0; k < bins; k++) {
        // One-sided: every bin but DC and Nyquist stands for its negative twin too.
        const twice = k === 0 || k === windowLength / 2 ? 1 : 2;
        power[k] += (twice * (re[k] * re[k] + im[k] * im[k])) / (sampleRate * windowPower);
      }
      windows++;
    }
  }
  if (windows === 0) throw new RangeError("No signal to estimate a spectrum from");
  for (let k = 0; k < bins; k++) power[k] /= windows;
  const frequencies = Float64Array.from(
    { length: bins },
    (_, k) => (k * sampleRate) / windowLength,
  );
  return { frequencies, power };
}

/** Radix-2 decimation-in-time FFT of (re, im), in place; length a power of two. */
function fftInPlace(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const angle = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = Math.cos(angle * k), wi = Math.sin(angle * k);
        const a = start + k, b = a + size / 2;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** Counts of `values` in `bins` equal bins over [min, max]; values outside are clamped in. */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  min: number,
  max: number,
): { centers: Float64Array; counts: Float64Array } {
  if (!(max > min) || !Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`Histogram needs bins ≥ 1 and max > min, got ${bins}, [${min}, ${max}]`);
  }
  const width = (max - min) / bins;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const bin = Math.floor((values[i] - min) / width);
    counts[Math.min(bins - 1, Math.max(0, bin))]++;
  }
  const centers = Float64Array.from({ length: bins }, (_, b) => min + (b + 0.5) * width);
  return { centers, counts };
}

/** How segment `next` continues segment `previous`. */
export interface SegmentShift {
  /** Samples by which `next` starts after `previous` (0 ≤ shift ≤ maxShift). */
  shift: number;
  /** Largest |previous[shift + t] − next[t]| over the shared samples: 0 for an exact overlap. */
  maxAbsDifference: number;
  /** Samples the two segments share at that shift. */
  shared: number;
}

/**
 * The shift at which `next` best continues `previous` — the one minimising the largest sample
 * difference over their common part — searched over 1..maxShift.
 *
 * @example
 * ```ts
 * import { segmentShift } from "./signal.ts";
 * const long = Float32Array.from({ length: 1300 }, (_, i) => Math.sin(i / 7));
 * const found = segmentShift(long.subarray(0, 1250), long.subarray(50, 1300), 100);
 * if (found.shift !== 50 || found.maxAbsDifference !== 0) throw new Error(JSON.stringify(found));
 * ```
 */
export function segmentShift(
  previous: ArrayLike<number>,
  next: ArrayLike<number>,
  maxShift: number,
): SegmentShift {
  let best: SegmentShift = { shift: 0, maxAbsDifference: Infinity, shared: 0 };
  for (let shift = 1; shift <= maxShift && shift < previous.length; shift++) {
    const shared = Math.min(previous.length - shift, next.length);
    let worst = 0;
    for (let t = 0; t < shared && worst < best.maxAbsDifference; t++) {
      worst = Math.max(worst, Math.abs(previous[shift + t] - next[t]));
    }
    if (worst < best.maxAbsDifference) best = { shift, maxAbsDifference: worst, shared };
  }
  return best;
}
