/**
 * Training speed of nnom on the wasm backend against the cpu backend: one Adam step on a batch
 * of 64 segments per iteration (samples/s = 64 / time per iteration; deno bench prints the
 * wasm/cpu ratio for the group). Random inputs: speed does not depend on the values.
 *
 *   deno bench -A bench/train_bench.ts
 */
import { type BackendName, setupBackend, tf } from "../lib/backend/mod.ts";
import { buildModel, nnom } from "../lib/model/mod.ts";
import { Prng } from "../lib/train/prng.ts";

const BATCH = 64;
const rng = new Prng(1);
const samples = Float32Array.from({ length: BATCH * nnom.inputLength }, () => 0.3 * rng.normal());
const labels = Float32Array.from({ length: BATCH }, (_, i) => i % 2);

/** A training step function for nnom on `backend`, model and optimizer built once. */
async function trainStepOn(backend: BackendName): Promise<() => Promise<void>> {
  await setupBackend(backend);
  const model = buildModel(nnom, 1);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
  return async () => {
    await setupBackend(backend);
    const x = tf.tensor3d(samples, [BATCH, nnom.inputLength, 1]);
    const y = tf.tensor2d(labels, [BATCH, 1]);
    await model.trainOnBatch(x, y);
    x.dispose();
    y.dispose();
  };
}

const wasmStep = await trainStepOn("wasm");
const cpuStep = await trainStepOn("cpu");

Deno.bench({
  name: `nnom train step, ${BATCH} segments, cpu`,
  group: "nnom-train",
  baseline: true,
  n: 4,
  warmup: 1,
  fn: cpuStep,
});

Deno.bench({
  name: `nnom train step, ${BATCH} segments, wasm`,
  group: "nnom-train",
  n: 20,
  warmup: 2,
  fn: wasmStep,
});
