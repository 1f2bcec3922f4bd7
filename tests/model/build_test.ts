import assert from "node:assert/strict";
import { setupBackend, tf } from "../../lib/backend/mod.ts";
import {
  archByName,
  ARCHS,
  type ArchSpec,
  buildModel,
  checkSpec,
  compact,
  nnom,
  prepareInput,
} from "../../lib/model/mod.ts";

await setupBackend("wasm");

Deno.test("buildModel() names the tfjs layers after the spec's layers", () => {
  for (const spec of Object.values(ARCHS)) {
    const model = buildModel(spec, 1);
    const names = model.layers.map((l) => l.name).filter((n) => n !== "input");
    assert.deepEqual(names.sort(), spec.layers.map((l) => l.name).sort());
    model.dispose();
  }
});

Deno.test("buildModel() gives nnom its published shape: 1,969 parameters, one output", () => {
  const model = buildModel(nnom, 1);
  assert.equal(model.countParams(), 1969);
  assert.deepEqual(model.getLayer("concat").outputShape, [null, 156, 16]);
  assert.deepEqual(model.getLayer("gru").outputShape, [null, 78, 12]);
  assert.deepEqual(model.outputs[0].shape, [null, 1]);
  model.dispose();
});

Deno.test("buildModel() gives the same weights for the same seed and others for another", () => {
  const weightsOf = (seed: number) => {
    const model = buildModel(compact, seed);
    const values = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return values;
  };
  assert.deepEqual(weightsOf(3), weightsOf(3));
  assert.notDeepEqual(weightsOf(3), weightsOf(4));
});

Deno.test("checkSpec() names the layer that reads a tensor no earlier layer makes", () => {
  const broken: ArchSpec = {
    ...compact,
    layers: [{ op: "relu", name: "r", inputs: ["missing"] }],
    output: "r",
  };
  assert.throws(() => checkSpec(broken), {
    name: "TypeError",
    message: /layer "r" reads "missing"/,
  });
});

Deno.test("checkSpec() rejects a layer name used twice", () => {
  const twice: ArchSpec = {
    ...compact,
    layers: [
      { op: "relu", name: "r", inputs: ["input"] },
      { op: "relu", name: "r", inputs: ["input"] },
    ],
    output: "r",
  };
  assert.throws(() => checkSpec(twice), /"r" is used twice/);
});

Deno.test("archByName() rejects an unknown arch and lists the known ones", () => {
  assert.throws(() => archByName("resnet"), {
    name: "RangeError",
    message: /known: threeblock, twoblock, nnom, compact/,
  });
});

Deno.test("prepareInput() clips to ±inputClip and leaves specs without a clip alone", () => {
  assert.deepEqual(Array.from(prepareInput(nnom, new Float32Array([-2, -0.5, 1.5]))), [
    -1,
    -0.5,
    1,
  ]);
  assert.deepEqual(Array.from(prepareInput(compact, new Float32Array([-2, 3]))), [-2, 3]);
});

Deno.test("a built model predicts a probability for every segment", () => {
  const model = buildModel(nnom, 2);
  const out = tf.tidy(() => (model.predict(tf.zeros([2, 1250, 1])) as tf.Tensor).dataSync());
  assert.equal(out.length, 2);
  for (const p of out) assert.ok(p > 0 && p < 1);
  model.dispose();
});
