import assert from "node:assert/strict";
import { ARCHS } from "../../lib/model/mod.ts";
import { convertModel, type LayerIR, type ModelIR, validateIR } from "../../lib/ir/mod.ts";
import {
  decisionScore,
  predictClass,
  quantizeInput,
  RATE_ZONE,
  rateZone,
  runFloat,
  runInt8,
  thresholdQ,
} from "../../lib/interp/mod.ts";
import { quantize } from "../../lib/quant/mod.ts";
import { concatSegments, loadSegments, randomModel } from "../ir/_fixtures.ts";

const { samples } = await loadSegments();
const calibration = concatSegments(samples);
const floatIRs = Object.fromEntries(
  Object.values(ARCHS).map((
    spec,
  ) => [spec.name, convertModel(randomModel(spec, 8), spec, { threshold: 0.3 })]),
);
const int8IRs = Object.fromEntries(
  Object.entries(floatIRs).map((
    [name, ir],
  ) => [name, quantize(ir, calibration, { calib: "max", perChannel: true })]),
);

for (const name of Object.keys(ARCHS)) {
  Deno.test(`runInt8() traces every tensor with its declared size (${name})`, () => {
    const ir = int8IRs[name];
    const { tensors } = runInt8(ir, quantizeInput(ir, samples[0]));
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(ir.tensors).sort());
    for (const [tensor, values] of Object.entries(tensors)) {
      assert(values instanceof Int8Array, tensor);
      assert.equal(values.length, ir.tensors[tensor].shape.reduce((a, b) => a * b, 1), tensor);
    }
  });

  Deno.test(`runInt8() probability is within 0.03 of runFloat() on real segments (${name})`, () => {
    for (const segment of samples) {
      const f = runFloat(floatIRs[name], segment).probability;
      const q = runInt8(int8IRs[name], quantizeInput(int8IRs[name], segment));
      assert.equal(q.probability, q.output / 128);
      assert(Math.abs(f - q.probability) < 0.03, `${f} vs ${q.probability}`);
    }
  });
}

Deno.test("quantizeInput() clips, rounds half up and saturates", () => {
  const ir = int8IRs.nnom;
  assert.equal(ir.inputClip, 1);
  const dec = ir.tensors[ir.input].dec!;
  const step = 2 ** -dec;
  const x = Float32Array.of(2, -2, 1, -1, 1.5 * step, -1.5 * step, -2.5 * step, 0.49 * step);
  const top = Math.min(2 ** dec, 127);
  assert.deepEqual(Array.from(quantizeInput(ir, x)), [
    top,
    -Math.min(2 ** dec, 128),
    top,
    -Math.min(2 ** dec, 128),
    2,
    -1,
    -2,
    0,
  ]);
});

Deno.test("predictClass() is output ≥ ceil(128 · threshold)", () => {
  assert.equal(thresholdQ(int8IRs.nnom), 39); // 0.3 · 128 = 38.4
  assert.equal(predictClass(int8IRs.nnom, 38, RATE_ZONE.open), 0);
  assert.equal(predictClass(int8IRs.nnom, 39, RATE_ZONE.open), 1);
  assert.equal(predictClass({ threshold: 1 }, 127, RATE_ZONE.open), 0); // 128: never VA
  assert.equal(predictClass({ threshold: 0 }, 0, RATE_ZONE.open), 1);
});

Deno.test("predictClass() never calls a closed gate VA, and uses the fast zone's threshold in it", () => {
  const ir = { threshold: 0.5, rateGateBpm: 110, fastZone: { bpm: 125, threshold: 0.1 } };
  assert.equal(predictClass(ir, 127, RATE_ZONE.closed), 0);
  assert.equal(predictClass(ir, 63, RATE_ZONE.open), 0); // 0.5 · 128 = 64
  assert.equal(predictClass(ir, 64, RATE_ZONE.open), 1);
  assert.equal(predictClass(ir, 12, RATE_ZONE.fast), 0); // 0.1 · 128 = 12.8 → 13
  assert.equal(predictClass(ir, 13, RATE_ZONE.fast), 1);
  // Twice-median intervals: 30000 / D bpm; no rate is OPEN.
  assert.equal(rateZone(ir, 273), RATE_ZONE.closed); // 109.9 bpm
  assert.equal(rateZone(ir, 272), RATE_ZONE.open); // 110.3
  assert.equal(rateZone(ir, 241), RATE_ZONE.open); // 124.5
  assert.equal(rateZone(ir, 240), RATE_ZONE.fast); // 125
  assert.equal(rateZone(ir, null), RATE_ZONE.open);
  assert.equal(rateZone({ rateGateBpm: 110 }, 100), RATE_ZONE.open);
  assert.equal(rateZone({}, 1000), RATE_ZONE.open);
});

Deno.test("predictClass() below the gate uses the belowGateThreshold when there is one", () => {
  const ir = { threshold: 0.5, rateGateBpm: 110, belowGateThreshold: 0.9 };
  assert.equal(predictClass(ir, 115, RATE_ZONE.closed), 0); // 0.9 · 128 = 115.2 → 116
  assert.equal(predictClass(ir, 116, RATE_ZONE.closed), 1);
  assert.equal(predictClass(ir, 64, RATE_ZONE.open), 1);
  assert.equal(decisionScore(ir, 0.95, RATE_ZONE.closed), 1);
  assert.equal(decisionScore(ir, 0.85, RATE_ZONE.closed), 0);
  assert.equal(decisionScore({}, 0.99, RATE_ZONE.closed), 0);
  assert.equal(decisionScore(ir, 0.6, RATE_ZONE.open), 0.6);
});

Deno.test("runInt8() of fused conv/ReLU/pool equals separate conv, relu and maxpool1d bit for bit", () => {
  const fused = int8IRs.nnom;
  const unfused = structuredClone(fused) as ModelIR;
  const at = unfused.layers.findIndex((l) => l.name === "mix_conv");
  const conv = unfused.layers[at];
  const pooled = conv.output;
  const [t, c] = unfused.tensors[pooled].shape;
  const dec = unfused.tensors[pooled].dec;
  unfused.tensors.mix_linear = { shape: [t * 2, c], dtype: "int8", dec };
  unfused.tensors.mix_relu = { shape: [t * 2, c], dtype: "int8", dec };
  const separate: LayerIR[] = [
    { ...conv, output: "mix_linear", attrs: { ...conv.attrs, activation: "linear", pool: 1 } },
    {
      name: "mix_relu",
      op: "relu",
      inputs: ["mix_linear"],
      output: "mix_relu",
      attrs: {},
      weights: {},
    },
    {
      name: "mix_maxpool",
      op: "maxpool1d",
      inputs: ["mix_relu"],
      output: pooled,
      attrs: { pool: 2, stride: 2 },
      weights: {},
    },
  ];
  unfused.layers.splice(at, 1, ...separate);
  validateIR(unfused);
  for (const segment of samples) {
    const a = runInt8(fused, quantizeInput(fused, segment)).tensors;
    const b = runInt8(unfused, quantizeInput(unfused, segment)).tensors;
    for (const name of Object.keys(fused.tensors)) assert.deepEqual(a[name], b[name], name);
  }
});

Deno.test("runInt8() refuses a float IR and runFloat() an int8 one", () => {
  assert.throws(() => runInt8(floatIRs.nnom, new Int8Array(1250)), TypeError);
  assert.throws(() => runFloat(int8IRs.nnom, new Float32Array(1250)), TypeError);
});

Deno.test("runInt8() outputs are graded, not only 0 and 127", () => {
  const outputs = new Set(
    samples.map((s) => runInt8(int8IRs.compact, quantizeInput(int8IRs.compact, s)).output),
  );
  assert(![...outputs].every((o) => o === 0 || o === 127), `${[...outputs]}`);
});
