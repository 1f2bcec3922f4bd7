import assert from "node:assert/strict";
import { setupBackend } from "../../lib/backend/mod.ts";
import { compact, nnom } from "../../lib/model/mod.ts";
import { train, TrainingDivergedError } from "../../lib/train/mod.ts";
import { splitBySubject, syntheticConfig, syntheticDataset } from "./_synthetic.ts";

await setupBackend("wasm");

const configFor = syntheticConfig;

const dataset = syntheticDataset(4, 12);
const split = splitBySubject(dataset, 3);

for (const fused of [true, false]) {
  Deno.test(
    `train() gives the same weights twice (nnom, with dropout and augmentation, ${
      fused ? "fused" : "stock layers"
    })`,
    () => {
      const config = configFor(nnom, {
        fused,
        augmentation: { signFlip: true, amplitudeScale: 0.1, noiseStd: 0.05, timeShift: 20 },
      });
      const weights = () => {
        const { model } = train(dataset, split, nnom, config);
        const values = model.getWeights().map((w) => Array.from(w.dataSync()));
        model.dispose();
        return values;
      };
      const first = weights();
      assert.deepEqual(weights(), first);
      const other = train(dataset, split, nnom, { ...config, seed: 12 }).model;
      assert.notDeepEqual(other.getWeights().map((w) => Array.from(w.dataSync())), first);
    },
  );
}

Deno.test("train() with fused kernels follows the stock layers' training closely (nnom)", () => {
  const config = configFor(nnom, { epochs: 2, learningRate: 1e-2 });
  const run = (fused: boolean) => {
    const { model, validation } = train(dataset, split, nnom, { ...config, fused });
    assert.equal(model.getLayer("gru").getClassName(), "GRU"); // the stock model either way
    // A conv bias before BatchNorm has a zero gradient up to float noise, which Adam's
    // normalisation turns into full-size steps; it and the moving mean it shifts differ
    // between the runs but cancel in the function (compared through the scores).
    const weights = model.weights.filter((w) => !/_conv\/bias$|moving_mean$/.test(w.originalName))
      .map((w) => w.read().dataSync().slice());
    model.dispose();
    return { weights, scores: validation.scores };
  };
  const fused = run(true);
  const stock = run(false);
  // 10 Adam steps: float rounding differences grow a little with every step.
  fused.weights.forEach((w, i) => {
    let diff = 0;
    let scale = 0;
    for (let j = 0; j < w.length; j++) {
      diff = Math.max(diff, Math.abs(w[j] - stock.weights[i][j]));
      scale = Math.max(scale, Math.abs(stock.weights[i][j]));
    }
    assert.ok(diff <= 1e-3 * scale, `weight ${i}: max difference ${diff}, scale ${scale}`);
  });
  // The scores feel the conv-bias drift before the moving mean catches up: the stock side's
  // bias gradient is float32 noise (~1e-6, above Adam's epsilon, so full-size steps), the fused
  // side's float64 noise (far below it). Measured differences up to 0.023 after these 10 steps
  // at learning rate 1e-2 and BatchNorm momentum 0.9.
  fused.scores.forEach((p, i) => assert.ok(Math.abs(p - stock.scores[i]) < 5e-2, `score ${i}`));
});

Deno.test("train() learns a separable task and records history, metrics and predictions", () => {
  const config = configFor(compact, { epochs: 4, learningRate: 1e-2, patience: 10 });
  const result = train(dataset, split, compact, config);
  assert.equal(result.history.length, 4);
  assert.ok(result.history[3].loss < result.history[0].loss, "the training loss did not fall");
  assert.ok(result.metrics.fbeta >= 0.9, `validation Fβ ${result.metrics.fbeta}`);
  assert.equal(result.metrics.thresholdSource, "fold-validation");
  assert.ok(result.metrics.threshold > 0 && result.metrics.threshold < 1);
  assert.deepEqual(result.validation.subjects, Array(12).fill("S04"));
  assert.equal(result.validation.scores.length, 12);
  assert.deepEqual(result.validation.rhythms.slice(0, 2), ["SR", "VT"]);
});

Deno.test("train() with a fixed threshold scores validation there and chooses nothing", () => {
  const config = configFor(compact, { epochs: 1, threshold: 0.3 });
  const { metrics, validation, model } = train(dataset, split, compact, config);
  model.dispose();
  assert.deepEqual([metrics.threshold, metrics.thresholdSource], [0.3, "fixed"]);
  const flagged = validation.scores.filter((s, i) => s >= 0.3 && validation.labels[i] === 1);
  assert.equal(metrics.tp, flagged.length);
  for (const bad of [0, 1, NaN]) {
    assert.throws(
      () => train(dataset, split, compact, { ...config, threshold: bad }),
      /threshold must be a number between 0 and 1/,
    );
  }
});

Deno.test("train() keeps the best epoch's weights and stops early after `patience` epochs", () => {
  // At a learning rate of 0 only the BatchNorm moving statistics change between epochs, so
  // validation soon stops improving; training must stop `patience` epochs after the best.
  const config = configFor(compact, { epochs: 30, learningRate: 0, patience: 2 });
  const notes: string[] = [];
  const result = train(dataset, split, compact, config, {
    epochStart() {},
    step() {},
    epochEnd() {},
    note: (message) => notes.push(message),
  });
  const { bestEpoch, epochsTrained } = result.metrics;
  assert.ok(epochsTrained < 30, "never stopped early");
  assert.equal(epochsTrained, bestEpoch + 2);
  assert.equal(result.history.length, epochsTrained);
  const fbetas = result.history.map((h) => h.validation.bestThresholdFbeta);
  assert.equal(Math.max(...fbetas), fbetas[bestEpoch - 1]);
  assert.ok(fbetas.slice(0, bestEpoch - 1).every((f) => f < fbetas[bestEpoch - 1]));
  assert.match(notes.join("\n"), /early stop/);
  assert.match(notes.join("\n"), new RegExp(`kept epoch ${bestEpoch}\\b`));
});

Deno.test("train() throws TrainingDivergedError naming the epoch and step when the loss is NaN", () => {
  const poisoned = syntheticDataset(4, 12);
  poisoned.samples.fill(NaN, 0, 1250 * 48);
  assert.throws(
    () => train(poisoned, split, compact, configFor(compact)),
    (error: Error) =>
      error instanceof TrainingDivergedError && /epoch 1, step 1 of 5/.test(error.message),
  );
});

Deno.test("train() rejects an empty training split", () => {
  assert.throws(
    () => train(dataset, { train: [], validation: split.validation }, compact, configFor(compact)),
    { name: "RangeError", message: /training split is empty/ },
  );
});

Deno.test("train() with keep average never consults the validation subjects", () => {
  // The same run with the validation subject's labels inverted: a kept best epoch may move,
  // the averaged weights may not.
  const inverted = { ...dataset, labels: dataset.labels.slice() };
  for (const i of split.validation) inverted.labels[i] = 1 - inverted.labels[i];
  const config = configFor(compact, {
    epochs: 4,
    learningRate: 1e-2,
    patience: 1,
    keep: "average",
    averageEpochs: 2,
    learningRateSchedule: "cosine",
  });
  const weights = (data: typeof dataset) => {
    const { model, metrics, history } = train(data, split, compact, config);
    assert.equal(history.length, 4, "a run that averages trains every epoch");
    assert.equal(metrics.bestEpoch, 4);
    const values = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return values;
  };
  assert.deepEqual(weights(inverted), weights(dataset));
});

Deno.test("train() with keep average keeps the mean of the last epochs' weights", () => {
  // At a constant rate, a run of k epochs ends where epoch k of a longer run does.
  const config = (epochs: number, averageEpochs: number) =>
    configFor(compact, { epochs, learningRate: 1e-2, keep: "average", averageEpochs });
  const final = (epochs: number, averageEpochs = 1) => {
    const { model } = train(dataset, split, compact, config(epochs, averageEpochs));
    const values = model.getWeights().map((w) => Float64Array.from(w.dataSync()));
    model.dispose();
    return values;
  };
  const ends = [1, 2, 3].map((epochs) => final(epochs));
  const mean = final(3, 3);
  mean.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) {
      const expected = (ends[0][i][j] + ends[1][i][j] + ends[2][i][j]) / 3;
      assert.ok(Math.abs(w[j] - expected) <= 1e-6 * (1 + Math.abs(expected)), `weight ${i}[${j}]`);
    }
  });
  assert.notDeepEqual(Array.from(mean[0]), Array.from(ends[2][0]));
});

Deno.test("train() rejects an average over more epochs than it trains", () => {
  const config = configFor(compact, { epochs: 2, keep: "average", averageEpochs: 3 });
  assert.throws(() => train(dataset, split, compact, config), {
    name: "RangeError",
    message: /averageEpochs must be an integer from 1 to the 2 epochs, got 3/,
  });
});

Deno.test("train() rejects an unknown keep rule or schedule before training", () => {
  const keep = configFor(compact, { keep: "last" as never });
  assert.throws(
    () => train(dataset, split, compact, keep),
    /keep must be "best-epoch" or "average"/,
  );
  const schedule = configFor(compact, { learningRateSchedule: "step" as never });
  assert.throws(() => train(dataset, split, compact, schedule), /learningRateSchedule must be/);
});
