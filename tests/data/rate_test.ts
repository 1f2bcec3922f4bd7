import assert from "node:assert/strict";
import { SEGMENT_LENGTH } from "../../lib/data/dataset.ts";
import { beatPositions, estimateRateBpm, twiceMedianBeatInterval } from "../../lib/data/mod.ts";
import { rateZone } from "../../lib/evaluate/mod.ts";
import { mulberry32 } from "../../lib/random/mulberry32.ts";

/** A segment of biphasic beats (a sharp deflection, then a smaller opposite one) every `period` samples. */
function beats(period: number, options: { noise?: number; start?: number } = {}): Float32Array {
  const random = mulberry32(7);
  const x = Float32Array.from(
    { length: SEGMENT_LENGTH },
    () => (random() - 0.5) * (options.noise ?? 0),
  );
  for (let t = options.start ?? 20; t < SEGMENT_LENGTH - 12; t += period) {
    for (let d = -3; d <= 3; d++) x[t + d] += 1 - Math.abs(d) / 4;
    for (let d = -4; d <= 4; d++) x[t + 8 + d] -= 0.4 * (1 - Math.abs(d) / 5);
  }
  return x;
}

Deno.test("estimateRateBpm() finds the rate of regular beats from 60 to 250 bpm", () => {
  for (const bpm of [60, 75, 100, 150, 200, 250]) {
    const period = 15000 / bpm;
    assert.ok(Math.abs(estimateRateBpm(beats(Math.round(period)))! - bpm) / bpm < 0.01, `${bpm}`);
  }
});

Deno.test("estimateRateBpm() ignores noise below half the peak level and a polarity flip", () => {
  const clean = estimateRateBpm(beats(100));
  assert.equal(estimateRateBpm(beats(100, { noise: 0.3 })), clean);
  assert.equal(estimateRateBpm(beats(100).map((v) => -v)), clean);
});

Deno.test("estimateRateBpm() counts a beat's second deflection within 200 ms as the same beat", () => {
  // The negative deflection (0.4 of the peak) is made as large as the first, 8 samples later.
  const x = beats(150);
  for (let t = 20; t < SEGMENT_LENGTH - 12; t += 150) x[t + 8] = -1;
  assert.equal(estimateRateBpm(x), 100);
});

Deno.test("estimateRateBpm() is robust to one missing beat (median interval)", () => {
  const x = beats(125);
  for (let t = 520; t < 540; t++) x[t] = 0; // the beat at t = 520 removed
  assert.equal(estimateRateBpm(x), 120);
});

Deno.test("estimateRateBpm() gives null for a flat segment or a single beat", () => {
  assert.equal(estimateRateBpm(new Float32Array(SEGMENT_LENGTH)), null);
  assert.equal(estimateRateBpm(beats(2000, { start: 600 })), null);
});

Deno.test("twiceMedianBeatInterval() is exact on int8 samples, saturated plateaus included", () => {
  const x = new Int8Array(SEGMENT_LENGTH);
  // Beats every 100 samples clipped at −128 over three samples: the last of the plateau counts.
  for (let t = 30; t < SEGMENT_LENGTH - 2; t += 100) x[t] = x[t + 1] = x[t + 2] = -128;
  assert.equal(twiceMedianBeatInterval(x), 200);
  // Intervals 100 and 140 alternate: an even count takes the mean of the middle two.
  const y = new Int8Array(SEGMENT_LENGTH);
  for (let t = 10, k = 0; t < SEGMENT_LENGTH - 1; t += k++ % 2 ? 140 : 100) {
    [y[t - 1], y[t], y[t + 1]] = [40, 90, 40];
  }
  assert.equal(twiceMedianBeatInterval(y), 240);
});

Deno.test("rateZone() puts each bound in the zone above it", () => {
  assert.deepEqual(
    [null, 40, 99.9, 100, 119, 120, 149.9, 150, 199, 200, 300].map(rateZone),
    [
      "no rate",
      "<100",
      "<100",
      "100-119",
      "100-119",
      "120-149",
      "120-149",
      "150-199",
      "150-199",
      ">=200",
      ">=200",
    ],
  );
});

Deno.test("beatPositions() gives each beat's peak, and none for a flat segment", () => {
  assert.deepEqual(beatPositions(beats(300, { start: 40 })), [40, 340, 640, 940]);
  assert.deepEqual(beatPositions(new Float32Array(SEGMENT_LENGTH)), []);
});
