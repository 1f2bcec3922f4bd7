/**
 * The fused Conv1D → BatchNorm → ReLU → MaxPool block against the stock tfjs chain on the wasm
 * backend, forward + backward in training mode at batch 256 (segments/s = 256 / time per
 * iteration):
 *
 * - "b5 block": nnom's first branch alone (in 1, k 5, stride 2, 8 filters, pool 4, 1250
 *   samples), gradients of every weight (not of the input, which is the model input);
 * - "nnom front end": the three branches, concatenation and the mix block;
 * - "nnom train step": a whole Adam step of nnom (GRU, dense head): lib/model's buildModel, or
 *   fusedNnomModel (lib/fused/conv_block_profile.ts: the training twin, GRU fused too) with the
 *   same initial weights.
 *
 * "fused, 2 cores" runs the blocks' passes on a ConvBlockPool (main thread + 1 worker).
 *
 *   deno bench -A bench/fused_conv_block_bench.ts
 */
import { setupBackend, tf } from "../lib/backend/mod.ts";
import { setConvBlockExecutor } from "../lib/fused/conv_block.ts";
import { fusedConvBlock } from "../lib/fused/conv_block_layer.ts";
import { ConvBlockPool } from "../lib/fused/conv_block_pool.ts";
import { adamStep, fusedNnomModel } from "../lib/fused/conv_block_profile.ts";
import { buildModel, nnom } from "../lib/model/mod.ts";
import { Prng } from "../lib/train/prng.ts";

const BATCH = 256;
const LENGTH = 1250;

await setupBackend("wasm");
const rng = new Prng(1);
const samples = Float32Array.from({ length: BATCH * LENGTH }, () => 0.3 * rng.normal());

type Block = (x: tf.SymbolicTensor) => tf.SymbolicTensor;

/** Conv1D → BN → ReLU → MaxPool, stock (four layers) or fused (one). */
function block(
  fused: boolean,
  name: string,
  filters: number,
  kernel: number,
  stride: number,
  pool: number,
): Block {
  return (x) => {
    if (fused) {
      return fusedConvBlock({ name, filters, kernel, stride, pool }).apply(x) as tf.SymbolicTensor;
    }
    const conv = tf.layers.conv1d({
      name: `${name}_conv`,
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: "same",
    });
    const bn = tf.layers.batchNormalization({ name: `${name}_bn`, axis: -1 });
    return tf.layers.maxPooling1d({ poolSize: pool, strides: pool }).apply(
      tf.layers.reLU().apply(bn.apply(conv.apply(x))),
    ) as tf.SymbolicTensor;
  };
}

/** nnom up to the mix block's output [B, 78, 4]. */
function frontEnd(fused: boolean, input: tf.SymbolicTensor): tf.SymbolicTensor {
  const concat = tf.layers.concatenate({ axis: -1 }).apply([
    block(fused, "b5", 8, 5, 2, 4)(input),
    block(fused, "b9", 4, 9, 2, 4)(input),
    block(fused, "b13", 4, 13, 2, 4)(input),
  ]) as tf.SymbolicTensor;
  return block(fused, "mix", 4, 3, 1, 2)(concat);
}

/** Forward + backward of Σ y·r over every trainable weight of `model` (no update). */
function gradientStep(model: tf.LayersModel): () => void {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const outShape = model.outputs[0].shape.slice(1) as number[];
  const r = tf.randomNormal([BATCH, ...outShape], 0, 1, "float32", 2);
  return () => {
    tf.tidy(() => {
      const x = tf.tensor3d(samples, [BATCH, LENGTH, 1]);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar,
        variables,
      );
      for (const g of Object.values(grads)) g.dataSync();
    });
  };
}

function b5Model(fused: boolean): tf.LayersModel {
  const input = tf.input({ shape: [LENGTH, 1] });
  return tf.model({ inputs: input, outputs: block(fused, "b5", 8, 5, 2, 4)(input) });
}

function frontEndModel(fused: boolean): tf.LayersModel {
  const input = tf.input({ shape: [LENGTH, 1] });
  return tf.model({ inputs: input, outputs: frontEnd(fused, input) });
}

const pool = new ConvBlockPool(1);
globalThis.addEventListener("unload", () => pool.terminate());

/** `step` with the conv blocks on the pool (and back to serial after). */
function onPool(step: () => void): () => void {
  return () => {
    setConvBlockExecutor(pool);
    try {
      step();
    } finally {
      setConvBlockExecutor(null);
    }
  };
}

for (const variant of ["stock", "fused", "fused, 2 cores"] as const) {
  const fused = variant !== "stock";
  const kind = variant;
  const wrap = variant === "fused, 2 cores" ? onPool : (step: () => void) => step;
  Deno.bench({
    name: `b5 block fwd+bwd, ${BATCH} segments, ${kind}`,
    group: "b5",
    baseline: !fused,
    n: 30,
    warmup: 3,
    fn: wrap(gradientStep(b5Model(fused))),
  });
  Deno.bench({
    name: `nnom front end fwd+bwd, ${BATCH} segments, ${kind}`,
    group: "front-end",
    baseline: !fused,
    n: 15,
    warmup: 2,
    fn: wrap(gradientStep(frontEndModel(fused))),
  });
  Deno.bench({
    name: `nnom train step, ${BATCH} segments, ${kind}`,
    group: "train-step",
    baseline: !fused,
    n: 10,
    warmup: 2,
    fn: wrap(adamStep(fused ? fusedNnomModel(1) : buildModel(nnom, 1), BATCH)),
  });
}
