import assert from "node:assert/strict";
import { normalizePeaks, peakExponent } from "../../lib/data/mod.ts";
import { quantizeInput, runFloat64 } from "../../lib/interp/mod.ts";
import { IR_MAGIC, IR_VERSION, type ModelIR } from "../../lib/ir/ir.ts";
import { validateIR } from "../../lib/ir/validate.ts";
import { type ArchSpec, prepareInput } from "../../lib/model/mod.ts";
import { mulberry32 } from "../../lib/random/mulberry32.ts";

/** The float32 just below and above `x`. */
function neighbours(x: number): [number, number] {
  const bits = new Uint32Array(Float32Array.of(x).buffer);
  const below = new Float32Array(new Uint32Array([bits[0] - 1]).buffer)[0];
  const above = new Float32Array(new Uint32Array([bits[0] + 1]).buffer)[0];
  return [below, above];
}

Deno.test("peakExponent() puts the peak in [0.5, 1) exactly, at and around every power of two", () => {
  for (let e = -20; e <= 20; e++) {
    const power = 2 ** e;
    const [below, above] = neighbours(power);
    // 2^e = 0.5 · 2^(e+1); just below it the exponent is e.
    assert.equal(peakExponent([0, -power]), e + 1, `2^${e}`);
    assert.equal(peakExponent([below]), e, `below 2^${e}`);
    assert.equal(peakExponent([above, 0]), e + 1, `above 2^${e}`);
  }
  const random = mulberry32(3);
  for (let i = 0; i < 1000; i++) {
    const x = Math.fround((random() - 0.5) * 2 ** (random() * 40 - 20));
    const normalized = Math.abs(x) * 2 ** -peakExponent([x]);
    assert.ok(normalized >= 0.5 && normalized < 1, `${x}`);
  }
});

Deno.test("peakExponent() is 0 for a silent segment and refuses a non-finite sample", () => {
  assert.equal(peakExponent(new Float32Array(1250)), 0);
  assert.throws(() => peakExponent([0.1, NaN]), /not finite/);
  assert.throws(() => peakExponent([Infinity]), /not finite/);
});

Deno.test("normalizePeaks() scales each segment by its own power of two and refuses a partial one", () => {
  const x = normalizePeaks(new Float32Array([0.2, -0.3, 3, 1, 0, 0]), 2);
  assert.deepEqual(Array.from(x), [0.4, -0.6, 0.75, 0.25, 0, 0].map(Math.fround));
  assert.throws(() => normalizePeaks(new Float32Array(5), 2), /not whole segments of 2/);
});

/** A one-layer int8 IR (only its boundary is used here) with the given input dec. */
function inputIR(dec: number, peakNormalize: boolean, inputClip: number | null = null): ModelIR {
  return {
    form: "int8",
    input: "x",
    inputClip,
    peakNormalize,
    tensors: { x: { dec, dtype: "int8", shape: [1250, 1] } },
  } as unknown as ModelIR;
}

Deno.test("quantizeInput() of a peak-normalized IR equals quantizing the normalized segment", () => {
  const random = mulberry32(11);
  for (const amplitude of [0.07, 0.14, 0.5, 1, 1.8, 6]) {
    const segment = Float32Array.from({ length: 1250 }, () => (random() - 0.5) * 2 * amplitude);
    const normalized = normalizePeaks(segment.slice(), 1250);
    assert.deepEqual(
      quantizeInput(inputIR(7, true), segment),
      quantizeInput(inputIR(7, false), normalized),
      `amplitude ${amplitude}`,
    );
    // Every segment now uses the int8 range: its peak lands at 64 … 127.
    const q = quantizeInput(inputIR(7, true), segment);
    const peak = q.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(peak >= 64 && peak <= 128, `peak ${peak}`);
  }
  // The clip comes first: a segment clipped to ±1 peaks at 1 = 0.5 · 2^1.
  const clipped = quantizeInput(inputIR(7, true, 1), Float32Array.of(3, -0.25, 0.5));
  assert.deepEqual(Array.from(clipped).slice(0, 3), [64, -16, 32]);
});

Deno.test("prepareInput() and the float interpreter normalize alike", () => {
  const spec = { inputLength: 4, inputClip: null, peakNormalize: true } as unknown as ArchSpec;
  const x = Float32Array.of(0.1, -0.3, 0.2, 0, 5, 1, 0, -2);
  assert.deepEqual(Array.from(prepareInput(spec, x.slice())), [
    ...[0.2, -0.6, 0.4, 0].map(Math.fround),
    ...[0.625, 0.125, 0, -0.25],
  ]);
  const identity = { ...identityIR(), peakNormalize: true };
  assert.deepEqual(Array.from(runFloat64(identity, x.subarray(0, 4)).get("x")!), [
    ...[0.2, -0.6, 0.4, 0].map(Math.fround),
  ]);
});

Deno.test("validateIR() refuses a peakNormalize that is not a boolean", () => {
  validateIR({ ...identityIR(), peakNormalize: true });
  const bad = { ...identityIR(), peakNormalize: "yes" } as unknown as ModelIR;
  assert.throws(() => validateIR(bad), /peakNormalize yes must be true, false or absent/);
});

/** A float IR with no layers: its output is its input (after clip and normalization). */
function identityIR(): ModelIR {
  return {
    magic: IR_MAGIC,
    version: IR_VERSION,
    arch: "identity",
    form: "float",
    input: "x",
    inputClip: null,
    output: "x",
    threshold: 0.5,
    tensors: { x: { dtype: "float32", shape: [4, 1] } },
    layers: [],
  };
}
