/** Sequence-length arithmetic shared by the converter, the validator and the interpreters. */

/**
 * Output length of a 1-D convolution, TensorFlow's rule: "same" → ceil(in / stride),
 * "valid" → floor((in − kernel) / stride) + 1.
 *
 * @example
 * ```ts
 * import { convOutputLength } from "./geometry.ts";
 * if (convOutputLength(1250, 5, 2, "same") !== 625) throw new Error();
 * if (convOutputLength(1250, 85, 32, "valid") !== 37) throw new Error();
 * ```
 */
export function convOutputLength(
  length: number,
  kernel: number,
  stride: number,
  padding: string,
): number {
  return padding === "same"
    ? Math.ceil(length / stride)
    : Math.floor((length - kernel) / stride) + 1;
}

/**
 * Zero samples before the input for "same" padding, TensorFlow's rule:
 * total = max((out − 1)·stride + kernel − in, 0), before = floor(total / 2).
 *
 * @example
 * ```ts
 * import { samePadBefore } from "./geometry.ts";
 * // 1250 samples, kernel 5, stride 2: out 625, total 3, before 1 (NNoM used (k−1)/2 = 2).
 * if (samePadBefore(1250, 5, 2) !== 1) throw new Error();
 * ```
 */
export function samePadBefore(length: number, kernel: number, stride: number): number {
  const out = Math.ceil(length / stride);
  return Math.floor(Math.max((out - 1) * stride + kernel - length, 0) / 2);
}
