import assert from "node:assert/strict";
import { tf } from "../../lib/backend/mod.ts";
import { ARCHS, type ArchSpec, INPUT } from "../../lib/model/mod.ts";
import { convertModel, samePadBefore } from "../../lib/ir/mod.ts";
import { runFloat } from "../../lib/interp/mod.ts";
import { loadSegments, randomModel, tfjsPredict } from "./_fixtures.ts";

const { samples } = await loadSegments();

/** Largest |a − b| over two equally long arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.deepEqual(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const spec of Object.values(ARCHS)) {
  Deno.test(`runFloat() equals tfjs predictions within 1e-5 on real segments (${spec.name})`, () => {
    const model = randomModel(spec, 11);
    const ir = convertModel(model, spec, { threshold: 0.5 });
    const expected = tfjsPredict(model, spec, samples);
    const got = samples.map((s) => runFloat(ir, s).probability);
    assert(maxAbsDiff(got, expected) < 1e-5, `${got} vs ${expected}`);
  });

  Deno.test(`runFloat() equals every tfjs layer output within 1e-5 (${spec.name})`, () => {
    const model = randomModel(spec, 12);
    const ir = convertModel(model, spec, { threshold: 0.5 });
    const { tensors } = runFloat(ir, samples[2]);
    const clipped = samples[2].map((v) =>
      spec.inputClip === null ? v : Math.min(Math.max(v, -spec.inputClip), spec.inputClip)
    );
    for (const layer of ir.layers) {
      const expected = tf.tidy(() => {
        const probe = tf.model({
          inputs: model.inputs,
          outputs: model.getLayer(layer.output).output,
        });
        const x = tf.tensor3d(Array.from(clipped), [1, spec.inputLength, 1]);
        return Array.from((probe.predict(x) as tf.Tensor).dataSync());
      });
      const diff = maxAbsDiff(tensors[layer.output], expected);
      assert(diff < 1e-5, `tensor ${layer.output}: max difference ${diff}`);
    }
  });
}

Deno.test("convertModel() fuses conv → BN → ReLU → MaxPool into one conv1d and drops dropout", () => {
  const ir = convertModel(randomModel(ARCHS.nnom, 1), ARCHS.nnom, { threshold: 0.4 });
  assert.deepEqual(ir.layers.map((l) => `${l.name}:${l.op}→${l.output}`), [
    "b5_conv:conv1d→b5_pool",
    "b9_conv:conv1d→b9_pool",
    "b13_conv:conv1d→b13_pool",
    "concat:concat→concat",
    "mix_conv:conv1d→mix_pool",
    "gru:gru→gru",
    "flatten:flatten→flatten",
    "out:dense→out",
  ]);
  const b5 = ir.layers[0];
  assert.deepEqual(b5.attrs, {
    kernel: 5,
    stride: 2,
    padding: "same",
    padBefore: 1,
    activation: "relu",
    pool: 4,
  });
  assert.deepEqual(ir.tensors.b5_pool.shape, [156, 8]);
  assert.deepEqual(ir.layers[5].inputs, ["mix_pool"]); // dropout read through
  assert.deepEqual(ir.threshold, 0.4);
  assert.deepEqual(ir.layers[5].attrs.recurrentActivation, "hard_sigmoid");
});

Deno.test("samePadBefore() follows TensorFlow, not (k−1)/2", () => {
  assert.deepEqual(samePadBefore(1250, 5, 2), 1); // total 3
  assert.deepEqual(samePadBefore(1250, 13, 2), 5); // total 11
  assert.deepEqual(samePadBefore(156, 3, 1), 1);
  assert.deepEqual(samePadBefore(11, 4, 2), 1); // out 6, total 3
  assert.deepEqual(samePadBefore(10, 1, 3), 0);
});

Deno.test("runFloat() matches tfjs for 'same' padding with stride 2 on an odd length", () => {
  const spec: ArchSpec = {
    name: "odd",
    inputLength: 1249,
    inputClip: null,
    layers: [
      {
        op: "conv1d",
        name: "c",
        inputs: [INPUT],
        filters: 3,
        kernel: 4,
        stride: 2,
        padding: "same",
      },
      { op: "relu", name: "r", inputs: ["c"] },
      { op: "flatten", name: "f", inputs: ["r"] },
      { op: "dense", name: "out", inputs: ["f"], units: 1, activation: "sigmoid" },
    ],
    output: "out",
  };
  const model = randomModel(spec, 5);
  const ir = convertModel(model, spec, { threshold: 0.5 });
  assert.deepEqual(ir.layers[0].attrs.padBefore, samePadBefore(1249, 4, 2));
  const x = samples.map((s) => s.slice(0, 1249));
  const expected = tfjsPredict(model, spec, x);
  const got = x.map((s) => runFloat(ir, s).probability);
  assert(maxAbsDiff(got, expected) < 1e-5);
});

Deno.test("convertModel() refuses a BatchNorm that does not follow a conv, naming it", () => {
  const spec: ArchSpec = {
    name: "bad",
    inputLength: 16,
    inputClip: null,
    layers: [
      { op: "batchnorm", name: "lonely_bn", inputs: [INPUT] },
      { op: "flatten", name: "f", inputs: ["lonely_bn"] },
      { op: "dense", name: "out", inputs: ["f"], units: 1, activation: "sigmoid" },
    ],
    output: "out",
  };
  assert.throws(
    () => convertModel(randomModel(spec, 1), spec, { threshold: 0.5 }),
    (error) => error instanceof TypeError && error.message.includes('"lonely_bn"'),
  );
});
