import assert from "node:assert/strict";
import { setupBackend, tf } from "../../lib/backend/mod.ts";
import { buildTrainingModel } from "../../lib/fused/twin.ts";
import { type ArchSpec, compact, INPUT, nnom } from "../../lib/model/mod.ts";
import {
  batchLoss,
  defaultsFor,
  ReplicaPool,
  shardBounds,
  train,
  type TrainConfig,
  TrainingDivergedError,
} from "../../lib/train/mod.ts";
import { splitBySubject, syntheticConfig, syntheticDataset } from "./_synthetic.ts";

await setupBackend("wasm");

/** A small model without BatchNorm or dropout: a shard's gradient does not depend on the rest. */
const tiny: ArchSpec = {
  name: "tiny",
  inputLength: 1250,
  inputClip: null,
  layers: [
    {
      op: "conv1d",
      name: "conv",
      inputs: [INPUT],
      filters: 3,
      kernel: 85,
      stride: 32,
      padding: "valid",
    },
    { op: "relu", name: "relu", inputs: ["conv"] },
    { op: "maxpool1d", name: "pool", inputs: ["relu"], pool: 2 },
    { op: "gru", name: "gru", inputs: ["pool"], units: 4, returnSequences: false },
    { op: "dense", name: "out", inputs: ["gru"], units: 1, activation: "sigmoid" },
  ],
  output: "out",
};

function batchOf(count: number): { samples: Float32Array; labels: Float32Array } {
  const samples = new Float32Array(count * 1250);
  for (let i = 0; i < samples.length; i++) samples[i] = 0.5 * Math.sin(0.013 * i + (i % 7));
  const labels = Float32Array.from({ length: count }, (_, i) => (i * 5) % 3 === 0 ? 1 : 0);
  return { samples, labels };
}

/** The single-process mean loss and gradients (by trainable weight index). */
function singleProcess(model: tf.LayersModel, samples: Float32Array, labels: Float32Array) {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor3d(samples, [labels.length, 1250, 1]);
    const y = tf.tensor2d(labels, [labels.length, 1]);
    const weights = { negative: 0.7, positive: 1.6 };
    return tf.variableGrads(() => batchLoss(model, x, y, weights), variables);
  });
  const result = {
    loss: value.dataSync()[0],
    grads: variables.map((v) => grads[v.name].dataSync().slice()),
  };
  tf.dispose([value, grads]);
  return result;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
  }
  assert.ok(diff <= 1e-5 * scale, `${what}: max difference ${diff}, scale ${scale}`);
}

Deno.test("shardBounds() splits a batch into contiguous shards differing by at most one", () => {
  assert.deepEqual(shardBounds(256, 2), [[0, 128], [128, 256]]);
  assert.deepEqual(shardBounds(7, 3), [[0, 2], [2, 4], [4, 7]]);
  assert.deepEqual(shardBounds(1, 3), [[0, 0], [0, 0], [0, 1]]);
});

for (const [count, replicas] of [[12, 2], [7, 3], [2, 3]]) {
  Deno.test(
    `ReplicaPool.gradients() equals the single-process gradient (${count} segments, ` +
      `${replicas} replicas, no BatchNorm)`,
    () => {
      const { stock, training } = buildTrainingModel(tiny, 5, { fused: true });
      stock.dispose();
      const { samples, labels } = batchOf(count);
      const expected = singleProcess(training, samples, labels);
      const pool = ReplicaPool.start(training, tiny, { replicas, fused: true, randomSeed: 1 });
      try {
        const { loss, grads } = pool.gradients(samples, labels, { negative: 0.7, positive: 1.6 });
        assertClose([loss], [expected.loss], "loss");
        training.trainableWeights.forEach((w, i) => {
          assertClose(grads[(w.read() as tf.Variable).name].dataSync(), expected.grads[i], w.name);
        });
        tf.dispose(grads);
      } finally {
        pool.terminate();
        training.dispose();
      }
    },
  );
}

Deno.test("ReplicaPool.gradients() gives the caller's model the shards' mean moving statistics", () => {
  const { stock, training } = buildTrainingModel(nnom, 5, { fused: true });
  stock.dispose();
  const { samples, labels } = batchOf(6);
  const names = training.nonTrainableWeights.map((w) => w.originalName);
  assert.ok(names.some((n) => n.endsWith("moving_mean")));
  const before = training.getWeights().map((w) => w.clone());
  // Each half alone, from the same weights: what the two replicas compute.
  const half = (from: number, to: number) => {
    training.setWeights(before);
    singleProcess(training, samples.slice(from * 1250, to * 1250), labels.slice(from, to));
    return training.nonTrainableWeights.map((w) => w.read().dataSync().slice());
  };
  const first = half(0, 3);
  const second = half(3, 6);
  training.setWeights(before);
  const pool = ReplicaPool.start(training, nnom, { replicas: 2, fused: true, randomSeed: 1 });
  try {
    tf.dispose(pool.gradients(samples, labels, null).grads);
    training.nonTrainableWeights.forEach((w, i) => {
      const mean = first[i].map((v, j) => (v + second[i][j]) / 2);
      assertClose(w.read().dataSync(), mean, w.originalName);
    });
  } finally {
    pool.terminate();
    tf.dispose(before);
    training.dispose();
  }
});

Deno.test("ReplicaPool names the worker and the step when a worker fails", () => {
  const { stock, training } = buildTrainingModel(tiny, 5, { fused: true });
  stock.dispose();
  const pool = ReplicaPool.start(training, tiny, { replicas: 2, fused: true, randomSeed: 1 });
  try {
    // One segment: shard 0 is empty, so only the worker sees the malformed input.
    assert.throws(
      () => pool.gradients(new Float32Array(100), new Float32Array(1), null),
      /Data-parallel worker 1 failed step 1: \w+/,
    );
    pool.terminate();
    assert.equal(ReplicaPool.runningWorkers, 0);
    assert.throws(() => pool.gradients(new Float32Array(1250), new Float32Array(1), null), {
      message: /terminated/,
    });
  } finally {
    pool.terminate();
    training.dispose();
  }
});

Deno.test("ReplicaPool.start() reports a worker that cannot build the same model", () => {
  const { stock, training } = buildTrainingModel(tiny, 5, { fused: true });
  stock.dispose();
  try {
    assert.throws(
      () => ReplicaPool.start(training, nnom, { replicas: 2, fused: true, randomSeed: 1 }),
      /Data-parallel worker 1 failed starting: TypeError: The replica of "nnom" has weights/,
    );
    assert.equal(ReplicaPool.runningWorkers, 0);
    assert.throws(
      () => ReplicaPool.start(training, tiny, { replicas: 1, fused: true, randomSeed: 1 }),
      RangeError,
    );
  } finally {
    training.dispose();
  }
});

const dataset = syntheticDataset(4, 12);
const split = splitBySubject(dataset, 3);

/** nnom on the synthetic subjects with 2 workers. */
function configFor(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return syntheticConfig(nnom, { workers: 2, ...overrides });
}

Deno.test("train() with 2 workers gives the same weights twice (nnom, dropout, augmentation)", () => {
  const config = configFor({
    augmentation: { signFlip: true, amplitudeScale: 0.1, noiseStd: 0.05, timeShift: 20 },
  });
  const weights = (c: TrainConfig) => {
    const { model } = train(dataset, split, nnom, c);
    const values = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return values;
  };
  const first = weights(config);
  assert.equal(ReplicaPool.runningWorkers, 0);
  assert.deepEqual(weights(config), first);
  // Per-shard BatchNorm and the workers' dropout streams: not the one-thread run.
  assert.notDeepEqual(weights({ ...config, workers: 1 }), first);
});

const compactRun = {
  arch: "compact",
  inputClip: compact.inputClip,
  epochs: 1,
  batchSize: 8,
  workers: 2,
};

Deno.test("train() with 2 workers stops its workers when training fails", () => {
  const poisoned = syntheticDataset(4, 12);
  poisoned.samples.fill(NaN, 0, 1250 * 48);
  assert.throws(
    () =>
      train(poisoned, split, compact, { ...configFor(), ...defaultsFor("compact"), ...compactRun }),
    (error: Error) =>
      error instanceof TrainingDivergedError && /epoch 1, step 1 of 5/.test(error.message),
  );
  assert.equal(ReplicaPool.runningWorkers, 0);
});

Deno.test("train() rejects a worker count below 1", () => {
  assert.throws(() => train(dataset, split, nnom, configFor({ workers: 0 })), {
    name: "RangeError",
    message: /config.workers must be an integer ≥ 1, got 0/,
  });
});
