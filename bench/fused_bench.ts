/**
 * One nnom training step (batch 256: forward, backward, Adam) on the wasm backend: the stock
 * tfjs layers against the training twin (lib/fused: every fused layer buildTrainingModel slots
 * in). segments/s = 256 / time per iteration; deno bench prints the ratio for the group.
 * Random inputs: speed does not depend on the values. A second group times the fused GRU's
 * kernels alone at nnom's shapes ([256, 78, 4] → 12 units): the reference ones (gru.ts) and
 * the WebAssembly ones the op runs (gru_wasm.ts: a training forward pass keeping its tape,
 * backpropagation through time from it, and inference without a tape), and the tfjs op around
 * them (fusedGru: the kernels, the copies to and from tfjs' heap, tfjs' bookkeeping).
 *
 *   deno bench -A bench/fused_bench.ts
 */
import { setupBackend, tf } from "../lib/backend/mod.ts";
import { buildTrainingModel, fusedGru, gruBackward, gruForward } from "../lib/fused/mod.ts";
import {
  gruBackwardWasm,
  gruForwardWasm,
  gruInferenceWasm,
  releaseGruTape,
} from "../lib/fused/gru_wasm.ts";
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
  name: `nnom train step, ${BATCH} segments, fused twin`,
  group: "nnom-train-fused",
  n: 20,
  warmup: 2,
  fn: trainStep(true),
});

const dims = { batch: BATCH, time: 78, inputs: 4, units: 12 };
const random = (n: number, sd: number) => Float32Array.from({ length: n }, () => sd * rng.normal());
const gx = random(BATCH * 78 * 4, 1);
const kernel = random(4 * 36, 0.5);
const recurrent = random(12 * 36, 0.3);
const bias = random(36, 0.3);
const dy = random(BATCH * 78 * 12, 1);
const tape = gruForward(dims, gx, kernel, recurrent, bias);
const wasmTape = gruForwardWasm(dims, gx, kernel, recurrent, bias);

Deno.bench({
  name: `gruForward (reference), nnom shapes, batch ${BATCH}`,
  group: "fused-gru-kernels",
  baseline: true,
  n: 30,
  warmup: 3,
  fn: () => void gruForward(dims, gx, kernel, recurrent, bias),
});

Deno.bench({
  name: `gruBackward (reference), nnom shapes, batch ${BATCH}`,
  group: "fused-gru-kernels",
  n: 30,
  warmup: 3,
  fn: () => void gruBackward(dims, gx, kernel, recurrent, tape, dy, true),
});

Deno.bench({
  name: `gruForwardWasm, nnom shapes, batch ${BATCH}`,
  group: "fused-gru-kernels",
  n: 30,
  warmup: 3,
  fn: () => releaseGruTape(gruForwardWasm(dims, gx, kernel, recurrent, bias)),
});

Deno.bench({
  name: `gruInferenceWasm, nnom shapes, batch ${BATCH}`,
  group: "fused-gru-kernels",
  n: 30,
  warmup: 3,
  fn: () => void gruInferenceWasm(dims, gx, kernel, recurrent, bias, true),
});

Deno.bench({
  name: `gruBackwardWasm, nnom shapes, batch ${BATCH}`,
  group: "fused-gru-kernels",
  n: 30,
  warmup: 3,
  fn: () => void gruBackwardWasm(dims, kernel, recurrent, wasmTape, dy, true),
});

const op = [gx, kernel, recurrent, bias].map((v, i) =>
  tf.tensor(v, [[BATCH, 78, 4], [4, 36], [12, 36], [36]][i])
);
const opDy = tf.tensor3d(dy, [BATCH, 78, 12]);

Deno.bench({
  name: `fusedGru op inference, nnom shapes, batch ${BATCH}`,
  group: "fused-gru-op",
  baseline: true,
  n: 30,
  warmup: 3,
  fn: () => fusedGru(op[0], op[1], op[2], op[3], true).dispose(),
});

Deno.bench({
  name: `fusedGru op forward + gradients, nnom shapes, batch ${BATCH}`,
  group: "fused-gru-op",
  n: 30,
  warmup: 3,
  fn: () => {
    const grads = tf.grads((x, k, r, b) => fusedGru(x, k, r, b, true))(op, opDy);
    grads.forEach((g) => g.dispose());
  },
});
