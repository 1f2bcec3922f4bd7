import assert from "node:assert/strict";
import { setupBackend } from "../../lib/backend/mod.ts";
import { subset } from "../../lib/data/mod.ts";
import { int8CrossValidation, predictInt8 } from "../../lib/evaluate/mod.ts";
import { predictClass, RATE_ZONE } from "../../lib/interp/mod.ts";
import { binaryMetrics } from "../../lib/metrics/metrics.ts";
import { compact } from "../../lib/model/mod.ts";
import { quantizeRun } from "../../lib/quant/mod.ts";
import { segmentsOfSubjects } from "../../lib/quant/segments.ts";
import { defaultsFor, train, type TrainConfig } from "../../lib/train/mod.ts";
import { syntheticDataset } from "../train/_synthetic.ts";

await setupBackend("wasm");

const dataset = syntheticDataset(4, 12);
const SUBJECTS = dataset.subjectNames;
const OPTIONS = {
  calib: "max",
  perChannel: true,
  calibrationSegments: 20,
  sqnrSegments: 4,
} as const;

/** A compact run trained briefly with `held` held out (two folds of two subjects each). */
function foldRun(held: string[]) {
  const trainSubjects = SUBJECTS.filter((s) => !held.includes(s));
  const config: TrainConfig = {
    ...defaultsFor("compact"),
    arch: "compact",
    seed: 3,
    folds: 2,
    fold: held[0] === SUBJECTS[0] ? 0 : 1,
    data: "synthetic",
    trainSubjects,
    validationSubjects: held,
    inputClip: null,
    backend: "wasm",
    fused: true,
    epochs: 2,
    batchSize: 8,
    learningRate: 1e-2,
  };
  const split = {
    train: segmentsOfSubjects(dataset, trainSubjects),
    validation: segmentsOfSubjects(dataset, held),
  };
  const { model, metrics } = train(dataset, split, compact, config);
  return { model, spec: compact, config, metrics };
}

Deno.test("int8CrossValidation pools every fold's held-out int8 outputs at one threshold", () => {
  const runs = [foldRun(SUBJECTS.slice(0, 2)), foldRun(SUBJECTS.slice(2))];
  const cv = int8CrossValidation(runs, dataset, OPTIONS);

  // Every segment is held out exactly once.
  assert.equal(cv.pooled.n, dataset.size);
  assert.equal(cv.fbetaByFold.length, 2);
  // The same decisions, made here fold by fold from the quantized runs.
  const classes = runs.flatMap((run) => {
    const { int8IR } = quantizeRun(run, dataset, { ...OPTIONS, validationSegments: 1 });
    const indices = segmentsOfSubjects(dataset, run.config.validationSubjects);
    const { outputs } = predictInt8(int8IR, subset(dataset, indices));
    return Array.from(outputs, (v) => predictClass({ threshold: cv.threshold }, v, RATE_ZONE.open));
  });
  const labels = runs.flatMap((run) =>
    segmentsOfSubjects(dataset, run.config.validationSubjects).map((i) => dataset.labels[i])
  );
  assert.equal(cv.pooled.fbeta, binaryMetrics(labels, classes, 1).fbeta);
  assert.ok(cv.threshold > 0 && cv.threshold < 1);
  assert.equal(cv.fbetaMean, (cv.fbetaByFold[0] + cv.fbetaByFold[1]) / 2);
  runs.forEach((run) => run.model.dispose());
});
