/**
 * One nnom training step (batch 256: forward, backward, Adam) on the wasm backend, stock tfjs
 * layers against the training twin with the fused GRU (lib/fused). segments/s = 256 / time
 * per iteration; deno bench prints the fused/stock ratio for the group. Random inputs: speed
 * does not depend on the values.
 *
 *   deno bench -A bench/fused_bench.ts
 */
import { setupBackend, tf } from "../lib/backend/mod.ts";
import { buildTrainingModel } from "../lib/fused/mod.ts";
import { nnom } from "../lib/model/mod.ts";
import { Prng } from "../lib/train/prng.ts";

const BATCH = 256;
const rng = new Prng(1);
const samples = Float32Array.from({ length: BATCH * nnom.inputLength }, () => 0.3 * rng.normal());
const labels = Float32Array.from({ length: BATCH }, (_, i) => i % 2);

await setupBackend("wasm");

/** A training step on the twin built with `fused`, as lib/train/train.ts runs it. */
function trainStep(fused: boolean): () => void {
  const { training } = buildTrainingModel(nnom, 1, { fused });
  const optimizer = tf.train.adam(1e-3);
  const variables = training.trainableWeights.map((w) => w.read() as tf.Variable);
  return () => {
    const cost = tf.tidy(() => {
      const x = tf.tensor3d(samples, [BATCH, nnom.inputLength, 1]);
      const y = tf.tensor2d(labels, [BATCH, 1]);
      return optimizer.minimize(
        () => {
          const p = (training.apply(x, { training: true }) as tf.Tensor).clipByValue(
            1e-7,
            1 - 1e-7,
          );
          return y.mul(p.log()).add(y.neg().add(1).mul(p.neg().add(1).log())).neg()
            .mean() as tf.Scalar;
        },
        true,
        variables,
      )!;
    });
    cost.dataSync();
    cost.dispose();
  };
}

Deno.bench({
  name: `nnom train step, ${BATCH} segments, stock layers`,
  group: "nnom-train-fused",
  baseline: true,
  n: 10,
  warmup: 2,
  fn: trainStep(false),
});

Deno.bench({
  name: `nnom train step, ${BATCH} segments, fused GRU`,
  group: "nnom-train-fused",
  n: 20,
  warmup: 2,
  fn: trainStep(true),
});
