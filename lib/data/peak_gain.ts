/**
 * Peak normalization (docs/int8-spec.md §3): each segment scaled by the power of two that brings
 * its largest |x| into [0.5, 1). An implant's sensing amplifier adjusts its gain to the signal
 * the same way; here it gives a quiet subject's segments as many int8 levels as a loud one's.
 * A power of two keeps the scaling exact in float32 and a plain shift of the input's dec in int8.
 */

/**
 * The exponent E with `max|x| = f · 2^E`, f ∈ [0.5, 1) (C's `frexpf`), over `x[from..to)`; 0
 * when every sample is zero. The segment is normalized by multiplying it with 2^−E.
 *
 * @example
 * ```ts
 * import { peakExponent } from "./peak_gain.ts";
 * if (peakExponent([0.2, -0.3]) !== -1) throw new Error(); // 0.3 = 0.6 · 2^−1
 * if (peakExponent([0.5]) !== 0) throw new Error(); // 0.5 = 0.5 · 2^0
 * if (peakExponent([1, -0.25]) !== 1) throw new Error(); // 1 = 0.5 · 2^1
 * ```
 */
export function peakExponent(x: ArrayLike<number>, from = 0, to = x.length): number {
  let peak = 0;
  for (let i = from; i < to; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (peak === 0) return 0;
  if (!Number.isFinite(peak)) throw new RangeError(`A sample is not finite: ${peak}`);
  // log2 is only a first guess (it may round across a power of two); the loops make it exact.
  let e = Math.floor(Math.log2(peak)) + 1;
  while (peak < 2 ** (e - 1)) e--;
  while (peak >= 2 ** e) e++;
  return e;
}

/**
 * Normalizes each `length`-sample segment of `samples` in place by its own
 * {@linkcode peakExponent}; returns `samples`.
 *
 * @example
 * ```ts
 * import { normalizePeaks } from "./peak_gain.ts";
 * const x = normalizePeaks(new Float32Array([0.2, -0.3, 3, 1]), 2);
 * if (x.join() !== [0.4, -0.6, 0.75, 0.25].map(Math.fround).join()) throw new Error();
 * ```
 */
export function normalizePeaks(samples: Float32Array, length: number): Float32Array {
  if (length <= 0 || samples.length % length !== 0) {
    throw new RangeError(`${samples.length} samples are not whole segments of ${length}`);
  }
  for (let from = 0; from < samples.length; from += length) {
    const gain = 2 ** -peakExponent(samples, from, from + length);
    for (let i = from; i < from + length; i++) samples[i] *= gain;
  }
  return samples;
}
