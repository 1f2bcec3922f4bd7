import assert from "node:assert/strict";
import { augmentBatch, isAugmenting, stretchInto } from "../../lib/train/augment.ts";
import { NO_AUGMENTATION } from "../../lib/train/config.ts";
import { parseAugmentation, parseClassWeights } from "../../lib/train/options.ts";
import { Prng } from "../../lib/train/prng.ts";

const LENGTH = 10;
const ramp = (count: number) =>
  Float32Array.from({ length: count * LENGTH }, (_, i) => (i % LENGTH) + 1);

Deno.test("augmentBatch() with everything off leaves the batch unchanged", () => {
  const batch = ramp(3);
  augmentBatch(batch, LENGTH, NO_AUGMENTATION, new Prng(1));
  assert.deepEqual(batch, ramp(3));
  assert.equal(isAugmenting(NO_AUGMENTATION), false);
});

Deno.test("augmentBatch() sign flip negates whole segments, some but not all of 40", () => {
  const batch = ramp(40);
  augmentBatch(batch, LENGTH, { ...NO_AUGMENTATION, signFlip: true }, new Prng(2));
  let flipped = 0;
  for (let s = 0; s < 40; s++) {
    const row = Array.from(batch.subarray(s * LENGTH, (s + 1) * LENGTH));
    const sign = Math.sign(row[0]);
    assert.deepEqual(row, Array.from({ length: LENGTH }, (_, t) => sign * (t + 1)));
    if (sign < 0) flipped++;
  }
  assert.ok(flipped > 5 && flipped < 35, `${flipped} of 40 flipped`);
});

Deno.test("augmentBatch() amplitude scaling keeps each segment's shape within [1−s, 1+s]", () => {
  const batch = ramp(20);
  augmentBatch(batch, LENGTH, { ...NO_AUGMENTATION, amplitudeScale: 0.2 }, new Prng(3));
  for (let s = 0; s < 20; s++) {
    const gain = batch[s * LENGTH];
    assert.ok(gain >= 0.8 && gain <= 1.2, `gain ${gain}`);
    for (let t = 0; t < LENGTH; t++) {
      assert.ok(Math.abs(batch[s * LENGTH + t] - gain * (t + 1)) < 1e-5);
    }
  }
});

Deno.test("augmentBatch() time shift rotates each segment by at most ±shift samples", () => {
  const batch = ramp(20);
  augmentBatch(batch, LENGTH, { ...NO_AUGMENTATION, timeShift: 2 }, new Prng(4));
  const shifts = new Set<number>();
  for (let s = 0; s < 20; s++) {
    const row = batch.subarray(s * LENGTH, (s + 1) * LENGTH);
    const shift = (LENGTH - (row[0] - 1)) % LENGTH; // row[t] = original[t − shift]
    const signed = shift > LENGTH / 2 ? shift - LENGTH : shift;
    assert.ok(Math.abs(signed) <= 2, `shift ${signed}`);
    for (let t = 0; t < LENGTH; t++) assert.equal(row[t], ((t - signed + LENGTH) % LENGTH) + 1);
    shifts.add(signed);
  }
  assert.ok(shifts.size > 1, "every segment got the same shift");
});

Deno.test("augmentBatch() noise adds zero-mean noise of the given deviation, repeatably", () => {
  const a = new Float32Array(5000);
  const b = new Float32Array(5000);
  augmentBatch(a, 50, { ...NO_AUGMENTATION, noiseStd: 0.1 }, new Prng(5));
  augmentBatch(b, 50, { ...NO_AUGMENTATION, noiseStd: 0.1 }, new Prng(5));
  assert.deepEqual(a, b);
  const sd = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  assert.ok(Math.abs(sd - 0.1) < 0.005, `sd ${sd}`);
});

/** `count` segments of `length` samples, each a sine of `cycles` whole periods. */
function sineBatch(count: number, length: number, cycles: number): Float32Array {
  return Float32Array.from(
    { length: count * length },
    (_, i) => Math.sin((2 * Math.PI * cycles * (i % length)) / length),
  );
}

Deno.test("stretchInto() resamples circularly, interpolating between samples", () => {
  const row = ramp(1); // 1 … 10
  const out = new Float32Array(LENGTH);
  // Twice as fast from sample 3: every other sample, wrapping round the end.
  assert.deepEqual(Array.from(stretchInto(out, row, 2, 3)), [4, 6, 8, 10, 2, 4, 6, 8, 10, 2]);
  // Half as fast from 0: the original samples with their midpoints between.
  assert.deepEqual(
    Array.from(stretchInto(out, row, 0.5, 0)),
    [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5],
  );
});

Deno.test("augmentBatch() time stretch changes each segment's rate within [1/(1+s), 1+s]", () => {
  const length = 1000;
  const cycles = 20;
  const count = 30;
  const batch = sineBatch(count, length, cycles);
  const again = batch.slice();
  augmentBatch(batch, length, { ...NO_AUGMENTATION, timeStretch: 0.5 }, new Prng(6));
  augmentBatch(again, length, { ...NO_AUGMENTATION, timeStretch: 0.5 }, new Prng(6));
  assert.deepEqual(batch, again);
  const rates = new Set<number>();
  for (let s = 0; s < count; s++) {
    const row = batch.subarray(s * length, (s + 1) * length);
    let upward = 0;
    for (let t = 1; t < length; t++) if (row[t - 1] < 0 && row[t] >= 0) upward++;
    // One crossing may be lost or gained at the window's edge or the wrap.
    assert.ok(upward >= cycles / 1.5 - 2 && upward <= cycles * 1.5 + 2, `${upward} cycles`);
    rates.add(upward);
  }
  assert.ok(rates.size > 3, `only ${rates.size} distinct rates`);
});

Deno.test("augmentBatch() non-VA speed-up plays only non-VA segments faster, up to F times", () => {
  const length = 1000;
  const cycles = 20;
  const count = 30;
  const batch = sineBatch(count, length, cycles);
  const original = batch.slice();
  const labels = Float32Array.from({ length: count }, (_, s) => s % 2); // odd rows are VA
  augmentBatch(batch, length, { ...NO_AUGMENTATION, nonVaSpeedup: 2 }, new Prng(7), labels);
  let faster = 0;
  for (let s = 0; s < count; s++) {
    const row = batch.subarray(s * length, (s + 1) * length);
    if (labels[s] === 1) {
      assert.deepEqual(row, original.subarray(s * length, (s + 1) * length));
      continue;
    }
    let upward = 0;
    for (let t = 1; t < length; t++) if (row[t - 1] < 0 && row[t] >= 0) upward++;
    assert.ok(upward >= cycles - 2 && upward <= 2 * cycles + 2, `${upward} cycles`);
    if (upward > cycles + 2) faster++;
  }
  assert.ok(faster > 5, `only ${faster} of 15 non-VA segments clearly faster`);
  assert.throws(
    () => augmentBatch(batch, length, { ...NO_AUGMENTATION, nonVaSpeedup: 2 }, new Prng(7)),
    /one label per segment/,
  );
});

Deno.test("parseAugmentation() reads each part and rejects unknown or malformed ones", () => {
  assert.deepEqual(parseAugmentation("none"), NO_AUGMENTATION);
  assert.deepEqual(parseAugmentation("sign-flip,scale=0.1,noise=0.02,shift=25"), {
    signFlip: true,
    amplitudeScale: 0.1,
    noiseStd: 0.02,
    timeShift: 25,
  });
  assert.throws(() => parseAugmentation("mixup"), { name: "RangeError", message: /"mixup"/ });
  assert.throws(() => parseAugmentation("noise=-1"), /"noise=-1"/);
  assert.throws(() => parseAugmentation("shift=2.5"), /"shift=2.5"/);
  assert.throws(() => parseAugmentation("scale=1.5"), /"scale=1.5"/);
  assert.equal(parseAugmentation("stretch=0.3").timeStretch, 0.3);
  assert.throws(() => parseAugmentation("stretch=0"), /"stretch=0"/);
  assert.equal(parseAugmentation("non-va-speedup=1.5").nonVaSpeedup, 1.5);
  assert.throws(() => parseAugmentation("non-va-speedup=1"), /"non-va-speedup=1"/);
});

Deno.test("parseClassWeights() balances classes by their counts", () => {
  assert.equal(parseClassWeights("none", [0, 1]), null);
  assert.deepEqual(parseClassWeights("balanced", [1, 0, 0, 0]), { negative: 4 / 6, positive: 2 });
  assert.deepEqual(parseClassWeights("1,3", [0]), { negative: 1, positive: 3 });
  assert.throws(() => parseClassWeights("balanced", [0, 0]), RangeError);
  assert.throws(() => parseClassWeights("1,0", [0, 1]), /NEG,POS/);
});
