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

Deno.test("meanSd() uses the sample standard deviation", () => {
  assert.deepEqual(meanSd([1, 2, 3]), { mean: 2, sd: 1 });
  assert.deepEqual(meanSd([5]), { mean: 5, sd: 0 });
});
