import assert from "node:assert/strict";
import { tf } from "../../lib/backend/mod.ts";
import { samePadBefore } from "../../lib/ir/mod.ts";
import {
  concatS8,
  conv1dS8,
  type Conv1dS8Params,
  denseS8,
  gruF,
  gruS8,
  hardSigmoid,
} from "../../lib/interp/mod.ts";
import { sigmoidTable, tanhTable } from "../../lib/quant/mod.ts";
import { prng } from "../ir/_fixtures.ts";

/** A conv1dS8 call on a [T, 1] input with one 3-tap filter, bias 5, shift 1, 'same'. */
function handConv(relu: boolean, pool: number): Int8Array {
  const tOut = Math.floor(5 / pool);
  const y = new Int8Array(tOut);
  conv1dS8({
    x: Int8Array.of(10, -20, 30, -40, 50),
    tIn: 5,
    cIn: 1,
    w: Int8Array.of(1, 2, 3),
    bias: Int32Array.of(5),
    shift: Uint8Array.of(1),
    cOut: 1,
    k: 3,
    stride: 1,
    padBefore: 1,
    tOut,
    pool,
    relu,
    y,
  });
  return y;
}

Deno.test("conv1dS8() on a hand-worked case: accumulators −35, 65, −75, 105, 65 halve to −17, 33, −37, 53, 33", () => {
  assert.deepEqual(Array.from(handConv(false, 1)), [-17, 33, -37, 53, 33]);
});

Deno.test("conv1dS8() with fused ReLU and pool 2 keeps the maxima of the rectified pairs", () => {
  assert.deepEqual(Array.from(handConv(true, 1)), [0, 33, 0, 53, 33]);
  assert.deepEqual(Array.from(handConv(true, 2)), [33, 53]); // position 4 is dropped
});

Deno.test("conv1dS8() saturates at 127 and −128", () => {
  const run = (sign: number) => {
    const y = new Int8Array(2);
    conv1dS8({
      x: new Int8Array(4).fill(127),
      tIn: 4,
      cIn: 1,
      w: Int8Array.of(sign * 127, sign * 127),
      bias: Int32Array.of(0),
      shift: Uint8Array.of(0),
      cOut: 1,
      k: 2,
      stride: 2,
      padBefore: 0,
      tOut: 2,
      pool: 1,
      relu: false,
      y,
    });
    return Array.from(y);
  };
  assert.deepEqual(run(1), [127, 127]);
  assert.deepEqual(run(-1), [-128, -128]);
});

Deno.test("conv1dS8() 'same' padding with stride 2 equals tfjs conv1d on integer data", () => {
  const random = prng(9);
  const [tIn, cIn, cOut, k, stride] = [11, 2, 3, 4, 2];
  const x = Array.from({ length: tIn * cIn }, () => Math.floor(random() * 9) - 4);
  const wTf = Array.from({ length: k * cIn * cOut }, () => Math.floor(random() * 7) - 3); // [K, Cin, Cout]
  const expected = tf.tidy(() =>
    Array.from(
      tf.conv1d(tf.tensor3d(x, [1, tIn, cIn]), tf.tensor3d(wTf, [k, cIn, cOut]), stride, "same")
        .dataSync(),
    )
  );
  const w = new Int8Array(cOut * k * cIn);
  for (let co = 0; co < cOut; co++) {
    for (let kk = 0; kk < k; kk++) {
      for (let ci = 0; ci < cIn; ci++) {
        w[(co * k + kk) * cIn + ci] = wTf[(kk * cIn + ci) * cOut + co];
      }
    }
  }
  const tOut = Math.ceil(tIn / stride);
  const params: Conv1dS8Params = {
    x: Int8Array.from(x),
    tIn,
    cIn,
    w,
    bias: new Int32Array(cOut),
    shift: new Uint8Array(cOut),
    cOut,
    k,
    stride,
    padBefore: samePadBefore(tIn, k, stride),
    tOut,
    pool: 1,
    relu: false,
    y: new Int8Array(tOut * cOut),
  };
  conv1dS8(params);
  assert.deepEqual(Array.from(params.y), expected);
});

Deno.test("concatS8() brings inputs with different scales to the output's dec", () => {
  // Input 0: [2, 2] at dec 5; input 1: [2, 1] at dec 3; output dec 3 → shifts 2 and 0.
  const y = new Int8Array(6);
  concatS8([Int8Array.of(64, -33, 127, -6), Int8Array.of(5, -7)], [2, 1], [2, 0], 2, y);
  // 64/4 = 16, −33/4 = −8.25 → −8, 127/4 = 31.75 → 32, −6/4 = −1.5 → −1 (half up).
  assert.deepEqual(Array.from(y), [16, -8, 5, 32, -1, -7]);
});

Deno.test("denseS8() with sigmoid gives a graded Q0.7 probability, saturating at 127", () => {
  const table = Int16Array.from(sigmoidTable().data);
  const out = (bias: number) => {
    const y = new Int8Array(1);
    denseS8({
      x: Int8Array.of(0),
      nIn: 1,
      w: Int8Array.of(0),
      bias: Int32Array.of(bias),
      shift: Uint8Array.of(0),
      nOut: 1,
      activation: "sigmoid",
      table,
      preDec: 12,
      y,
    });
    return y[0];
  };
  // Pre-activations −2, 0, 0.5, 2, 20 at dec 12.
  assert.deepEqual([-8192, 0, 2048, 8192, 81920].map(out), [15, 64, 80, 113, 127]);
});

Deno.test("gruS8() over 78 steps stays within 0.03 of the float GRU", () => {
  const random = prng(21);
  const [t, nIn, u] = [78, 4, 12];
  const uniform = (n: number, scale: number) =>
    Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  const [dx, dW, dU, preDec] = [5, 7, 7, 12];
  const xq = Int8Array.from({ length: t * nIn }, () => Math.floor(random() * 256) - 128);
  const w = uniform(3 * u * nIn, 0.9).map((v) => Math.round(v * 2 ** dW));
  const r = uniform(3 * u * u, 0.6).map((v) => Math.round(v * 2 ** dU));
  const b = uniform(3 * u, 0.3).map((v) => Math.round(v * 2 ** (dx + dW)));
  const y = new Int8Array(t * u);
  gruS8({
    x: xq,
    t,
    nIn,
    units: u,
    w: Int8Array.from(w),
    r: Int8Array.from(r),
    bias: Int32Array.from(b),
    sx: new Uint8Array(3 * u).fill(dx + dW - preDec),
    sr: new Uint8Array(3 * u).fill(15 + dU - preDec),
    preDec,
    hardSigmoid: true,
    tanhTable: Int16Array.from(tanhTable().data),
    sigmoidTable: null,
    outShift: 15 - 7,
    returnSequences: true,
    y,
    state: new Int16Array(u),
    scratch: new Int16Array(2 * u),
  });
  const expected = gruF(
    Float64Array.from(xq, (v) => v / 2 ** dx),
    t,
    nIn,
    u,
    Float64Array.from(w, (v) => v / 2 ** dW),
    Float64Array.from(r, (v) => v / 2 ** dU),
    Float64Array.from(b, (v) => v / 2 ** (dx + dW)),
    hardSigmoid,
    true,
  );
  let worst = 0;
  let spread = 0;
  for (let i = 0; i < y.length; i++) {
    worst = Math.max(worst, Math.abs(y[i] / 128 - expected[i]));
    spread = Math.max(spread, Math.abs(expected[i]));
  }
  assert(spread > 0.3, `the test GRU should not be idle (max |h| ${spread})`);
  assert(worst < 0.03, `max |int8 − float| = ${worst}`);
});
