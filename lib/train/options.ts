/** Parsing the command line's compact forms of augmentation and class weights. */
import type { Augmentation, ClassWeights } from "./config.ts";
import { NO_AUGMENTATION } from "./config.ts";

/**
 * Parses an augmentation list: "none", or comma-separated parts among `sign-flip`,
 * `scale=S` (amplitude factor in [1−S, 1+S]), `noise=SD` (Gaussian noise), `shift=N`
 * (circular shift up to ±N samples), `stretch=S` (time factor in [1/(1+S), 1+S]),
 * `non-va-speedup=F` (non-VA segments up to F× faster). Parts not listed are off. Throws a
 * RangeError naming the bad part.
 *
 * @example
 * ```ts
 * import { parseAugmentation } from "./options.ts";
 * const a = parseAugmentation("sign-flip,noise=0.02");
 * if (!a.signFlip || a.noiseStd !== 0.02 || a.timeShift !== 0) throw new Error("parse");
 * ```
 */
export function parseAugmentation(text: string): Augmentation {
  const result: Augmentation = { ...NO_AUGMENTATION };
  if (text.trim() === "none") return result;
  for (const part of text.split(",").map((p) => p.trim())) {
    const [key, value, extra] = part.split("=");
    if (key === "sign-flip" && value === undefined) {
      result.signFlip = true;
      continue;
    }
    const n = Number(value);
    if (
      value === undefined || value.trim() === "" || extra !== undefined || !Number.isFinite(n) ||
      n < 0
    ) {
      throw new RangeError(
        `Augmentation part "${part}": expected sign-flip, scale=S, noise=SD, shift=N, stretch=S or non-va-speedup=F with a number ≥ 0`,
      );
    }
    if (key === "scale" && n < 1) result.amplitudeScale = n;
    else if (key === "noise") result.noiseStd = n;
    else if (key === "shift" && Number.isInteger(n)) result.timeShift = n;
    else if (key === "stretch" && n > 0) result.timeStretch = n;
    else if (key === "non-va-speedup" && n > 1) result.nonVaSpeedup = n;
    else {
      throw new RangeError(
        `Augmentation part "${part}": unknown, or out of range (scale < 1, shift an integer, stretch > 0, non-va-speedup > 1)`,
      );
    }
  }
  return result;
}

/**
 * Parses class weights: "none" (null), "balanced" (each class weighted by
 * n / (2 · its count) over `labels`), or "NEG,POS" as two positive numbers.
 */
export function parseClassWeights(text: string, labels: ArrayLike<number>): ClassWeights | null {
  if (text === "none") return null;
  if (text === "balanced") {
    let positives = 0;
    for (let i = 0; i < labels.length; i++) positives += labels[i];
    const negatives = labels.length - positives;
    if (positives === 0 || negatives === 0) {
      throw new RangeError("Balanced class weights need segments of both classes");
    }
    return { negative: labels.length / (2 * negatives), positive: labels.length / (2 * positives) };
  }
  const parts = text.split(",").map(Number);
  if (parts.length !== 2 || !parts.every((w) => Number.isFinite(w) && w > 0)) {
    throw new RangeError(
      `Class weights "${text}": expected none, balanced, or NEG,POS (two numbers > 0)`,
    );
  }
  return { negative: parts[0], positive: parts[1] };
}
