/** Weight and bias quantization (docs/int8-spec.md §15). */
import { roundHalfUp, sat8 } from "../interp/arith.ts";
import { decForMax } from "./calibrate.ts";

/** The largest |w| in `data`. */
export function absMax(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]));
  return m;
}

/**
 * The decs of a weight tensor whose first axis has `channels` rows: one for the tensor, or one
 * per row (`perChannel`).
 */
export function weightDecs(data: number[], channels: number, perChannel: boolean): number[] {
  if (!perChannel) return new Array(channels).fill(decForMax(absMax(data)));
  const row = data.length / channels;
  return Array.from(
    { length: channels },
    (_, c) => decForMax(absMax(data.slice(c * row, (c + 1) * row))),
  );
}

/** `sat8(round(w · 2^dec))`, with the dec of each row's channel. */
export function quantizeRows(data: number[], decs: number[]): number[] {
  const row = data.length / decs.length;
  return data.map((w, i) => sat8(roundHalfUp(w * 2 ** decs[Math.floor(i / row)])));
}

/** Biases at accumulator scale: `round(b · 2^decs[c])` (int32; bounds checked by the caller). */
export function quantizeBias(data: number[], decs: number[]): number[] {
  return data.map((b, c) => roundHalfUp(b * 2 ** decs[c % decs.length]));
}
