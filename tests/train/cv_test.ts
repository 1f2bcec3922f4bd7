import assert from "node:assert/strict";
import { join } from "node:path";
import { setupBackend } from "../../lib/backend/mod.ts";
import { subjectFolds } from "../../lib/data/mod.ts";
import { compact } from "../../lib/model/mod.ts";
import { crossValidate, defaultsFor, loadRun, meanSd, quietProgress } from "../../lib/train/mod.ts";
import { syntheticDataset } from "./_synthetic.ts";

await setupBackend("wasm");

Deno.test("crossValidate() trains every fold, pools one threshold and writes cv.json", async () => {
  const dataset = syntheticDataset(6, 8);
  const out = join(await Deno.makeTempDir(), "cv");
  const hyper = { ...defaultsFor("compact"), epochs: 1, batchSize: 16 };
  const folds = subjectFolds(dataset, 3, 1);
  const summary = await crossValidate(
    dataset,
    { spec: compact, hyper, seed: 2, folds, data: "synthetic", backend: "wasm" },
    out,
    () => quietProgress,
  );
  assert.equal(summary.perFold.length, 3);
  const saved = JSON.parse(await Deno.readTextFile(join(out, "cv.json")));
  assert.deepEqual(saved, JSON.parse(JSON.stringify(summary)));
  const held: string[] = [];
  for (const fold of summary.perFold) {
    const run = await loadRun(join(out, `fold-${fold.fold}`));
    assert.equal(run.config.fold, fold.fold);
    assert.equal(run.metrics.threshold, summary.threshold);
    assert.equal(run.metrics.thresholdSource, "pooled-cv");
    assert.equal(run.metrics.fbeta, fold.metrics.fbeta);
    assert.deepEqual(run.config.validationSubjects, fold.validationSubjects);
    for (const s of run.config.validationSubjects) assert.ok(!run.config.trainSubjects.includes(s));
    held.push(...fold.validationSubjects);
  }
  assert.deepEqual(held.sort(), [...dataset.subjectNames]);
  const { mean, sd } = meanSd(summary.perFold.map((f) => f.metrics.fbeta));
  assert.equal(summary.fbetaMean, mean);
  assert.equal(summary.fbetaSd, sd);
});

Deno.test("crossValidate() resumes: finished folds with the same config are not retrained", async () => {
  const dataset = syntheticDataset(6, 8);
  const out = join(await Deno.makeTempDir(), "cv");
  const hyper = { ...defaultsFor("compact"), epochs: 1, batchSize: 16 };
  const job = {
    spec: compact,
    hyper,
    seed: 2,
    folds: subjectFolds(dataset, 3, 1),
    data: "x",
    backend: "wasm",
  };
  const notes: string[] = [];
  const recording = { ...quietProgress, note: (message: string) => notes.push(message) };
  const first = await crossValidate(dataset, job, out, () => quietProgress);
  const weights = await Deno.readFile(join(out, "fold-1", "weights.bin"));
  await Deno.remove(join(out, "fold-2"), { recursive: true }); // as if interrupted in fold 2
  const resumed = await crossValidate(dataset, job, out, () => recording);
  assert.equal(notes.filter((n) => n.startsWith("reusing")).length, 2);
  assert.deepEqual(resumed, first);
  assert.deepEqual(await Deno.readFile(join(out, "fold-1", "weights.bin")), weights);
  notes.length = 0;
  await crossValidate(
    dataset,
    { ...job, hyper: { ...hyper, learningRate: 0.01 } },
    out,
    () => recording,
  );
  assert.equal(notes.filter((n) => n.startsWith("reusing")).length, 0, "a changed config retrains");
});

Deno.test("meanSd() uses the sample standard deviation", () => {
  assert.deepEqual(meanSd([1, 2, 3]), { mean: 2, sd: 1 });
  assert.deepEqual(meanSd([5]), { mean: 5, sd: 0 });
});
