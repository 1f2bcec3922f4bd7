import assert from "node:assert/strict";
import { hardSigmoidQ15, lut, rshift, sat16, sat8 } from "../../lib/interp/mod.ts";
import { sigmoidTable, tanhTable } from "../../lib/quant/mod.ts";

Deno.test("rshift() rounds −2.5 half up to −2", () => {
  assert.equal(rshift(-5, 1), -2);
  assert.equal(rshift(-10, 2), -2); // −2.5
});

Deno.test("rshift() rounds 2.5 to 3, −3.5 to −3 and −2.75 to −3", () => {
  assert.equal(rshift(5, 1), 3);
  assert.equal(rshift(-7, 1), -3);
  assert.equal(rshift(-11, 2), -3);
});

Deno.test("rshift() by 0 is the identity, and by 30 stays exact near 2^30", () => {
  assert.equal(rshift(-123456, 0), -123456);
  assert.equal(rshift(2 ** 30, 30), 1);
  assert.equal(rshift(-(2 ** 29), 30), 0); // −0.5 → 0
  assert.equal(rshift(-(2 ** 29) - 1, 30), -1);
});

Deno.test("rshift() equals floor(v / 2^s + 1/2) for every v in [−4096, 4096] and s ≤ 6", () => {
  for (let s = 0; s <= 6; s++) {
    for (let v = -4096; v <= 4096; v++) assert.equal(rshift(v, s), Math.floor(v / 2 ** s + 0.5));
  }
});

Deno.test("sat8() saturates at −128 and 127, sat16() at −32768 and 32767", () => {
  assert.deepEqual([sat8(-129), sat8(-128), sat8(127), sat8(128)], [-128, -128, 127, 127]);
  assert.deepEqual([sat16(-40000), sat16(40000), sat16(-5)], [-32768, 32767, -5]);
});

Deno.test("hardSigmoidQ15() is the exact rounding of clip(0.2x + 0.5, 0, 1) for every int16 input", () => {
  for (const preDec of [1, 5, 12]) {
    for (let pre = -32768; pre <= 32767; pre++) {
      const exact = Math.min(
        Math.max(Math.floor(0.2 * pre * 2 ** (15 - preDec) + 16384 + 0.5), 0),
        32768,
      );
      // 0.2·pre·2^(15−P) is a multiple of 1/5: never a half, so float rounding cannot flip it.
      if (hardSigmoidQ15(pre, preDec) !== exact) assert.fail(`pre ${pre} at dec ${preDec}`);
    }
  }
});

Deno.test("hardSigmoidQ15() saturates exactly at inputs ±2.5: 0 and 32768", () => {
  assert.equal(hardSigmoidQ15(-10240, 12), 0);
  assert.equal(hardSigmoidQ15(-10239, 12), 2); // 0.2·(−2.49976) + 0.5 = 0.0000488 → 1.6 → 2
  assert.equal(hardSigmoidQ15(10240, 12), 32768);
  assert.equal(hardSigmoidQ15(2 ** 30, 12), 32768);
  assert.equal(hardSigmoidQ15(-(2 ** 30), 12), 0);
  assert.equal(hardSigmoidQ15(-5, 1), 0); // −2.5 at dec 1
});

Deno.test("the multiply-shift (m · 209716) >> 20 equals floor(m / 5) for all m in [0, 2^18)", () => {
  for (let m = 0; m < 2 ** 18; m++) {
    if (Math.floor((m * 209716) / 2 ** 20) !== Math.floor(m / 5)) assert.fail(`m = ${m}`);
  }
});

Deno.test("lut() saturates its index: sigmoid(9) is not sigmoid(−7)", () => {
  const table = sigmoidTable().data;
  const at9 = lut(table, 9 * 4096, 12);
  const at7 = lut(table, 7 * 4096, 12);
  assert(at9 >= at7 && at9 > 32700, `${at9} ${at7}`); // sigmoid(8) · 32768 ≈ 32757
  assert.equal(lut(table, 2 ** 30, 12), lut(table, 8 * 4096 - 1, 12));
  assert.equal(lut(table, -(2 ** 30), 12), table[0]);
});

Deno.test("lut() tables are within 2e-4 (sigmoid) and 5e-4 (tanh) of the functions on [−8, 8)", () => {
  const sig = sigmoidTable().data;
  const tanh = tanhTable().data;
  let worstSig = 0;
  let worstTanh = 0;
  for (let pre = -8 * 4096; pre < 8 * 4096; pre += 7) {
    const x = pre / 4096;
    worstSig = Math.max(worstSig, Math.abs(lut(sig, pre, 12) / 32768 - 1 / (1 + Math.exp(-x))));
    worstTanh = Math.max(worstTanh, Math.abs(lut(tanh, pre, 12) / 32768 - Math.tanh(x)));
  }
  assert(worstSig < 2e-4, `sigmoid ${worstSig}`);
  assert(worstTanh < 5e-4, `tanh ${worstTanh}`);
});

Deno.test("lut() at a coarser pre-activation dec reads the same table points", () => {
  const tanh = tanhTable().data;
  // x = 1.25 at dec 4 (20) and at dec 12 (5120) is one table point.
  assert.equal(lut(tanh, 20, 4), lut(tanh, 5120, 12));
  assert.equal(lut(tanh, 20, 4), tanh[128 + 20]);
});
