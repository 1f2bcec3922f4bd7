import assert from "node:assert/strict";
import { histogram, peakToPeak, segmentShift, welchSpectrum } from "../../lib/data/mod.ts";

Deno.test("welchSpectrum() integrates to the signal's mean square (Parseval)", () => {
  // A 20 Hz sine of amplitude 0.5 plus a 40 Hz one of amplitude 0.25: mean square 0.15625.
  const x = Float32Array.from(
    { length: 1250 },
    (_, i) =>
      0.5 * Math.sin(2 * Math.PI * 20 * i / 250) + 0.25 * Math.sin(2 * Math.PI * 40 * i / 250),
  );
  const { frequencies, power } = welchSpectrum([x], 250, 256);
  const binWidth = frequencies[1] - frequencies[0];
  const total = power.reduce((sum, p) => sum + p * binWidth, 0);
  assert.ok(Math.abs(total - 0.15625) / 0.15625 < 0.02, `total power ${total}`);
  assert.equal(frequencies.length, 129);
  assert.equal(frequencies[128], 125);
});

Deno.test("welchSpectrum() rejects a window that is not a power of two", () => {
  assert.throws(() => welchSpectrum([new Float32Array(1250)], 250, 250), RangeError);
});

Deno.test("histogram() clamps values outside [min, max] into the end bins", () => {
  const { centers, counts } = histogram([-5, 0.1, 0.9, 1.5, 99], 2, 0, 2);
  assert.deepEqual([...centers], [0.5, 1.5]);
  assert.deepEqual([...counts], [3, 2]);
});

Deno.test("peakToPeak() is max minus min", () => {
  assert.equal(peakToPeak([0.5, -1.25, 2]), 3.25);
});

Deno.test("segmentShift() finds a 150-sample continuation and reports its mismatch", () => {
  const recording = Float32Array.from({ length: 1400 }, (_, i) => Math.sin(i / 5) + (i % 7) / 10);
  const exact = segmentShift(recording.subarray(0, 1250), recording.subarray(150, 1400), 200);
  assert.deepEqual(exact, { shift: 150, maxAbsDifference: 0, shared: 1100 });
  const noisy = recording.slice(150, 1400).map((x, i) => x + (i === 10 ? 0.5 : 0));
  assert.equal(segmentShift(recording.subarray(0, 1250), noisy, 200).maxAbsDifference, 0.5);
});
