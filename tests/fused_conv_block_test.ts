/**
 * The fused block against the stock tfjs chain conv1d → batchNormalization → reLU →
 * maxPooling1d on the wasm backend: outputs, gradients with respect to the input and every
 * weight, and the moving-statistics update.
 *
 * Relative error of a tensor a against the stock b: max|a − b| / max|b| (the largest deviation
 * over the largest magnitude). The conv bias gradient is the exception: under training-mode
 * BatchNorm it is exactly 0 in exact arithmetic, so both sides hold rounding noise; it is
 * measured against the sum of the magnitudes of the terms it adds up, |γ|·r·Σ|dy| per filter.
 */
import assert from "node:assert/strict";
import { setupBackend, tf } from "../lib/backend/mod.ts";
import {
  copyWeightsByStockName,
  FusedConvBlock,
  fusedConvBlock,
  weightsByStockName,
} from "../lib/fused/conv_block_layer.ts";
import {
  convBlockBackward,
  convBlockForward,
  convBlockGeometry,
  type Padding,
} from "../lib/fused/conv_block_kernels.ts";
import {
  convBlockBackwardWasm,
  convBlockForwardWasm,
  convBlockHeapBytes,
  releaseConvBlockState,
} from "../lib/fused/conv_block_wasm.ts";
import { loadRun } from "../lib/train/run_dir.ts";
import { buildModel, nnom } from "../lib/model/mod.ts";
import { fusedNnomModel } from "../lib/fused/conv_block_profile.ts";
import { Prng } from "../lib/train/prng.ts";

const TOLERANCE = 1e-5;
/** The committed, trained nnom run (fold 0 held out). */
const TRAINED_RUN = new URL("../models/nnom/run", import.meta.url).pathname;

interface Shape {
  name: string;
  length: number;
  inChannels: number;
  filters: number;
  kernel: number;
  stride: number;
  padding: Padding;
  pool: number;
}

const SHAPES: Shape[] = [
  {
    name: "b5",
    length: 1250,
    inChannels: 1,
    filters: 8,
    kernel: 5,
    stride: 2,
    padding: "same",
    pool: 4,
  },
  {
    name: "b9",
    length: 1250,
    inChannels: 1,
    filters: 4,
    kernel: 9,
    stride: 2,
    padding: "same",
    pool: 4,
  },
  {
    name: "b13",
    length: 1250,
    inChannels: 1,
    filters: 4,
    kernel: 13,
    stride: 2,
    padding: "same",
    pool: 4,
  },
  {
    name: "mix",
    length: 156,
    inChannels: 16,
    filters: 4,
    kernel: 3,
    stride: 1,
    padding: "same",
    pool: 2,
  },
  {
    name: "v7",
    length: 300,
    inChannels: 3,
    filters: 5,
    kernel: 7,
    stride: 3,
    padding: "valid",
    pool: 3,
  },
  {
    name: "v4",
    length: 101,
    inChannels: 2,
    filters: 3,
    kernel: 4,
    stride: 2,
    padding: "same",
    pool: 4,
  },
  // The compact arch's conv → BN → ReLU, with a pool of 1 standing for "no pool".
  {
    name: "c85",
    length: 1250,
    inChannels: 1,
    filters: 3,
    kernel: 85,
    stride: 32,
    padding: "valid",
    pool: 1,
  },
];

/** The six weights in stock order: kernel, bias, gamma, beta, moving mean, moving variance. */
function randomWeights(s: Shape, rng: Prng): tf.Tensor[] {
  const normal = (n: number, scale: number, offset = 0) =>
    Float32Array.from({ length: n }, () => offset + scale * rng.normal());
  const f = s.filters;
  return [
    tf.tensor3d(normal(s.kernel * s.inChannels * f, 0.5), [s.kernel, s.inChannels, f]),
    tf.tensor1d(normal(f, 0.2)),
    tf.tensor1d(normal(f, 0.5, 1)),
    tf.tensor1d(normal(f, 0.5)),
    tf.tensor1d(normal(f, 0.2)),
    tf.tensor1d(Float32Array.from({ length: f }, () => 0.5 + rng.next())),
  ];
}

/** A one-block model: the fused layer or the stock four. */
function blockModel(s: Shape, fused: boolean): tf.LayersModel {
  const input = tf.input({ shape: [s.length, s.inChannels] });
  let out: tf.SymbolicTensor;
  if (fused) {
    out = fusedConvBlock({ ...s, name: `${s.name}` }).apply(input) as tf.SymbolicTensor;
  } else {
    const conv = tf.layers.conv1d({
      name: `${s.name}_conv`,
      filters: s.filters,
      kernelSize: s.kernel,
      strides: s.stride,
      padding: s.padding,
    });
    const bn = tf.layers.batchNormalization({ name: `${s.name}_bn`, axis: -1 });
    const relu = tf.layers.reLU();
    const pool = tf.layers.maxPooling1d({ poolSize: s.pool, strides: s.pool });
    out = pool.apply(relu.apply(bn.apply(conv.apply(input)))) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: out });
}

interface Result {
  y: Float32Array;
  grads: Float32Array[]; // x, kernel, bias, gamma, beta
  moving: Float32Array[]; // mean, variance after the step
}

/** One step of `model` on x: output, gradients of Σ y·r, moving statistics after it. */
function step(model: tf.LayersModel, x: tf.Tensor, r: tf.Tensor, training = true): Result {
  return tf.tidy(() => {
    const xv = tf.variable(x, true);
    const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let y: tf.Tensor | null = null;
    const { grads } = tf.variableGrads(() => {
      y = tf.keep(model.apply(xv, { training }) as tf.Tensor);
      return tf.sum(tf.mul(y, r)) as tf.Scalar;
    }, [xv, ...trainable]);
    const result = {
      y: y!.dataSync() as Float32Array,
      grads: [xv, ...trainable].map((v) => grads[v.name].dataSync() as Float32Array),
      moving: model.getWeights().slice(4).map((w) => w.dataSync() as Float32Array),
    };
    y!.dispose();
    xv.dispose();
    return result;
  });
}

/** max|a − b| / max|b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let dev = 0, mag = 0;
  for (let i = 0; i < a.length; i++) {
    dev = Math.max(dev, Math.abs(a[i] - b[i]));
    mag = Math.max(mag, Math.abs(b[i]));
  }
  return mag === 0 ? dev : dev / mag;
}

/** The conv bias gradient's deviation over |γ|·r·Σ|dy| (its terms' magnitudes), worst filter. */
function biasGradientError(
  fused: ArrayLike<number>,
  stock: ArrayLike<number>,
  gamma: ArrayLike<number>,
  variance: ArrayLike<number>,
  r: Float32Array,
  filters: number,
): number {
  let worst = 0;
  for (let f = 0; f < filters; f++) {
    let sum = 0;
    for (let i = f; i < r.length; i += filters) sum += Math.abs(r[i]);
    const scale = Math.abs(gamma[f]) / Math.sqrt(variance[f] + 1e-3) * sum;
    worst = Math.max(worst, Math.abs(fused[f] - stock[f]) / scale);
  }
  return worst;
}

/** Runs both models on the same weights and input and checks every figure. */
function compare(
  s: Shape,
  weights: tf.Tensor[],
  x: tf.Tensor,
  rng: Prng,
  label: string,
): Record<string, number> {
  const stock = blockModel(s, false);
  const fused = blockModel(s, true);
  stock.setWeights(weights);
  fused.setWeights(weights);
  const g = convBlockGeometry(x.shape[0], s.length, s.inChannels, { kernelSize: s.kernel, ...s });
  const rv = Float32Array.from(
    { length: x.shape[0] * g.pooledLength * s.filters },
    () => rng.normal(),
  );
  const r = tf.tensor3d(rv, [x.shape[0], g.pooledLength, s.filters]);
  const a = step(fused, x, r);
  const b = step(stock, x, r);
  const gamma = weights[2].dataSync();
  // The batch variance is recoverable from the moving update: v' = v − (v − σ²)·(1 − m).
  const oldVar = weights[5].dataSync();
  const batchVar = Array.from(oldVar, (v, f) => v - (v - b.moving[1][f]) / (1 - 0.99));
  const errors: Record<string, number> = {
    output: relativeError(a.y, b.y),
    dx: relativeError(a.grads[0], b.grads[0]),
    dKernel: relativeError(a.grads[1], b.grads[1]),
    dBias: biasGradientError(a.grads[2], b.grads[2], gamma, batchVar, rv, s.filters),
    dGamma: relativeError(a.grads[3], b.grads[3]),
    dBeta: relativeError(a.grads[4], b.grads[4]),
    movingMean: relativeError(a.moving[0], b.moving[0]),
    movingVariance: relativeError(a.moving[1], b.moving[1]),
  };
  // Inference mode with the updated moving statistics.
  const ya = fused.predict(x) as tf.Tensor;
  const yb = stock.predict(x) as tf.Tensor;
  errors.inferenceOutput = relativeError(ya.dataSync(), yb.dataSync());
  tf.dispose([ya, yb, r]);
  stock.dispose();
  fused.dispose();
  for (const [name, e] of Object.entries(errors)) {
    assert.ok(e <= TOLERANCE, `${label}: ${name} relative error ${e.toExponential(2)}`);
  }
  return errors;
}

function randomInput(batch: number, s: Shape, rng: Prng, scale: number): tf.Tensor3D {
  return tf.tensor3d(
    Float32Array.from({ length: batch * s.length * s.inChannels }, () => scale * rng.normal()),
    [batch, s.length, s.inChannels],
  );
}

await setupBackend("wasm");

for (const s of SHAPES) {
  Deno.test(
    `fused block equals the stock chain on random weights (${s.name}: in ${s.inChannels}, ` +
      `k ${s.kernel}, stride ${s.stride}, ${s.padding}, pool ${s.pool}, length ${s.length})`,
    () => {
      const rng = new Prng(s.kernel * 31 + s.inChannels);
      const weights = randomWeights(s, rng);
      const x = randomInput(16, s, rng, 0.5);
      const errors = compare(s, weights, x, rng, s.name);
      console.log(
        s.name,
        JSON.stringify(errors, (_, v) => typeof v === "number" ? +v.toExponential(2) : v),
      );
      tf.dispose([...weights, x]);
    },
  );
}

Deno.test("fused block equals the stock chain at the training batch size (b5, batch 256)", () => {
  const s = SHAPES[0];
  const rng = new Prng(256);
  const weights = randomWeights(s, rng);
  const x = randomInput(256, s, rng, 0.5);
  const errors = compare(s, weights, x, rng, "b5 at 256");
  console.log(
    "b5 at 256",
    JSON.stringify(errors, (_, v) => typeof v === "number" ? +v.toExponential(2) : v),
  );
  tf.dispose([...weights, x]);
});

Deno.test("fused blocks equal the stock chain on the trained nnom weights (models/nnom/run)", async () => {
  const run = await loadRun(TRAINED_RUN);
  const trained = weightsByStockName(run.model);
  const rng = new Prng(5);
  for (const s of SHAPES.slice(0, 4)) {
    const names = [
      `${s.name}_conv/kernel`,
      `${s.name}_conv/bias`,
      `${s.name}_bn/gamma`,
      `${s.name}_bn/beta`,
      `${s.name}_bn/moving_mean`,
      `${s.name}_bn/moving_variance`,
    ];
    const weights = names.map((n) => trained.get(n)!.clone());
    // The mix block sees concatenated ReLU outputs: non-negative inputs.
    const x = s.inChannels === 1
      ? tf.tidy(() => randomInput(32, s, rng, 0.3).clipByValue(-1, 1))
      : tf.tidy(() => randomInput(32, s, rng, 1).relu());
    const errors = compare(s, weights, x, rng, `trained ${s.name}`);
    console.log(
      `trained ${s.name}`,
      JSON.stringify(errors, (_, v) => typeof v === "number" ? +v.toExponential(2) : v),
    );
    tf.dispose([...weights, x]);
  }
  run.model.dispose();
});

Deno.test("inference-mode gradients equal the stock chain's (moving statistics as constants)", () => {
  for (const s of [SHAPES[0], SHAPES[3], SHAPES[4]]) {
    const rng = new Prng(11 + s.kernel);
    const weights = randomWeights(s, rng);
    const x = randomInput(8, s, rng, 0.5);
    const stock = blockModel(s, false);
    const fused = blockModel(s, true);
    stock.setWeights(weights);
    fused.setWeights(weights);
    const g = convBlockGeometry(8, s.length, s.inChannels, { kernelSize: s.kernel, ...s });
    const r = tf.randomNormal([8, g.pooledLength, s.filters], 0, 1, "float32", 3);
    const a = step(fused, x, r, false);
    const b = step(stock, x, r, false);
    assert.ok(relativeError(a.y, b.y) <= TOLERANCE, `${s.name} output`);
    a.grads.forEach((grad, i) => {
      const e = relativeError(grad, b.grads[i]);
      assert.ok(e <= TOLERANCE, `${s.name} gradient ${i}: ${e}`);
    });
    // Inference leaves the moving statistics alone.
    assert.deepEqual(a.moving, weights.slice(4).map((w) => w.dataSync()));
    tf.dispose([...weights, x, r]);
    stock.dispose();
    fused.dispose();
  }
});

Deno.test("tied maxima: the gradient goes where tfjs's MaxPoolGrad sends it (wasm and cpu)", async () => {
  // k = 1, one filter, kernel 1, bias 0: z = x, so equal inputs give equal (positive) values
  // in both modes. Windows of 4 with ties in every position pattern; wasm sends the gradient
  // to the last maximum, cpu to the first.
  const s: Shape = {
    name: "tie",
    length: 24,
    inChannels: 1,
    filters: 1,
    kernel: 1,
    stride: 1,
    padding: "valid",
    pool: 4,
  };
  const samples = [3, 3, 1, 2, 1, 5, 5, 0, 2, 2, 2, 2, 0, 1, 4, 4, -1, -1, -1, -1, 0, 0, 0, 0];
  for (const [backend, training] of [["wasm", true], ["wasm", false], ["cpu", true]] as const) {
    await setupBackend(backend);
    const x = tf.tensor3d(samples, [1, 24, 1]);
    const weights = [1, 0, 1, 0.5, 0, 1].map((v, i) =>
      i === 0 ? tf.fill([1, 1, 1], v) : tf.fill([1], v)
    );
    const r = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 6, 1]);
    const stock = blockModel(s, false);
    const fused = blockModel(s, true);
    stock.setWeights(weights);
    fused.setWeights(weights);
    const a = step(fused, x, r, training);
    const b = step(stock, x, r, training);
    assert.ok(relativeError(a.y, b.y) <= TOLERANCE, `${backend}, training ${training}, y`);
    // With k = 1 and one channel the kernel is a plain scale that training-mode BatchNorm
    // undoes: its gradient and the bias's are exactly 0 there, rounding noise on both sides.
    for (const i of training ? [0, 3, 4] : [0, 1, 2, 3, 4]) {
      assert.ok(
        relativeError(a.grads[i], b.grads[i]) <= TOLERANCE,
        `${backend}, training ${training}, grad ${i}`,
      );
    }
    tf.dispose([x, r, ...weights]);
    stock.dispose();
    fused.dispose();
  }
  await setupBackend("wasm");
});

Deno.test("the fused layer holds the stock layers' weights in their order, names and shapes", () => {
  const s = SHAPES[0];
  const fused = blockModel(s, true);
  const stock = blockModel(s, false);
  const layer = fused.layers[1] as FusedConvBlock;
  assert.deepEqual(
    layer.weights.map((w) => [w.originalName, w.shape, w.trainable]),
    [
      ["b5/kernel", [5, 1, 8], true],
      ["b5/bias", [8], true],
      ["b5/gamma", [8], true],
      ["b5/beta", [8], true],
      ["b5/moving_mean", [8], false],
      ["b5/moving_variance", [8], false],
    ],
  );
  assert.deepEqual(layer.stockWeightNames(), stock.weights.map((w) => w.originalName));
  assert.deepEqual(fused.weights.map((w) => w.shape), stock.weights.map((w) => w.shape));
  stock.setWeights(fused.getWeights());
  const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(values(stock), values(fused));
  // Not the defaults of both: fused's kernel is random, its BN weights are tfjs's defaults.
  assert.deepEqual(values(fused).slice(2), [
    Array(8).fill(1),
    Array(8).fill(0),
    Array(8).fill(0),
    Array(8).fill(1),
  ]);
  fused.dispose();
  stock.dispose();
});

/** nnom's convolutional front end (three branches, concat, mix block), stock or fused. */
function nnomFrontEnd(fused: boolean): tf.LayersModel {
  const input = tf.input({ shape: [1250, 1] });
  const block = (
    name: string,
    x: tf.SymbolicTensor,
    filters: number,
    kernel: number,
    stride: number,
    pool: number,
  ) => {
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
  const concat = tf.layers.concatenate({ axis: -1 }).apply([
    block("b5", input, 8, 5, 2, 4),
    block("b9", input, 4, 9, 2, 4),
    block("b13", input, 4, 13, 2, 4),
  ]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: block("mix", concat, 4, 3, 1, 2) });
}

Deno.test("copyWeightsByStockName moves nnom's trained conv blocks into fused blocks and back", async () => {
  const run = await loadRun(TRAINED_RUN);
  const fused = nnomFrontEnd(true);
  const stock = nnomFrontEnd(false);
  copyWeightsByStockName(run.model, fused);
  copyWeightsByStockName(fused, stock);
  const trained = weightsByStockName(run.model);
  for (const [name, value] of weightsByStockName(stock)) {
    assert.deepEqual(Array.from(value.dataSync()), Array.from(trained.get(name)!.dataSync()), name);
  }
  // Whole front end, training mode, on the trained weights: outputs and every gradient.
  const rng = new Prng(9);
  const x = tf.tidy(() => randomInput(16, { ...SHAPES[0] }, rng, 0.3).clipByValue(-1, 1));
  const r = tf.randomNormal([16, 78, 4], 0, 1, "float32", 4);
  const a = step(fused, x, r);
  const b = step(stock, x, r);
  assert.ok(relativeError(a.y, b.y) <= TOLERANCE, "output");
  // Gradients are listed in each model's trainable order; compare by stock name.
  const order = (m: tf.LayersModel) =>
    [...weightsByStockName(m).keys()].filter((n) => !n.includes("moving"));
  const fusedOrder = order(fused), stockOrder = order(stock);
  for (const name of stockOrder) {
    const ga = a.grads[1 + fusedOrder.indexOf(name)];
    const gb = b.grads[1 + stockOrder.indexOf(name)];
    if (name.endsWith("_conv/bias")) continue; // rounding noise on both sides (see the top)
    const e = relativeError(ga, gb);
    assert.ok(e <= TOLERANCE, `${name}: ${e}`);
  }
  assert.throws(() => copyWeightsByStockName(nnomFrontEnd(true), run.model), RangeError);
  tf.dispose([x, r]);
  fused.dispose();
  stock.dispose();
  run.model.dispose();
});

Deno.test("a model with fused blocks survives toJSON and modelFromJSON", async () => {
  const model = nnomFrontEnd(true);
  const json = model.toJSON(null, false) as tf.io.ModelJSON["modelTopology"];
  const again = await tf.models.modelFromJSON({ modelTopology: json as never });
  const layer = again.getLayer("b13") as FusedConvBlock;
  assert.ok(layer instanceof FusedConvBlock);
  assert.deepEqual(
    [
      layer.filters,
      layer.kernelSize,
      layer.stride,
      layer.padding,
      layer.pool,
      layer.momentum,
      layer.epsilon,
    ],
    [4, 13, 2, "same", 4, 0.99, 1e-3],
  );
  assert.deepEqual(again.outputs[0].shape, [null, 78, 4]);
  model.dispose();
  again.dispose();
});

Deno.test("the wasm kernels equal the plain reference (both backends' modes, odd batches)", () => {
  const heapBefore = convBlockHeapBytes();
  const worst: Record<string, number> = {};
  for (const s of SHAPES) {
    for (const batch of [5, 6]) {
      for (const [training, lastMaxWins] of [[true, true], [true, false], [false, true]]) {
        const rng = new Prng(s.kernel + s.filters + batch);
        const g = convBlockGeometry(batch, s.length, s.inChannels, { kernelSize: s.kernel, ...s });
        const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
        const params = {
          kernel: normal(s.kernel * s.inChannels * s.filters),
          bias: normal(s.filters),
          gamma: normal(s.filters),
          beta: normal(s.filters),
          movingMean: normal(s.filters),
          movingVariance: Float32Array.from(normal(s.filters), (v) => 1 + v * v),
          epsilon: 1e-3,
          training,
          lastMaxWins,
          float32Statistics: lastMaxWins,
        };
        const x = normal(batch * s.length * s.inChannels);
        const dy = normal(batch * g.pooledLength * s.filters);
        const ref = convBlockForward(g, x, params);
        const refGrads = convBlockBackward(ref.saved, dy, true);
        const fast = convBlockForwardWasm(g, x, params, true);
        const noState = convBlockForwardWasm(g, x, params, false);
        assert.equal(noState.state, null);
        const grads = convBlockBackwardWasm(fast.state!, dy, true);
        const paramsOnly = convBlockBackwardWasm(fast.state!, dy, false);
        releaseConvBlockState(fast.state!);
        assert.equal(paramsOnly.dx, undefined);
        assert.deepEqual(paramsOnly.dKernel, grads.dKernel);
        const label = `${s.name}, batch ${batch}, training ${training}, last ${lastMaxWins}`;
        const errors: Record<string, number> = {
          y: relativeError(fast.y, ref.y),
          yWithoutState: relativeError(noState.y, ref.y),
          mean: relativeError(fast.mean, ref.saved.mean),
          variance: relativeError(fast.variance, ref.saved.variance),
        };
        for (const key of Object.keys(refGrads) as (keyof typeof refGrads)[]) {
          // Training-mode dbias is rounding noise on both sides (see the top).
          if (key === "dBias" && training) continue;
          errors[key] = relativeError(grads[key]!, refGrads[key]!);
        }
        for (const [name, e] of Object.entries(errors)) {
          assert.ok(e <= TOLERANCE, `${label}: ${name} relative error ${e.toExponential(2)}`);
          worst[name] = Math.max(worst[name] ?? 0, e);
        }
      }
    }
  }
  console.log(
    "wasm vs reference, worst",
    JSON.stringify(worst, (_, v) => typeof v === "number" ? +v.toExponential(2) : v),
  );
  assert.equal(convBlockHeapBytes(), heapBefore);
});

Deno.test("the wasm batch statistics are the wasm backend's tf.moments, bitwise", () => {
  // z = x with a one-tap identity kernel and no bias, so both sides sum the same float32
  // values. Eight filters fill both SIMD chains; five and three leave lanes empty.
  for (const [batch, length, filters] of [[256, 625, 4], [256, 625, 8], [7, 50, 5], [9, 31, 3]]) {
    const rng = new Prng(filters);
    const g = convBlockGeometry(batch, length, filters, {
      kernelSize: 1,
      filters,
      stride: 1,
      padding: "valid",
      pool: 1,
    });
    const x = Float32Array.from({ length: batch * length * filters }, () => 3 + rng.normal());
    const kernel = new Float32Array(filters * filters);
    for (let f = 0; f < filters; f++) kernel[f * filters + f] = 1;
    const zero = new Float32Array(filters);
    const { mean, variance } = convBlockForwardWasm(g, x, {
      kernel,
      bias: zero,
      gamma: zero.map(() => 1),
      beta: zero,
      epsilon: 1e-3,
      training: true,
      lastMaxWins: true,
      float32Statistics: true,
    }, false);
    const moments = tf.tidy(() => tf.moments(tf.tensor3d(x, [batch, length, filters]), [0, 1]));
    const label = `batch ${batch}, length ${length}, ${filters} filters`;
    assert.deepEqual(mean, moments.mean.dataSync(), label);
    assert.deepEqual(variance, moments.variance.dataSync(), label);
    tf.dispose([moments.mean, moments.variance]);
  }
});

Deno.test("training steps return the blocks' state memory; a forward outside a gradient keeps none", () => {
  // What stays between calls: one transposed copy of the last input read (shared by the
  // blocks that read the same tensor), nothing else.
  const s = SHAPES[3];
  const rng = new Prng(4);
  const weights = randomWeights(s, rng);
  const fused = blockModel(s, true);
  fused.setWeights(weights);
  const r = tf.randomNormal([8, 78, 4], 0, 1, "float32", 5);
  const x = randomInput(8, s, rng, 0.5);
  step(fused, x, r);
  const baseline = convBlockHeapBytes();
  assert.ok(baseline > 0 && baseline < 2 * 4 * 8 * (156 + 32) * 16, `${baseline} bytes`);
  const other = randomInput(8, s, rng, 0.5);
  step(fused, other, r);
  assert.equal(convBlockHeapBytes(), baseline);
  tf.tidy(() => fused.apply(x, { training: true }) as tf.Tensor);
  assert.equal(convBlockHeapBytes(), baseline);
  // Gradients of the input only, then of the weights only.
  for (const wrt of ["x", "weights"]) {
    tf.tidy(() => {
      const xs = wrt === "x"
        ? [tf.variable(x)]
        : fused.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(
        () =>
          tf.sum(
            tf.mul(fused.apply(wrt === "x" ? xs[0] : x, { training: true }) as tf.Tensor, r),
          ),
        xs,
      );
      assert.equal(Object.keys(grads).length, xs.length);
      if (wrt === "x") xs[0].dispose();
    });
    assert.equal(convBlockHeapBytes(), baseline, wrt);
  }
  tf.dispose([...weights, x, other, r]);
  fused.dispose();
});

Deno.test("blocks that read the same input share its transposed copy, and match separate copies", () => {
  const s = SHAPES[1];
  const rng = new Prng(12);
  const g = convBlockGeometry(5, s.length, 1, { kernelSize: s.kernel, ...s });
  const g13 = convBlockGeometry(5, s.length, 1, { ...SHAPES[2], kernelSize: 13 });
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const x = normal(5 * s.length);
  const params = (k: number) => ({
    kernel: normal(k * 4),
    bias: normal(4),
    gamma: normal(4),
    beta: normal(4),
    epsilon: 1e-3,
    training: true,
    lastMaxWins: true,
    float32Statistics: true,
  });
  const p9 = params(9), p13 = params(13);
  const key = {};
  const a9 = convBlockForwardWasm(g, x, p9, true, undefined, key);
  const withKey = convBlockHeapBytes();
  const a13 = convBlockForwardWasm(g13, x, p13, true, undefined, key);
  // The second block adds its own x̂ and winners only.
  const own = 4 * (g13.outLength + g13.pooledLength) * 4 * 8;
  assert.equal(convBlockHeapBytes() - withKey, own);
  const b13 = convBlockForwardWasm(g13, x, p13, true);
  assert.deepEqual(a13.y, b13.y);
  const dy = normal(5 * g13.pooledLength * 4);
  assert.deepEqual(
    convBlockBackwardWasm(a13.state!, dy, true),
    convBlockBackwardWasm(b13.state!, dy, true),
  );
  for (const { state } of [a9, a13, b13]) releaseConvBlockState(state!);
});

Deno.test("training steps with fused blocks leave no tensors behind", async () => {
  const model = tf.sequential({
    layers: [
      fusedConvBlock({
        name: "b5",
        filters: 8,
        kernel: 5,
        stride: 2,
        pool: 4,
        inputShape: [1250, 1],
      }),
      fusedConvBlock({ name: "mix", filters: 4, kernel: 3, stride: 1, pool: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
  const x = tf.randomNormal([4, 1250, 1], 0, 0.3, "float32", 1);
  const y = tf.tensor2d([0, 1, 1, 0], [4, 1]);
  const counts: number[] = [];
  for (let i = 0; i < 3; i++) {
    await model.trainOnBatch(x, y);
    (model.predict(x) as tf.Tensor).dispose();
    counts.push(tf.memory().numTensors);
  }
  assert.equal(counts[2], counts[1]);
  assert.equal(counts[1], counts[0]);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fusedNnomModel(seed) starts from buildModel(nnom, seed)'s weights", () => {
  const stock = buildModel(nnom, 3);
  const fused = fusedNnomModel(3);
  const a = weightsByStockName(fused), b = weightsByStockName(stock);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, value] of b) {
    assert.deepEqual(Array.from(a.get(name)!.dataSync()), Array.from(value.dataSync()), name);
  }
  assert.deepEqual(fused.outputs[0].shape, stock.outputs[0].shape);
  stock.dispose();
  fused.dispose();
});

Deno.test("a model with fused blocks saves and loads with its weights (tfjs artifacts)", async () => {
  const model = fusedNnomModel(5);
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
    });
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  const x = tf.randomNormal([3, 1250, 1], 0, 0.3, "float32", 2);
  const a = model.predict(x) as tf.Tensor, b = loaded.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  tf.dispose([x, a, b]);
  model.dispose();
  loaded.dispose();
});
