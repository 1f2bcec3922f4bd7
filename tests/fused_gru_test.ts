/**
 * The fused GRU (lib/fused/gru.ts) against tfjs' own GRU layer graph: outputs and gradients
 * w.r.t. the input and every weight, on random and on trained weights, on wasm and cpu; and
 * the training twin against the stock model.
 *
 * Error measure: max-abs-relative, max |fused − stock| / max |stock| over each tensor (an
 * ∞-norm relative error; element-wise relative errors are meaningless for near-zero elements).
 */
import assert from "node:assert/strict";
import { type BackendName, setupBackend, tf } from "../lib/backend/mod.ts";
import { buildTrainingModel, copyWeights, FusedGru, fusedGru } from "../lib/fused/mod.ts";
import { gruBackward, gruForward } from "../lib/fused/gru.ts";
import {
  gruBackwardWasm,
  gruForwardWasm,
  gruInferenceWasm,
  gruModule,
  gruWasmOutput,
  releaseGruTape,
  tanhWasm,
} from "../lib/fused/gru_wasm.ts";
import { weightsByStockName } from "../lib/fused/twin.ts";
import { compact, nnom, prepareInput } from "../lib/model/mod.ts";
import { loadRun, Prng, withSeededMathRandom } from "../lib/train/mod.ts";
import { syntheticDataset } from "./train/_synthetic.ts";

const TOLERANCE = 1e-5;
let variableCount = 0;
const TRAINED_RUN = new URL("../models/nnom/run", import.meta.url).pathname;

/** max |a − b| / max(max |b|, floor). */
function relativeError(actual: tf.Tensor, expected: tf.Tensor, floor = 0): number {
  const a = actual.dataSync();
  const e = expected.dataSync();
  assert.deepEqual(actual.shape, expected.shape);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - e[i]));
    scale = Math.max(scale, Math.abs(e[i]));
  }
  scale = Math.max(scale, floor);
  return scale === 0 ? diff : diff / scale;
}

function randomTensor(shape: number[], rng: Prng, sd: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => sd * rng.normal()), shape);
}

interface Comparison {
  /** Relative error of the output, then of d/dx, d/dkernel, d/drecurrent, d/dbias. */
  errors: Record<string, number>;
  /** Share of z and r pre-activations outside hard_sigmoid's linear part. */
  clipped: number;
}

/**
 * Runs `stock` (a built tf.layers.gru) and the fused op on `x` with the stock layer's weights;
 * the loss is Σ output ⊙ probe, with a fixed random probe.
 */
function compareWithStock(stock: tf.layers.Layer, x: tf.Tensor, rng: Prng): Comparison {
  const returnSequences = (stock.getConfig() as { returnSequences: boolean }).returnSequences;
  const [kernel, recurrent, bias] = stock.trainableWeights.map((w) => w.read() as tf.Variable);
  const input = tf.variable(x, true, `x_${++variableCount}`);
  const stockOut = stock.apply(input) as tf.Tensor;
  const probe = randomTensor(stockOut.shape, rng, 1);
  const variables = [input, kernel, recurrent, bias];
  const stockGrads = tf.variableGrads(
    () => (stock.apply(input) as tf.Tensor).mul(probe).sum() as tf.Scalar,
    variables,
  ).grads;
  const fusedOut = fusedGru(input, kernel, recurrent, bias, returnSequences);
  const fusedGrads = tf.variableGrads(
    () => fusedGru(input, kernel, recurrent, bias, returnSequences).mul(probe).sum() as tf.Scalar,
    variables,
  ).grads;
  const errors: Record<string, number> = { output: relativeError(fusedOut, stockOut) };
  ["x", "kernel", "recurrent_kernel", "bias"].forEach((name, i) => {
    const v = variables[i].name;
    errors[`d/${name}`] = relativeError(fusedGrads[v], stockGrads[v]);
  });
  input.dispose();
  return { errors, clipped: clippedShare(x, kernel, recurrent, bias) };
}

/** Share of z, r gate pre-activations outside [−2.5, 2.5] (input part only: an estimate). */
function clippedShare(x: tf.Tensor, kernel: tf.Tensor, _r: tf.Tensor, bias: tf.Tensor): number {
  return tf.tidy(() => {
    const units = bias.shape[0] / 3;
    const [, , inputs] = x.shape;
    const a = x.reshape([-1, inputs]).matMul(kernel).add(bias).slice([0, 0], [-1, 2 * units]);
    return a.abs().greater(2.5).cast("float32").mean().dataSync()[0];
  });
}

function assertWithin(label: string, c: Comparison): void {
  for (const [name, error] of Object.entries(c.errors)) {
    assert.ok(error <= TOLERANCE, `${label}: ${name} relative error ${error.toExponential(2)}`);
  }
}

function randomGru(inputs: number, units: number, returnSequences: boolean, seed: number) {
  const rng = new Prng(seed);
  const stock = tf.layers.gru({ units, returnSequences });
  stock.apply(tf.zeros([1, 7, inputs])); // builds it
  // Large enough weights that many gates clip, so both sides of hs' are exercised.
  stock.setWeights([
    randomTensor([inputs, 3 * units], rng, 1.2),
    randomTensor([units, 3 * units], rng, 0.8),
    randomTensor([3 * units], rng, 0.8),
  ]);
  return stock;
}

for (const backend of ["wasm", "cpu"] as BackendName[]) {
  for (const returnSequences of [true, false]) {
    Deno.test(
      `fusedGru() equals tf.layers.gru on random weights: output and gradients (${backend}, ` +
        `returnSequences ${returnSequences})`,
      async () => {
        await setupBackend(backend);
        const rng = new Prng(returnSequences ? 3 : 4);
        const stock = randomGru(4, 12, returnSequences, 5);
        const x = randomTensor([9, 31, 4], rng, 1);
        const c = compareWithStock(stock, x, rng);
        assert.ok(c.clipped > 0.1 && c.clipped < 0.9, `clipped share ${c.clipped}`);
        assertWithin(`${backend} random`, c);
        await setupBackend("wasm");
      },
    );
  }
}

Deno.test("fusedGru() equals the trained nnom GRU on that model's own GRU inputs (wasm)", async () => {
  await setupBackend("wasm");
  const run = await loadRun(TRAINED_RUN);
  const gru = run.model.getLayer("gru");
  // The GRU's actual inputs: the trained model's conv stack on synthetic segments.
  const dataset = syntheticDataset(2, 16);
  const samples = prepareInput(nnom, dataset.samples.slice());
  const toGru = tf.model({ inputs: run.model.inputs, outputs: gru.input as tf.SymbolicTensor });
  const x = toGru.predict(tf.tensor3d(samples, [dataset.size, nnom.inputLength, 1])) as tf.Tensor;
  const rng = new Prng(9);
  assertWithin("trained, sequences", compareWithStock(gru, x, rng));
  const last = tf.layers.gru({ units: 12, returnSequences: false });
  last.apply(x);
  last.setWeights(gru.getWeights());
  assertWithin("trained, last step", compareWithStock(last, x, rng));
});

Deno.test("fusedGru() at a batch of one and at two time steps", async () => {
  await setupBackend("wasm");
  const rng = new Prng(2);
  for (const [batch, time] of [[1, 2], [1, 5], [3, 2]]) {
    const stock = randomGru(3, 5, true, batch * 10 + time);
    assertWithin(
      `[${batch}, ${time}]`,
      compareWithStock(stock, randomTensor([batch, time, 3], rng, 1), rng),
    );
  }
});

Deno.test("fusedGru() rejects mismatched shapes naming them, and sequences without a step", async () => {
  await setupBackend("wasm");
  assert.throws(
    () =>
      fusedGru(tf.zeros([2, 3, 4]), tf.zeros([5, 36]), tf.zeros([12, 36]), tf.zeros([36]), true),
    { name: "TypeError", message: /kernel \[5,36\]/ },
  );
  assert.throws(
    () =>
      fusedGru(tf.zeros([2, 0, 4]), tf.zeros([4, 36]), tf.zeros([12, 36]), tf.zeros([36]), false),
    { name: "RangeError", message: /at least one time step/ },
  );
});

Deno.test("FusedGru holds the stock layer's weights: names, shapes, order", async () => {
  await setupBackend("wasm");
  const stock = tf.layers.gru({ name: "g", units: 6, returnSequences: true });
  const fused = new FusedGru({ name: "g", units: 6, returnSequences: true });
  stock.build([null, 10, 4]);
  fused.build([null, 10, 4]);
  const describe = (l: tf.layers.Layer) => l.weights.map((w) => `${w.originalName} ${w.shape}`);
  assert.deepEqual(describe(fused), describe(stock));
  assert.deepEqual(fused.computeOutputShape([null, 10, 4]), [null, 10, 6]);
});

Deno.test("the nnom twin predicts what the stock model predicts, before and after copyWeights", async () => {
  await setupBackend("wasm");
  const { stock, training } = buildTrainingModel(nnom, 4, { fused: true });
  assert.equal(training.getLayer("gru").getClassName(), "FusedGru");
  assert.equal(training.getLayer("b5_pool").getClassName(), "IegmFusedConvBlock");
  const dataset = syntheticDataset(2, 8);
  const x = tf.tensor3d(prepareInput(nnom, dataset.samples.slice()), [
    dataset.size,
    nnom.inputLength,
    1,
  ]);
  const predict = (m: tf.LayersModel) => m.predict(x) as tf.Tensor;
  assert.ok(relativeError(predict(training), predict(stock)) <= TOLERANCE);
  // New weights on the twin (those of a trained model), copied back to the stock model.
  const run = await loadRun(TRAINED_RUN);
  copyWeights(run.model, training);
  assert.ok(relativeError(predict(training), predict(run.model)) <= TOLERANCE);
  copyWeights(training, stock);
  assert.ok(relativeError(predict(stock), predict(run.model)) <= TOLERANCE);
  assert.notEqual(stock.getWeights()[0].dataSync()[0], 0);
});

Deno.test("the nnom twin's gradients in training mode equal the stock model's", async () => {
  await setupBackend("wasm");
  const { stock, training } = buildTrainingModel(nnom, 6, { fused: true });
  const dataset = syntheticDataset(2, 8);
  const x = tf.tensor3d(prepareInput(nnom, dataset.samples.slice()), [
    dataset.size,
    nnom.inputLength,
    1,
  ]);
  // Dropout draws from Math.random: the same seed gives both models the same masks. Fused
  // layers list their weights in another order, so gradients are paired by stock name.
  const grads = (m: tf.LayersModel) => {
    const names = new Map([...weightsByStockName(m)].map(([name, w]) => [w.read().id, name]));
    const variables = m.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = withSeededMathRandom(17, () =>
      tf.variableGrads(
        () => (m.apply(x, { training: true }) as tf.Tensor).square().sum() as tf.Scalar,
        variables,
      ));
    return new Map(variables.map((v) => [names.get(v.id)!, grads[v.name]]));
  };
  const fused = grads(training);
  const plain = grads(stock);
  assert.deepEqual([...fused.keys()].sort(), [...plain.keys()].sort());
  // A conv bias followed by BatchNorm has a zero gradient in exact arithmetic (the batch mean
  // absorbs it): both sides are float noise there (~1e-6), so those are checked relative to
  // the model's largest gradient; every other weight relative to its own largest element.
  // Each fused kernel alone is held to 1e-5 in its own tests; the whole model chains five of
  // them, which sum in float64 where tfjs sums in float32 (stock wasm and stock cpu already
  // differ by up to 3.6e-6 here), and the two models differ by up to 1.3e-5 (measured).
  const WHOLE_MODEL_TOLERANCE = 5e-5;
  const largest = Math.max(...[...plain.values()].map((g) => g.abs().max().dataSync()[0]));
  for (const [name, g] of fused) {
    const error = relativeError(g, plain.get(name)!, /_conv\/bias$/.test(name) ? largest : 0);
    assert.ok(error <= WHOLE_MODEL_TOLERANCE, `${name}: relative error ${error.toExponential(2)}`);
  }
});

Deno.test("copyWeights() refuses models that do not hold the same weights", async () => {
  await setupBackend("wasm");
  const { stock } = buildTrainingModel(nnom, 1, { fused: false });
  const other = buildTrainingModel(compact, 1, { fused: false }).stock;
  assert.throws(() => copyWeights(stock, other), { name: "TypeError", message: /copyWeights/ });
  const { training } = buildTrainingModel(nnom, 1, { fused: false });
  assert.equal(training.getLayer("gru").getClassName(), "GRU");
});

Deno.test("a model with FusedGru serializes and loads back with the same config", async () => {
  await setupBackend("wasm");
  const input = tf.input({ shape: [6, 3] });
  const gru = new FusedGru({ name: "g", units: 5, returnSequences: false });
  const model = tf.model({ inputs: input, outputs: gru.apply(input) as tf.SymbolicTensor });
  const json = model.toJSON(null, false) as tf.io.ModelJSON["modelTopology"];
  const loaded = await tf.models.modelFromJSON({ modelTopology: json });
  const layer = loaded.getLayer("g");
  assert.equal(layer.getClassName(), "FusedGru");
  assert.deepEqual(layer.getConfig(), gru.getConfig());
  assert.deepEqual(loaded.outputs[0].shape, [null, 5]);
});

/** max |a − e| / max |e| over two arrays. */
function worst(a: Float32Array, e: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - e[i]));
    scale = Math.max(scale, Math.abs(e[i]));
  }
  return diff / scale;
}

/** Random inputs and weights of a GRU call. */
function randomCall(
  dims: { batch: number; time: number; inputs: number; units: number },
  seed: number,
) {
  const rng = new Prng(seed);
  const random = (n: number, sd: number) =>
    Float32Array.from({ length: n }, () => sd * rng.normal());
  const { batch, time, inputs, units } = dims;
  return {
    x: random(batch * time * inputs, 1),
    kernel: random(inputs * 3 * units, 1),
    recurrent: random(units * 3 * units, 0.6),
    bias: random(3 * units, 0.6),
    dy: (sequences: boolean) => random(batch * (sequences ? time : 1) * units, 1),
  };
}

/** The reference output of the last step only, [batch, units], from [batch, time, units]. */
function lastStep(h: Float32Array, batch: number, time: number, units: number): Float32Array {
  return Float32Array.from(
    { length: batch * units },
    (_, i) => h[(Math.floor(i / units) * time + time - 1) * units + i % units],
  );
}

Deno.test("the wasm GRU kernels equal the reference kernels (gru_wasm.ts vs gru.ts)", () => {
  // Batches below, at and past a tile (32 sequences; the last tile padded), odd sizes.
  const shapes = [
    [7, 5, 3, 5],
    [256, 78, 4, 12],
    [1, 2, 1, 1],
    [33, 20, 4, 12],
    [16, 3, 2, 7],
    [70, 4, 5, 3],
  ];
  for (const [batch, time, inputs, units] of shapes) {
    const dims = { batch, time, inputs, units };
    const { x, kernel, recurrent, bias, dy } = randomCall(dims, batch + time);
    const reference = gruForward(dims, x, kernel, recurrent, bias);
    const tape = gruForwardWasm(dims, x, kernel, recurrent, bias);
    for (const sequences of [true, false]) {
      const label = `[${batch}, ${time}, ${inputs}] → ${units}, sequences ${sequences}`;
      const expected = sequences ? reference.h : lastStep(reference.h, batch, time, units);
      const out = gruWasmOutput(dims, tape, sequences);
      assert.ok(worst(out, expected) <= TOLERANCE, `${label}: output`);
      const inferred = gruInferenceWasm(dims, x, kernel, recurrent, bias, sequences);
      assert.ok(worst(inferred, expected) <= TOLERANCE, `${label}: inference output`);
      const d = dy(sequences);
      const g = gruBackwardWasm(dims, kernel, recurrent, tape, d, sequences);
      const e = gruBackward(dims, x, kernel, recurrent, reference, d, sequences);
      for (const key of ["dx", "dKernel", "dRecurrent", "dBias"] as const) {
        assert.ok(worst(g[key], e[key]) <= TOLERANCE, `${label}: ${key} ${worst(g[key], e[key])}`);
      }
    }
    releaseGruTape(tape);
  }
  assert.equal(gruModule().heap.liveBytes(), 0);
});

Deno.test("a GRU tape survives other GRU calls until its backward pass", () => {
  const dims = { batch: 20, time: 9, inputs: 4, units: 6 };
  const a = randomCall(dims, 1);
  const dy = a.dy(true);
  const alone = gruForwardWasm(dims, a.x, a.kernel, a.recurrent, a.bias);
  const expected = gruBackwardWasm(dims, a.kernel, a.recurrent, alone, dy, true);
  releaseGruTape(alone);
  const tape = gruForwardWasm(dims, a.x, a.kernel, a.recurrent, a.bias);
  // In between: inference (as validation runs) and a whole training call of another shape,
  // large enough to grow the memory.
  const otherDims = { batch: 300, time: 80, inputs: 4, units: 12 };
  const b = randomCall(otherDims, 2);
  gruInferenceWasm(otherDims, b.x, b.kernel, b.recurrent, b.bias, true);
  const other = gruForwardWasm(otherDims, b.x, b.kernel, b.recurrent, b.bias);
  gruBackwardWasm(otherDims, b.kernel, b.recurrent, other, b.dy(true), true);
  releaseGruTape(other);
  const g = gruBackwardWasm(dims, a.kernel, a.recurrent, tape, dy, true);
  for (const key of ["dx", "dKernel", "dRecurrent", "dBias"] as const) {
    assert.deepEqual(g[key], expected[key], key);
  }
  releaseGruTape(tape);
  assert.throws(() => gruWasmOutput(dims, tape, true), /released/);
  assert.equal(gruModule().heap.liveBytes(), 0);
});

Deno.test("fusedGru() keeps a tape only while tfjs records, and returns it after the gradient", async () => {
  await setupBackend("wasm");
  const heap = gruModule().heap;
  const rng = new Prng(6);
  const stock = randomGru(4, 12, true, 7);
  const [kernel, recurrent, bias] = stock.trainableWeights.map((w) => w.read());
  const x = tf.variable(randomTensor([5, 10, 4], rng, 1));
  const tensors = tf.memory().numTensors;
  tf.tidy(() => {
    fusedGru(x, kernel, recurrent, bias, true);
  });
  assert.equal(heap.liveBytes(), 0, "inference");
  tf.tidy(() => {
    tf.variableGrads(() => fusedGru(x, kernel, recurrent, bias, true).sum() as tf.Scalar, [x]);
  });
  assert.equal(heap.liveBytes(), 0, "training");
  assert.equal(tf.memory().numTensors, tensors, "tensors left behind");
  x.dispose();
});

Deno.test("the kernels' tanh is within 4e-7 relative of Math.tanh", () => {
  // A dense grid over [−12, 12] (past ±9, where it is clipped), and tiny arguments.
  const n = 480_001;
  const x = Float32Array.from(
    { length: n + 40 },
    (_, i) => i < n ? -12 + (24 * i) / (n - 1) : (i % 2 ? 1 : -1) * 2 ** -(i - n),
  );
  const y = tanhWasm(x);
  let worstRelative = 0;
  for (let i = 0; i < x.length; i++) {
    const exact = Math.tanh(x[i]);
    if (exact === 0) assert.equal(y[i], 0);
    else worstRelative = Math.max(worstRelative, Math.abs(y[i] - exact) / Math.abs(exact));
  }
  // Measured 3.5·10⁻⁷ (near ±7, where an ulp of tanh is 6·10⁻⁸); the GRU's own error against
  // tfjs is ~10⁻⁶, its bound 10⁻⁵.
  assert.ok(worstRelative < 4e-7, `tanh relative error ${worstRelative}`);
});
