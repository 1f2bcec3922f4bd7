import assert from "node:assert/strict";
import {
  amplitudeLog2Ratio,
  BEAT_WINDOW,
  beatMatch,
  median,
  medianBeat,
  SEGMENT_LENGTH,
} from "../../lib/data/mod.ts";

const WINDOW = BEAT_WINDOW.before + BEAT_WINDOW.after;

/** A segment with `shape` (peak at its index BEAT_WINDOW.before) placed at each of `at`. */
function segmentOf(shape: readonly number[], at: readonly number[], gains: number[] = []) {
  const x = new Float32Array(SEGMENT_LENGTH);
  at.forEach((t, b) =>
    shape.forEach((v, k) => x[t - BEAT_WINDOW.before + k] += v * (gains[b] ?? 1))
  );
  return x;
}

/** A biphasic beat: a sharp peak of 1 at BEAT_WINDOW.before, then a slower trough of −0.4. */
const SHAPE = Array.from({ length: WINDOW }, (_, k) => {
  const d = k - BEAT_WINDOW.before;
  return Math.max(0, 1 - Math.abs(d) / 4) - 0.4 * Math.max(0, 1 - Math.abs(d - 10) / 6);
});

Deno.test("median() takes the middle value, or the mean of the middle two", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("medianBeat() gives the beat shape back, and ignores one beat unlike the rest", () => {
  const x = segmentOf(SHAPE, [100, 300, 500, 700, 900], [1, 1, 1.5, 1, 1]);
  const beat = medianBeat([x])!;
  assert.equal(beat.length, WINDOW);
  beat.forEach((v, k) => assert.ok(Math.abs(v - SHAPE[k]) < 1e-6, `sample ${k}`));
});

Deno.test("medianBeat() pools several segments, and needs two whole beats", () => {
  const one = segmentOf(SHAPE, [600]);
  assert.equal(medianBeat([one]), null);
  assert.equal(medianBeat([new Float32Array(SEGMENT_LENGTH)]), null);
  // A beat too close to the end has no whole window: two segments of one whole beat each do.
  const cut = segmentOf(SHAPE, [600]);
  cut[SEGMENT_LENGTH - 5] = 0.9;
  assert.ok(medianBeat([one, cut]) !== null);
});

Deno.test("beatMatch() is 1 for the same shape, shifted or scaled, and low for another", () => {
  const shape = Float64Array.from(SHAPE);
  assert.ok(Math.abs(beatMatch(shape, shape) - 1) < 1e-12);
  const shifted = Float64Array.from({ length: WINDOW }, (_, k) => SHAPE[k - 3] ?? 0);
  assert.ok(beatMatch(shifted, shape) > 0.99);
  assert.ok(Math.abs(beatMatch(shape.map((v) => 3 * v), shape) - 1) < 1e-12);
  assert.ok(beatMatch(shape.map((v) => -v), shape) < 0.5);
  const wide = Float64Array.from({ length: WINDOW }, (_, k) => Math.sin((Math.PI * k) / WINDOW));
  assert.ok(beatMatch(wide, shape) < 0.5);
  assert.equal(beatMatch(new Float64Array(WINDOW), shape), 0);
  assert.throws(() => beatMatch(shape.subarray(1), shape), RangeError);
});

Deno.test("amplitudeLog2Ratio() is 1 for a beat twice the template's size", () => {
  const shape = Float64Array.from(SHAPE);
  assert.equal(amplitudeLog2Ratio(shape.map((v) => 2 * v), shape), 1);
  assert.equal(amplitudeLog2Ratio(shape, shape), 0);
});
