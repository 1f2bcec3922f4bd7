/** lib/plots_server without a browser: the figures' data, the page fixes, the inputs. */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Dataset, SEGMENT_LENGTH } from "../../lib/data/mod.ts";
import {
  fixPlotComponent,
  loadPlotInputs,
  offlinePage,
  precisionRecallCurve,
  runFigures,
  waveformSamples,
} from "../../lib/plots_server/mod.ts";
import type { EpochRecord, ValidationPredictions } from "../../lib/train/history.ts";

const NODEPLOTLIB_WEB = join(
  dirname(createRequire(import.meta.url).resolve("nodeplotlib/package.json")),
  "src/lib/server/web",
);

/** A dataset of `files` whose segment i is filled with the value i. */
function tinyDataset(files: string[]): Dataset {
  const samples = new Float32Array(files.length * SEGMENT_LENGTH);
  files.forEach((_, i) => samples.fill(i, i * SEGMENT_LENGTH, (i + 1) * SEGMENT_LENGTH));
  return {
    size: files.length,
    samples,
    labels: new Uint8Array(files.length),
    subjects: new Uint16Array(files.length),
    subjectNames: ["S01"],
    rhythms: new Uint8Array(files.length),
    files,
  };
}

Deno.test("precisionRecallCurve() gives tied scores one point and needs a VA label", () => {
  const curve = precisionRecallCurve([1, 0, 1, 1], [0.9, 0.5, 0.5, 0.2]);
  assert.deepEqual(curve.thresholds, [0.9, 0.5, 0.2]);
  assert.deepEqual(curve.recall, [1 / 3, 2 / 3, 1]);
  assert.deepEqual(curve.precision, [1, 2 / 3, 3 / 4]);
  assert.throws(() => precisionRecallCurve([0, 0], [0.1, 0.2]), RangeError);
  assert.throws(() => precisionRecallCurve([1], [0.1, 0.2]), RangeError);
});

Deno.test("waveformSamples() spreads its picks over each rhythm and names a missing file", () => {
  const files = ["a-VT-1", "a-VT-2", "a-VT-3", "a-VT-4", "a-SR-1"].map((f) => `${f}.txt`);
  const validation: ValidationPredictions = {
    files,
    subjects: files.map(() => "S01"),
    rhythms: ["VT", "VT", "VT", "VT", "SR"],
    labels: [1, 1, 1, 1, 0],
    scores: [0.9, 0.8, 0.7, 0.6, 0.1],
  };
  const dataset = tinyDataset([...files].reverse()); // order differs: found by name
  const picked = waveformSamples(validation, dataset, 2);
  assert.deepEqual(picked.map((s) => s.file), ["a-VT-2.txt", "a-VT-4.txt", "a-SR-1.txt"]);
  assert.equal(picked[0].samples[0], 3); // a-VT-2 is segment 3 of the reversed dataset
  assert.equal(picked[0].floatScore, 0.8);
  assert.equal(picked[0].int8, undefined);
  assert.throws(
    () => waveformSamples(validation, tinyDataset(files.slice(1)), 4),
    /Validation segment a-VT-1\.txt is not in the dataset/,
  );
});

Deno.test("runFigures() draws training, PR, then one waveform figure per rhythm", async () => {
  const validationFigures = {
    loss: 0.6,
    fbeta: 0.5,
    accuracy: 0.7,
    precision: 0.6,
    recall: 0.5,
    bestThreshold: 0.3,
    bestThresholdFbeta: 0.8,
  };
  const history: EpochRecord[] = [
    {
      epoch: 1,
      epochs: 1,
      loss: 0.7,
      validation: validationFigures,
      seconds: 1,
      samplesPerSecond: 1,
    },
  ];
  const files = ["S01-VT-1.txt", "S01-SR-1.txt", "S01-AFb-1.txt"];
  const validation: ValidationPredictions = {
    files,
    subjects: ["S01", "S01", "S01"],
    rhythms: ["VT", "SR", "AFb"],
    labels: [1, 0, 0],
    scores: [0.9, 0.2, 0.6],
  };
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "history.json"), JSON.stringify(history));
    await Deno.writeTextFile(join(dir, "validation.json"), JSON.stringify(validation));
    await Deno.writeTextFile(join(dir, "metrics.json"), JSON.stringify({ threshold: 0.5 }));
    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ data: "/nowhere" }));
    const inputs = await loadPlotInputs(dir); // a training run directory: no int8 model
    assert.equal(inputs.int8, undefined);
    const figures = runFigures(inputs, tinyDataset(files));
    assert.deepEqual(
      figures.map((f) => String(f.layout.title).split(" ")[0]),
      ["Training", "Precision-recall", "VT", "SR", "AFb"],
    );
    assert.match(String(figures[4].data[0].name), /^S01-AFb-1: float 0\.600 → VA$/);
    assert.equal(runFigures(inputs).length, 2); // no dataset, no waveforms
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await assert.rejects(loadPlotInputs("/nonexistent"), /neither a pipeline folder/);
});

Deno.test("offlinePage() leaves nodeplotlib's page with no address outside the server", async () => {
  const page = offlinePage(await Deno.readTextFile(join(NODEPLOTLIB_WEB, "index.html")));
  assert.match(page, /<script [^>]*src="\/plotly\.min\.js"/);
  assert.deepEqual(page.match(/https?:\/\/[^"'\s)]+/g), null);
});

Deno.test("fixPlotComponent() applies to nodeplotlib's main.js exactly once", async () => {
  const main = await Deno.readTextFile(join(NODEPLOTLIB_WEB, "main.js"));
  const fixed = fixPlotComponent(main);
  assert.equal(fixed.length - main.length, "this.plotContainer&&".length);
  assert.throws(() => fixPlotComponent(fixed), TypeError);
});
