import assert from "node:assert/strict";
import { BEAT_WINDOW, type Dataset, RHYTHMS, SEGMENT_LENGTH } from "../../lib/data/mod.ts";
import {
  applyVeto,
  matchBlocks,
  overlapsTemplate,
  sinusTemplates,
  studyMetrics,
  TEMPLATE_SEGMENTS,
  templateMatches,
  VETO_GRID,
} from "../../lib/search/mod.ts";

const WINDOW = BEAT_WINDOW.before + BEAT_WINDOW.after;
/** A narrow sinus-like beat, and a wide ventricular-like one of the same height. */
const NARROW = Array.from(
  { length: WINDOW },
  (_, k) => Math.max(0, 1 - Math.abs(k - BEAT_WINDOW.before) / 3),
);
const WIDE = Array.from(
  { length: WINDOW },
  (_, k) =>
    Math.sin((Math.PI * k) / (WINDOW - 1)) * (k < BEAT_WINDOW.before ? k / BEAT_WINDOW.before : 1),
);

function beatsOf(shape: readonly number[], period: number, gain = 1): Float32Array {
  const x = new Float32Array(SEGMENT_LENGTH);
  for (let t = 40; t + BEAT_WINDOW.after <= SEGMENT_LENGTH; t += period) {
    shape.forEach((v, k) => x[t - BEAT_WINDOW.before + k] = v * gain);
  }
  return x;
}

/** S01: SR numbered 1…40 (slow, narrow), SVT (fast, narrow), VT (fast, wide); S02: VT only. */
function dataset(): Dataset {
  const rows: { subject: number; rhythm: string; number: number; x: Float32Array }[] = [];
  for (let n = 1; n <= 40; n++) {
    rows.push({ subject: 0, rhythm: "SR", number: n, x: beatsOf(NARROW, 250) });
  }
  rows.push({ subject: 0, rhythm: "SVT", number: 1, x: beatsOf(NARROW, 90) });
  rows.push({ subject: 0, rhythm: "SVT", number: 2, x: beatsOf(NARROW, 90, 4) });
  rows.push({ subject: 0, rhythm: "VT", number: 1, x: beatsOf(WIDE, 90) });
  rows.push({ subject: 1, rhythm: "VT", number: 1, x: beatsOf(WIDE, 90) });
  const samples = new Float32Array(rows.length * SEGMENT_LENGTH);
  rows.forEach((r, i) => samples.set(r.x, i * SEGMENT_LENGTH));
  const names = ["S01", "S02"];
  return {
    size: rows.length,
    samples,
    labels: Uint8Array.from(rows, (r) => (r.rhythm === "VT" ? 1 : 0)),
    subjects: Uint16Array.from(rows, (r) => r.subject),
    subjectNames: names,
    rhythms: Uint8Array.from(rows, (r) => RHYTHMS.indexOf(r.rhythm as never)),
    files: rows.map((r) => `${names[r.subject]}-${r.rhythm}-${r.number}.txt`),
  };
}

const data = dataset();
const SVT = [40, 41], VT = 42, VT_S02 = 43;

Deno.test("sinusTemplates() takes a subject's first SR segments that share no sample", () => {
  const templates = sinusTemplates(data);
  assert.deepEqual([...templates.keys()], [0]);
  assert.equal(TEMPLATE_SEGMENTS, 2);
  assert.deepEqual(templates.get(0)!.segments, [0, 25]); // numbers 1 and 26
  templates.get(0)!.beat.forEach((v, k) => assert.ok(Math.abs(v - NARROW[k]) < 1e-6));
});

Deno.test("overlapsTemplate() marks the SR segments within 25 numbers of a template segment", () => {
  const templates = sinusTemplates(data);
  const marked = [...Array(data.size).keys()].filter((i) => overlapsTemplate(data, i, templates));
  assert.deepEqual(marked, [...Array(40).keys()]); // numbers 1…40 all lie within 25 of 1 or 26
  const fewer = {
    ...data,
    size: 40,
    files: data.files.map((f, i) => i === 39 ? "S01-SR-60.txt" : f),
  };
  assert.equal(overlapsTemplate(fewer, 39, sinusTemplates(fewer)), false); // 60 − 26 ≥ 25
});

Deno.test("templateMatches() tells a conducted beat from a ventricular one", () => {
  const templates = sinusTemplates(data);
  const [svt, svtLoud, vt, other] = templateMatches(data, [...SVT, VT, VT_S02], templates);
  assert.ok(svt!.match > 0.999 && Math.abs(svt!.amplitudeLog2) < 1e-9);
  assert.ok(svtLoud!.match > 0.999 && Math.abs(svtLoud!.amplitudeLog2 - 2) < 1e-9);
  assert.ok(vt!.match < 0.9, `${vt!.match}`);
  assert.equal(other, null); // S02 has no SR, so no template
});

Deno.test("applyVeto() withholds only VA decisions that match within the amplitude bound", () => {
  const templates = sinusTemplates(data);
  const indices = [...SVT, VT, VT_S02];
  const matches = templateMatches(data, indices, templates);
  const flagged: (0 | 1)[] = [1, 1, 1, 1];
  assert.deepEqual(applyVeto(flagged, matches, { minMatch: 0.95, maxAmplitudeLog2: 0.5 }), [
    0,
    1,
    1,
    1,
  ]);
  assert.deepEqual(
    applyVeto(flagged, matches, { minMatch: 0.95, maxAmplitudeLog2: Infinity }),
    [0, 0, 1, 1],
  );
  assert.deepEqual(applyVeto([0, 0, 0, 0], matches, VETO_GRID[0]), [0, 0, 0, 0]);
  assert.equal(VETO_GRID.length, 12);
});

Deno.test("studyMetrics() and matchBlocks() count the segments given", () => {
  const templates = sinusTemplates(data);
  const indices = [...SVT, VT, VT_S02];
  const matches = templateMatches(data, indices, templates);
  const classes = applyVeto([1, 1, 1, 1], matches, { minMatch: 0.95, maxAmplitudeLog2: 0.5 });
  const metrics = studyMetrics(data, indices, classes);
  assert.equal(metrics.precision, 2 / 3);
  assert.equal(metrics.recall, 1);
  assert.deepEqual(metrics.recallByRhythm, { SVT: 0.5, VT: 1 });
  const blocks = matchBlocks(data, indices, [1, 1, 1, 1], matches);
  assert.deepEqual(blocks.map((b) => [b.subject, b.rhythm, b.flagged]), [["S01", "SVT", 2], [
    "S01",
    "VT",
    1,
  ]]);
  assert.ok(Math.abs(blocks[0].medianAmplitudeLog2 - 1) < 1e-9);
});
