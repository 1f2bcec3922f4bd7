import assert from "node:assert/strict";
import {
  conv2dBackpropFilterIm2col,
  conv2dBackpropFilterWasm,
  setupBackend,
  tf,
} from "../../lib/backend/mod.ts";
import { Prng } from "../../lib/train/prng.ts";

type Pad = "same" | "valid";
interface Geometry {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

// Conv1D cases (height 1) as the archs use them, plus a 2-D case with unequal strides.
const GEOMETRIES: Geometry[] = [
  {
    name: "nnom b5, stride 2, same",
    x: [3, 1, 41, 1],
    filter: [1, 5, 1, 8],
    strides: [1, 2],
    pad: "same",
  },
  {
    name: "nnom mix, stride 1, same",
    x: [2, 1, 17, 16],
    filter: [1, 3, 16, 4],
    strides: [1, 1],
    pad: "same",
  },
  {
    name: "compact, stride 32, valid",
    x: [2, 1, 300, 1],
    filter: [1, 85, 1, 3],
    strides: [1, 32],
    pad: "valid",
  },
  {
    name: "2-D, strides 2×3, same",
    x: [2, 7, 9, 3],
    filter: [3, 2, 3, 5],
    strides: [2, 3],
    pad: "same",
  },
];

function randomArray(size: number, rng: Prng): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** dLoss/dFilter of sum(conv2d(x, filter) · dy) on the active backend. */
function filterGradient(g: Geometry, x: Float32Array, filter: Float32Array, dy: Float32Array) {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, g.x);
    const ft = tf.tensor4d(filter, g.filter);
    const out = tf.conv2d(xt, ft, g.strides, g.pad);
    const dyt = tf.tensor(dy, out.shape);
    const grad = tf.grad((f) => tf.conv2d(xt, f as tf.Tensor4D, g.strides, g.pad).mul(dyt).sum())(
      ft,
    );
    return { shape: out.shape, values: grad.dataSync() as Float32Array };
  });
}

for (const g of GEOMETRIES) {
  Deno.test(`wasm Conv2DBackpropFilter equals the cpu backend's gradient (${g.name})`, async () => {
    const rng = new Prng(7);
    const x = randomArray(g.x.reduce((a, b) => a * b), rng);
    const filter = randomArray(g.filter.reduce((a, b) => a * b), rng);
    await setupBackend("cpu");
    const outShape = tf.tidy(() =>
      tf.conv2d(tf.zeros(g.x) as tf.Tensor4D, tf.zeros(g.filter) as tf.Tensor4D, g.strides, g.pad)
        .shape
    );
    const dy = randomArray(outShape.reduce((a, b) => a * b), rng);
    const expected = filterGradient(g, x, filter, dy).values;
    assert.equal(await setupBackend("wasm"), "wasm");
    const actual = filterGradient(g, x, filter, dy).values;
    assert.equal(actual.length, expected.length);
    const scale = Math.max(...expected.map(Math.abs));
    for (let i = 0; i < expected.length; i++) {
      assert.ok(
        Math.abs(actual[i] - expected[i]) <= 1e-5 * scale,
        `element ${i}: wasm ${actual[i]} vs cpu ${expected[i]}`,
      );
    }
  });
}

Deno.test("setupBackend() switches between wasm and cpu and reports the one in use", async () => {
  assert.equal(await setupBackend("cpu"), "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(await setupBackend("wasm"), "wasm");
  assert.equal(tf.getBackend(), "wasm");
});

for (const g of GEOMETRIES) {
  Deno.test(`the im2col Conv2DBackpropFilter equals the reference loop (${g.name})`, async () => {
    await setupBackend("wasm");
    const backend = tf.backend();
    const run = (kernel: typeof conv2dBackpropFilterWasm) =>
      tf.tidy(() => {
        const x = tf.tensor4d(randomArray(g.x.reduce((a, b) => a * b), new Prng(3)), g.x);
        const outShape = tf.conv2d(x, tf.zeros(g.filter) as tf.Tensor4D, g.strides, g.pad).shape;
        const dy = tf.tensor(randomArray(outShape.reduce((a, b) => a * b), new Prng(8)), outShape);
        const attrs = { strides: g.strides, pad: g.pad, dataFormat: "NHWC", filterShape: g.filter };
        const out = kernel({ inputs: { x, dy }, backend, attrs });
        const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
        backend.disposeData(out.dataId);
        return values;
      });
    const reference = run(conv2dBackpropFilterWasm);
    const fast = run(conv2dBackpropFilterIm2col);
    const scale = Math.max(...reference.map(Math.abs));
    for (let i = 0; i < reference.length; i++) {
      assert.ok(Math.abs(fast[i] - reference[i]) <= 1e-5 * scale, `element ${i}`);
    }
  });
}
