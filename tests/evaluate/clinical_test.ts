import assert from "node:assert/strict";
import { type Dataset, RHYTHMS, SEGMENT_LENGTH } from "../../lib/data/dataset.ts";
import { errorBlocks, evaluateClasses } from "../../lib/evaluate/mod.ts";

/** Segments as (subject, rhythm) pairs; labels follow the rhythm. */
function fixture(rows: [number, string][]): Dataset {
  const rhythms = Uint8Array.from(rows, ([, r]) => RHYTHMS.indexOf(r as typeof RHYTHMS[number]));
  return {
    size: rows.length,
    samples: new Float32Array(rows.length * SEGMENT_LENGTH),
    labels: Uint8Array.from(rows, ([, r]) => (["VT", "VFb", "VFt"].includes(r) ? 1 : 0)),
    subjects: Uint16Array.from(rows, ([s]) => s),
    subjectNames: ["S01", "S02"],
    rhythms,
    files: rows.map(([s, r], i) => `S0${s + 1}-${r}-${i}.txt`),
  };
}

Deno.test("evaluateClasses() gives the correct share per rhythm and Fβ per subject", () => {
  const dataset = fixture([[0, "VT"], [0, "VT"], [0, "SR"], [1, "SVT"], [1, "SVT"], [1, "VFb"]]);
  // S01: one VT missed, SR right. S02: one SVT flagged, VFb caught.
  const result = evaluateClasses(dataset, [1, 0, 0, 1, 0, 1]);
  assert.deepEqual([result.tp, result.fn, result.fp, result.tn], [2, 1, 1, 2]);
  assert.deepEqual(result.recallByRhythm, { SR: 1, SVT: 0.5, VT: 0.5, VFb: 1 });
  // S01: P = 1, R = 1/2 → Fβ = 5·0.5/(4 + 0.5) = 5/9. S02: P = 1/2, R = 1 → 5·0.5/(2 + 1) = 5/6.
  assert.ok(Math.abs(result.fbetaBySubject.S01! - 5 / 9) < 1e-12);
  assert.ok(Math.abs(result.fbetaBySubject.S02! - 5 / 6) < 1e-12);
});

Deno.test("evaluateClasses() reports null Fβ for a subject without VA", () => {
  const dataset = fixture([[0, "SR"], [0, "AFb"], [1, "VT"]]);
  const result = evaluateClasses(dataset, [1, 0, 1]);
  assert.equal(result.fbetaBySubject.S01, null);
  assert.equal(result.fbetaBySubject.S02, 1);
  assert.equal(result.recallByRhythm.SR, 0);
});

Deno.test("evaluateClasses() groups each rhythm's decisions by rate zone", () => {
  const dataset = fixture([[0, "SR"], [0, "SR"], [0, "SR"], [1, "VT"], [1, "VT"]]);
  // SR at 75, 120 and 120 bpm; VT at 120 and 187.5 bpm (triangular beats every 200, 125, 80).
  const periods = [200, 125, 125, 125, 80];
  periods.forEach((period, i) => {
    const x = dataset.samples.subarray(i * SEGMENT_LENGTH, (i + 1) * SEGMENT_LENGTH);
    for (let t = 10; t < SEGMENT_LENGTH - 4; t += period) {
      for (let d = -4; d <= 4; d++) x[t + d] = 1 - Math.abs(d) / 5;
    }
  });
  // The two SR segments at 120 bpm: one flagged. Both VT caught.
  const result = evaluateClasses(dataset, [0, 1, 0, 1, 1]);
  assert.deepEqual(result.correctByRateZone, {
    SR: { "<100": { segments: 1, correct: 1 }, "120-149": { segments: 2, correct: 1 } },
    VT: { "120-149": { segments: 1, correct: 1 }, "150-199": { segments: 1, correct: 1 } },
  });
  // A flat segment has no rate.
  assert.deepEqual(evaluateClasses(fixture([[0, "AFb"]]), [0]).correctByRateZone, {
    AFb: { "no rate": { segments: 1, correct: 1 } },
  });
});

Deno.test("evaluateClasses() refuses a decision count that does not match", () => {
  assert.throws(() => evaluateClasses(fixture([[0, "SR"]]), [1, 0]), RangeError);
});

Deno.test("errorBlocks() names each subject's misclassified rhythm, most errors first", () => {
  const dataset = fixture([
    [0, "VT"],
    [0, "VT"],
    [0, "SR"],
    [1, "SVT"],
    [1, "SVT"],
    [1, "SVT"],
    [1, "VFb"],
    [1, "SR"],
  ]);
  // S01: one VT missed, SR right. S02: two SVT of three flagged, VFb missed, SR flagged.
  const blocks = errorBlocks(dataset, [1, 0, 0, 1, 1, 0, 0, 1]);
  assert.deepEqual(blocks, [
    { subject: "S02", rhythm: "SVT", wrong: 2, segments: 3 },
    { subject: "S01", rhythm: "VT", wrong: 1, segments: 2 },
    { subject: "S02", rhythm: "SR", wrong: 1, segments: 1 },
    { subject: "S02", rhythm: "VFb", wrong: 1, segments: 1 },
  ]);
  assert.deepEqual(errorBlocks(dataset, [1, 1, 0, 0, 0, 0, 1, 0]), []);
  assert.throws(() => errorBlocks(dataset, [1]), /1 decisions for 8 segments/);
});
