import assert from "node:assert/strict";
import { type Dataset, SEGMENT_LENGTH } from "../../lib/data/dataset.ts";
import { setupBackend } from "../../lib/backend/mod.ts";
import { compact } from "../../lib/model/mod.ts";
import { train } from "../../lib/train/mod.ts";
import { segmentsAtRate } from "../../lib/train/rate_subset.ts";
import { splitBySubject, syntheticConfig, syntheticDataset } from "./_synthetic.ts";

await setupBackend("wasm");

/** One segment of triangular beats every `period` samples (0 = flat, no rate). */
function beats(period: number): Float32Array {
  const x = new Float32Array(SEGMENT_LENGTH);
  if (period === 0) return x;
  for (let t = 20; t < SEGMENT_LENGTH - 4; t += period) {
    for (let d = -3; d <= 3; d++) x[t + d] = 1 - Math.abs(d) / 4;
  }
  return x;
}

/** Segments at 60 bpm (period 250), 100 bpm (150), 150 bpm (100), and a flat one. */
function rates(): Dataset {
  const periods = [250, 150, 100, 0];
  const samples = new Float32Array(periods.length * SEGMENT_LENGTH);
  periods.forEach((p, i) => samples.set(beats(p), i * SEGMENT_LENGTH));
  return {
    size: periods.length,
    samples,
    labels: new Uint8Array(periods.length),
    subjects: new Uint16Array(periods.length),
    subjectNames: ["S01"],
    rhythms: new Uint8Array(periods.length),
    files: periods.map((p) => `S01-SR-${p}.txt`),
  };
}

Deno.test("segmentsAtRate() keeps the segments a gate of that rate passes, unratable ones included", () => {
  const dataset = rates();
  const all = [0, 1, 2, 3];
  assert.deepEqual(Array.from(segmentsAtRate(dataset, all, undefined)), all);
  assert.deepEqual(Array.from(segmentsAtRate(dataset, all, 60)), all);
  assert.deepEqual(Array.from(segmentsAtRate(dataset, all, 100)), [1, 2, 3]);
  assert.deepEqual(Array.from(segmentsAtRate(dataset, all, 101)), [2, 3]);
  assert.deepEqual(Array.from(segmentsAtRate(dataset, [0, 2], 150)), [2]);
});

Deno.test("segmentsAtRate() refuses a rate outside 1…300 and an empty result", () => {
  const dataset = rates();
  for (const bad of [0, 301, 99.5]) {
    assert.throws(() => segmentsAtRate(dataset, [0], bad), /must be an integer from 1 to 300/);
  }
  assert.throws(() => segmentsAtRate(dataset, [0, 1], 120), /No training segment .* 120 bpm/);
});

Deno.test("train() reads trainMinRateBpm: a bad rate stops it before the first step", () => {
  const dataset = syntheticDataset(4, 12);
  const config = syntheticConfig(compact, { trainMinRateBpm: 0 });
  assert.throws(
    () => train(dataset, splitBySubject(dataset, 3), compact, config),
    /trainMinRateBpm must be an integer/,
  );
});
