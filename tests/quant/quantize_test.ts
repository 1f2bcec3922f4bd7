import assert from "node:assert/strict";
import { ARCHS } from "../../lib/model/mod.ts";
import { convertModel, irToJson, type ModelIR } from "../../lib/ir/mod.ts";
import {
  decByKld,
  decForMax,
  isolatedLayerErrors,
  quantize,
  sqnrByLayer,
} from "../../lib/quant/mod.ts";
import { collectStats } from "../../lib/quant/calibrate.ts";
import { concatSegments, loadSegments, randomModel } from "../ir/_fixtures.ts";

const { samples } = await loadSegments();
const calibration = concatSegments(samples);
const nnomFloat = convertModel(randomModel(ARCHS.nnom, 5), ARCHS.nnom, { threshold: 0.5 });
const compactFloat = convertModel(randomModel(ARCHS.compact, 5), ARCHS.compact, { threshold: 0.5 });
const nnom = quantize(nnomFloat, calibration, { calib: "max", perChannel: false });
const nnomPerChannel = quantize(nnomFloat, calibration, { calib: "max", perChannel: true });

const decsOf = (dec: number | number[] | undefined, n: number) =>
  Array.isArray(dec) ? dec : new Array(n).fill(dec);

for (const [label, ir] of [["per tensor", nnom], ["per channel", nnomPerChannel]] as const) {
  Deno.test(`quantize() → dequantize keeps every weight within half a step, one at a saturated max (${label})`, () => {
    for (const [i, layer] of ir.layers.entries()) {
      for (const name of ["kernel", "recurrent"]) {
        const q = layer.weights[name];
        if (!q) continue;
        const f = nnomFloat.layers[i].weights[name].data;
        const rows = Array.isArray(q.dec) ? q.dec.length : q.shape[0];
        const decs = decsOf(q.dec, rows);
        const perRow = q.data.length / rows;
        q.data.forEach((v, j) => {
          const step = 2 ** -decs[Math.floor(j / perRow)];
          const bound = v === 127 ? step : step / 2;
          assert(Math.abs(v * step - f[j]) <= bound + 1e-12, `${layer.name}.${name}[${j}]`);
        });
      }
    }
  });
}

Deno.test("quantize() stores biases as int32 at dec_in + dec_w, within half a step", () => {
  for (const [i, layer] of nnomPerChannel.layers.entries()) {
    const bias = layer.weights.bias;
    if (!bias) continue;
    assert.equal(bias.dtype, "int32");
    const dx = nnomPerChannel.tensors[layer.inputs[0]].dec!;
    const channels = Array.isArray(bias.dec)
      ? bias.dec.length
      : layer.op === "gru"
      ? 1
      : bias.shape[0];
    const dw = decsOf(layer.weights.kernel.dec, channels);
    const decs = decsOf(bias.dec, channels);
    decs.forEach((d, c) => assert.equal(d, dx + dw[c], `${layer.name} channel ${c}`));
    const f = nnomFloat.layers[i].weights.bias.data;
    bias.data.forEach((b, j) => {
      const step = 2 ** -decs[j % decs.length];
      assert(Math.abs(b * step - f[j]) <= step / 2 + 1e-12, `${layer.name}.bias[${j}]`);
    });
  }
});

Deno.test("quantize() gives concatenated inputs and the concat one shared dec", () => {
  const decs = ["b5_pool", "b9_pool", "b13_pool", "concat"].map((n) => nnom.tensors[n].dec);
  assert.equal(new Set(decs).size, 1, `${decs}`);
});

Deno.test("quantize() with per-channel gives conv kernels one dec per filter, GRU one per row, dense one", () => {
  const conv = nnomPerChannel.layers[0].weights.kernel;
  assert(Array.isArray(conv.dec) && conv.dec.length === 8);
  assert.equal(typeof nnomPerChannel.layers[7].weights.kernel.dec, "number");
  assert.equal(typeof nnom.layers[0].weights.kernel.dec, "number");
  const gru = nnomPerChannel.layers.find((l) => l.op === "gru")!;
  for (const name of ["kernel", "recurrent", "bias"]) {
    const dec = gru.weights[name].dec;
    assert(Array.isArray(dec) && dec.length === 36, `gru ${name} dec ${dec}`);
  }
  assert.equal(typeof nnom.layers.find((l) => l.op === "gru")!.weights.kernel.dec, "number");
});

Deno.test("quantize() sets the GRU's pre-activation dec, tables and an output dec in [7, 15]", () => {
  const gru = nnom.layers.find((l) => l.op === "gru")!;
  const preDec = gru.attrs.preDec as number;
  assert(preDec >= 1 && preDec <= 12);
  assert.equal(gru.weights.tanhTable.data.length, 257);
  assert.equal(gru.weights.sigmoidTable, undefined); // hard_sigmoid needs no table
  const dec = nnom.tensors.gru.dec!;
  assert(dec >= 7 && dec <= 15, `${dec}`);
  assert.equal(nnom.tensors.out.dec, 7);
});

Deno.test("quantize() calibrates the input dec from the data instead of fixing it", () => {
  const small = calibration.map((v) => v / 16);
  const a = quantize(compactFloat, calibration, { calib: "max", perChannel: false });
  const b = quantize(compactFloat, small, { calib: "max", perChannel: false });
  assert.equal(b.tensors.input.dec, a.tensors.input.dec! + 4);
});

Deno.test("quantize() gives the same bytes for the same inputs", () => {
  const again = quantize(nnomFloat, calibration, { calib: "max", perChannel: false });
  assert.equal(irToJson(again), irToJson(nnom));
});

Deno.test("quantize() by KLD keeps each dec within max … max + 3", () => {
  const kld = quantize(nnomFloat, calibration, { calib: "kld", perChannel: false });
  const stats = collectStats(nnomFloat, calibration, true);
  for (const name of ["input", "b5_pool", "mix_pool"]) {
    const d = decByKld(stats.get(name)!);
    const d0 = decForMax(stats.get(name)!.absMax);
    assert(d >= d0 && d <= d0 + 3, `${name}: ${d} vs ${d0}`);
  }
  assert(kld.tensors.concat.dec! >= nnom.tensors.concat.dec!);
});

Deno.test("decForMax() is 7 − ceil(log2 max)", () => {
  assert.deepEqual([1, 0.5, 0.51, 2, 100, 0].map(decForMax), [7, 8, 7, 6, 0, 7]);
});

Deno.test("quantize() refuses a bias that overflows the accumulator bound, naming the layer", () => {
  const broken = structuredClone(compactFloat) as ModelIR;
  broken.layers.find((l) => l.name === "fc2")!.weights.bias.data[0] = 1e9;
  assert.throws(
    () => quantize(broken, calibration, { calib: "max", perChannel: false }),
    (e) => e instanceof RangeError && e.message.includes('"fc2"'),
  );
});

Deno.test("sqnrByLayer() reports every layer and the input, above 15 dB on random weights", () => {
  const sqnr = sqnrByLayer(nnomFloat, nnomPerChannel, calibration.subarray(0, 2 * 1250));
  assert.deepEqual(Object.keys(sqnr), ["input", ...nnomFloat.layers.map((l) => l.name)]);
  for (const [layer, db] of Object.entries(sqnr)) assert(db > 15, `${layer}: ${db} dB`);
});

Deno.test("isolatedLayerErrors(): flatten adds no error, the GRU stays within a few output steps", () => {
  const errors = isolatedLayerErrors(nnomFloat, nnom, calibration.subarray(0, 2 * 1250));
  assert.equal(errors.flatten.maxAbsError, 0);
  assert.equal(errors.concat, undefined); // multi-input layers are not isolated
  const gru = errors.gru;
  assert(gru.maxAbsError < 4 * gru.step, `GRU max error ${gru.maxAbsError}, step ${gru.step}`);
  assert(gru.sqnrDb > 20, `GRU ${gru.sqnrDb} dB`);
});
