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
 * - "nnom blocks, wasm kernels": conv_block_wasm.ts alone (no tfjs) on nnom's four blocks, the
 *   training forward pass, the backward pass (dx only for the mix block, as in training) and
 *   the inference forward pass.
 *
 *   deno bench -A bench/fused_conv_block_bench.ts
 */
import { setupBackend, tf } from "../lib/backend/mod.ts";
import { fusedConvBlock } from "../lib/fused/conv_block_layer.ts";
import { convBlockGeometry } from "../lib/fused/conv_block_kernels.ts";
import {
  convBlockBackwardWasm,
  convBlockForwardWasm,
  releaseConvBlockState,
} from "../lib/fused/conv_block_wasm.ts";
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

for (const fused of [false, true]) {
  const kind = fused ? "fused" : "stock";
  Deno.bench({
    name: `b5 block fwd+bwd, ${BATCH} segments, ${kind}`,
    group: "b5",
    baseline: !fused,
    n: 30,
    warmup: 3,
    fn: gradientStep(b5Model(fused)),
  });
  Deno.bench({
    name: `nnom front end fwd+bwd, ${BATCH} segments, ${kind}`,
    group: "front-end",
    baseline: !fused,
    n: 15,
    warmup: 2,
    fn: gradientStep(frontEndModel(fused)),
  });
  Deno.bench({
    name: `nnom train step, ${BATCH} segments, ${kind}`,
    group: "train-step",
    baseline: !fused,
    n: 10,
    warmup: 2,
    fn: adamStep(fused ? fusedNnomModel(1) : buildModel(nnom, 1), BATCH),
  });
}

/** nnom's blocks: [name, inChannels, filters, kernel, stride, pool, input length]. */
const NNOM_BLOCKS = [
  ["b5", 1, 8, 5, 2, 4, 1250],
  ["b9", 1, 4, 9, 2, 4, 1250],
  ["b13", 1, 4, 13, 2, 4, 1250],
  ["mix", 16, 4, 3, 1, 2, 156],
] as const;

const blocks = NNOM_BLOCKS.map(([name, inChannels, filters, kernelSize, stride, pool, length]) => {
  const g = convBlockGeometry(BATCH, length, inChannels, {
    kernelSize,
    filters,
    stride,
    padding: "same",
    pool,
  });
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const params = {
    kernel: normal(kernelSize * inChannels * filters),
    bias: normal(filters),
    gamma: normal(filters),
    beta: normal(filters),
    movingMean: normal(filters),
    movingVariance: Float32Array.from(normal(filters), (v) => 1 + v * v),
    epsilon: 1e-3,
    training: true,
    lastMaxWins: true,
    float32Statistics: true,
  };
  const x = normal(BATCH * length * inChannels);
  const dy = normal(BATCH * g.pooledLength * filters);
  return { name, g, params, x, dy, input: inChannels > 1 };
});

Deno.bench({
  name: `nnom blocks, wasm kernels: training forward, ${BATCH} segments`,
  n: 30,
  warmup: 3,
  fn: () => {
    for (const b of blocks) {
      releaseConvBlockState(convBlockForwardWasm(b.g, b.x, b.params, true).state!);
    }
  },
});

const kept = blocks.map((b) => convBlockForwardWasm(b.g, b.x, b.params, true).state!);
Deno.bench({
  name: `nnom blocks, wasm kernels: backward, ${BATCH} segments`,
  n: 30,
  warmup: 3,
  fn: () => {
    blocks.forEach((b, i) => convBlockBackwardWasm(kept[i], b.dy, b.input));
  },
});

Deno.bench({
  name: `nnom blocks, wasm kernels: inference forward, ${BATCH} segments`,
  n: 30,
  warmup: 3,
  fn: () => {
    for (const b of blocks) {
      convBlockForwardWasm(b.g, b.x, { ...b.params, training: false }, false);
    }
  },
});
