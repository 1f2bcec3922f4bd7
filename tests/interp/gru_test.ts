import assert from "node:assert/strict";
import { tf } from "../../lib/backend/mod.ts";
import { gruF, gruS8, hardSigmoid, sigmoid } from "../../lib/interp/mod.ts";
import { sigmoidTable, tanhTable } from "../../lib/quant/mod.ts";
import { prng } from "../ir/_fixtures.ts";

const [T, N_IN, UNITS] = [78, 4, 12];

/** A tfjs GRU layer with seeded weights and a non-zero bias, and its output for `x`. */
function tfjsGru(recurrentActivation: "hardSigmoid" | "sigmoid", x: number[], seed: number) {
  return tf.tidy(() => {
    const input = tf.input({ shape: [T, N_IN] });
    const layer = tf.layers.gru({
      units: UNITS,
      returnSequences: true,
      recurrentActivation,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
    });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const random = prng(seed);
    const [kernel, recurrent] = layer.getWeights();
    layer.setWeights([
      kernel,
      recurrent,
      tf.tensor1d(Array.from({ length: 3 * UNITS }, () => random() - 0.5)),
    ]);
    const y = model.predict(tf.tensor3d(x, [1, T, N_IN])) as tf.Tensor;
    const [k, r, b] = layer.getWeights().map((w) => Array.from(w.dataSync()));
    return { y: Array.from(y.dataSync()), k, r, b };
  });
}

/** Keras [rows, cols] → [cols, rows]. */
function transpose(w: number[], rows: number, cols: number): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = w[i * cols + j];
  return out;
}

for (const activation of ["hardSigmoid", "sigmoid"] as const) {
  Deno.test(`gruF() equals the tfjs GRU within 1e-5 over 78 steps (${activation})`, () => {
    const random = prng(3);
    const x = Array.from({ length: T * N_IN }, () => (random() * 2 - 1) * 2);
    const { y, k, r, b } = tfjsGru(activation, x, 17);
    const got = gruF(
      Float64Array.from(x),
      T,
      N_IN,
      UNITS,
      transpose(k, N_IN, 3 * UNITS),
      transpose(r, UNITS, 3 * UNITS),
      Float64Array.from(b),
      activation === "sigmoid" ? sigmoid : hardSigmoid,
      true,
    );
    let worst = 0;
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(got[i] - y[i]));
    assert(worst < 1e-5, `max difference ${worst}`);
  });
}

Deno.test("gruS8() with a sigmoid recurrent activation (table) stays within 0.03 of gruF()", () => {
  const random = prng(5);
  const [dx, dW, dU, preDec] = [6, 7, 7, 12];
  const xq = Int8Array.from({ length: T * N_IN }, () => Math.floor(random() * 256) - 128);
  const w = Array.from({ length: 3 * UNITS * N_IN }, () => Math.round((random() - 0.5) * 200));
  const r = Array.from({ length: 3 * UNITS * UNITS }, () => Math.round((random() - 0.5) * 120));
  const b = Array.from({ length: 3 * UNITS }, () => Math.round((random() - 0.5) * 2 ** 12));
  const y = new Int8Array(UNITS); // returnSequences false: the last state only
  gruS8({
    x: xq,
    t: T,
    nIn: N_IN,
    units: UNITS,
    w: Int8Array.from(w),
    r: Int8Array.from(r),
    bias: Int32Array.from(b),
    sx: new Uint8Array(3 * UNITS).fill(dx + dW - preDec),
    sr: new Uint8Array(3 * UNITS).fill(15 + dU - preDec),
    preDec,
    hardSigmoid: false,
    tanhTable: Int16Array.from(tanhTable().data),
    sigmoidTable: Int16Array.from(sigmoidTable().data),
    outShift: 15 - 7,
    returnSequences: false,
    y,
    state: new Int16Array(UNITS),
    scratch: new Int16Array(2 * UNITS),
  });
  const expected = gruF(
    Float64Array.from(xq, (v) => v / 2 ** dx),
    T,
    N_IN,
    UNITS,
    Float64Array.from(w, (v) => v / 2 ** dW),
    Float64Array.from(r, (v) => v / 2 ** dU),
    Float64Array.from(b, (v) => v / 2 ** (dx + dW)),
    sigmoid,
    false,
  );
  const errors = Array.from(y, (q, i) => Math.abs(q / 128 - expected[i]));
  assert(Math.max(...expected.map(Math.abs)) > 0.1, "the test GRU should not be idle");
  assert(Math.max(...errors) < 0.03, `errors ${errors}`);
});
