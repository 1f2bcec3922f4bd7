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

Deno.test("crossValidate() decides with the spec's rate gate, for fresh and reused folds", async () => {
  // The synthetic VA segments beat at 170 bpm and the others at about 190 (their magnitude
  // peaks): a gate of 180 bpm closes on every VA segment, so none can be detected.
  const dataset = syntheticDataset(6, 8);
  const out = join(await Deno.makeTempDir(), "cv");
  const job = {
    spec: { ...compact, rateGateBpm: 180 },
    hyper: { ...defaultsFor("compact"), epochs: 1, batchSize: 16 },
    seed: 2,
    folds: subjectFolds(dataset, 3, 1),
    data: "synthetic",
    backend: "wasm",
  };
  for (const pass of ["trained", "reused"]) {
    const summary = await crossValidate(dataset, job, out, () => quietProgress);
    assert.equal(summary.pooled.tp, 0, pass);
    assert.equal(summary.pooled.fn, dataset.labels.filter((l) => l === 1).length, pass);
    for (const fold of summary.perFold) assert.equal(fold.foldThresholdFbeta, 0, pass);
  }
  const ungated = await crossValidate(
    dataset,
    { ...job, spec: compact },
    join(out, "..", "ungated"),
    () => quietProgress,
  );
  assert.ok(ungated.pooled.tp > 0, "without the gate the same training detects VA");
});

Deno.test("crossValidate() decides with the spec's fast zone, for fresh and reused folds", async () => {
  // The non-VA segments (about 190 bpm) lie in a fast zone from 180 bpm whose threshold, 0, calls
  // every one of them VA whatever the network says; the VA segments (170 bpm) lie below it.
  const dataset = syntheticDataset(6, 8);
  const out = join(await Deno.makeTempDir(), "cv");
  const job = {
    spec: { ...compact, rateGateBpm: 160, fastZone: { bpm: 180, threshold: 0 } },
    hyper: { ...defaultsFor("compact"), epochs: 1, batchSize: 16 },
    seed: 2,
    folds: subjectFolds(dataset, 3, 1),
    data: "synthetic",
    backend: "wasm",
  };
  const negatives = dataset.labels.filter((l) => l === 0).length;
  for (const pass of ["trained", "reused"]) {
    const summary = await crossValidate(dataset, job, out, () => quietProgress);
    assert.equal(summary.pooled.fp, negatives, pass);
    assert.equal(summary.pooled.tn, 0, pass);
  }
});

Deno.test("crossValidate() with a fixed threshold pools at it and records it as fixed", async () => {
  const dataset = syntheticDataset(6, 8);
  const out = join(await Deno.makeTempDir(), "cv");
  const hyper = { ...defaultsFor("compact"), epochs: 1, batchSize: 16, threshold: 0.35 };
  const folds = subjectFolds(dataset, 3, 1);
  const job = { spec: compact, hyper, seed: 2, folds, data: "synthetic", backend: "wasm" };
  for (const pass of ["trained", "reused"]) {
    const summary = await crossValidate(dataset, job, out, () => quietProgress);
    assert.equal(summary.threshold, 0.35, pass);
    for (const fold of summary.perFold) {
      assert.equal(fold.foldThreshold, 0.35, pass);
      const run = await loadRun(join(out, `fold-${fold.fold}`));
      assert.deepEqual([run.metrics.threshold, run.metrics.thresholdSource], [0.35, "fixed"]);
    }
  }
});
