import assert from "node:assert/strict";
import { countMacs, countParams, formatLayerReport, layerReport } from "../../lib/report/mod.ts";
import { planMemory } from "../../lib/plan/mod.ts";
import { nnomIR } from "../plan/_fixtures.ts";

/**
 * The nnom MACs by hand. A fused conv computes T_out·pool positions (the conv position that no
 * pool window covers, 625 − 156·4 = 1, is skipped); the GRU does 3 gates × U × (N_in + U) per
 * step.
 */
const NNOM_MACS = {
  b5: 156 * 4 * 8 * 5 * 1, //  24,960
  b9: 156 * 4 * 4 * 9 * 1, //  22,464
  b13: 156 * 4 * 4 * 13 * 1, // 32,448
  concat: 0,
  mix: 78 * 2 * 4 * 3 * 16, // 29,952
  gru: 78 * 3 * 12 * (4 + 12), // 44,928
  flatten: 0,
  out: 936 * 1, //               936
};

Deno.test("countMacs() of nnom equals the hand count, 155,688", () => {
  const macs = countMacs(nnomIR());
  assert.deepEqual(macs.byLayer, NNOM_MACS);
  assert.equal(macs.total, 155_688);
});

Deno.test("countMacs() of nnom relates to the seed's published 222,272", () => {
  // The seed (NNoM) computed all 625 positions of each branch: 1 more position × (8·5 + 4·9 +
  // 4·13) MACs. And NNoM's GRU cell counts, per step, feature·U·3 + U²·8 + U·11 (its own
  // formula, which also counts element-wise work) = 144 + 1,152 + 132 = 1,428, where we count
  // 3·U·(N_in + U) = 576.
  const unpooledTail = 1 * (8 * 5 + 4 * 9 + 4 * 13);
  const nnomGruPerStep = 4 * 12 * 3 + 12 * 12 * 8 + 12 * (3 + 3 + 5);
  const ourGruPerStep = 3 * 12 * (4 + 12);
  const seed = countMacs(nnomIR()).total + unpooledTail + 78 * (nnomGruPerStep - ourGruPerStep);
  assert.equal(unpooledTail, 128);
  assert.equal(nnomGruPerStep, 1428);
  assert.equal(seed, 222_272);
});

Deno.test("countParams() of nnom: 1,889 after folding BN (1,969 in tfjs with BN's 80)", () => {
  const params = countParams(nnomIR());
  assert.deepEqual(params.byLayer, {
    b5: 8 * 5 + 8,
    b9: 4 * 9 + 4,
    b13: 4 * 13 + 4,
    concat: 0,
    mix: 4 * 3 * 16 + 4,
    gru: 3 * 12 * 4 + 3 * 12 * 12 + 3 * 12,
    flatten: 0,
    out: 936 + 1,
  });
  assert.equal(params.total, 1889);
  // BN has 4 values per channel (γ, β, mean, variance) over 8 + 4 + 4 + 4 channels.
  assert.equal(params.total + 4 * 20, 1969);
});

Deno.test("countParams() leaves out look-up tables", () => {
  const ir = nnomIR();
  const gru = ir.layers.find((layer) => layer.name === "gru")!;
  gru.weights.tanhTable = { shape: [257], dtype: "int16", data: new Array(257).fill(0) };
  assert.equal(countParams(ir).byLayer.gru, 612);
});

Deno.test("layerReport() gives each nnom layer its bytes, offset, lifetime and SQNR", () => {
  const ir = nnomIR();
  const plan = planMemory(ir);
  const rows = layerReport(ir, plan, { b5: 40.25, gru: 28 });
  const b9 = rows[1];
  assert.deepEqual(
    [b9.name, b9.activation, b9.outputShape, b9.inputBytes, b9.outputBytes, b9.shares],
    ["b9", "relu+pool4", [156, 4], 1250, 624, "in concat@8"],
  );
  assert.equal(b9.offset, plan.tensors.concat.offset + 8);
  const gru = rows[5];
  assert.deepEqual(
    [gru.activation, gru.stateBytes, gru.scratchBytes, gru.firstLayer, gru.lastLayer],
    ["tanh/hard_sigmoid", 24, 48, 5, 6],
  );
  assert.deepEqual(rows.map((row) => row.sqnrDb), [40.25, null, null, null, null, 28, null, null]);
  assert.deepEqual(rows.map((row) => row.macs), Object.values(NNOM_MACS));
});

Deno.test("formatLayerReport() aligns the nnom table and ends with totals and RAM", () => {
  const ir = nnomIR();
  const plan = planMemory(ir);
  const lines = formatLayerReport(layerReport(ir, plan, { b5: 40.25 }), plan).split("\n");
  assert.equal(lines.length, 1 + 1 + 8 + 1 + 1 + 1);
  // Numbers are right-aligned under their header: each MACs cell ends where "MACs" ends.
  const macsEnd = lines[0].indexOf("MACs") + "MACs".length;
  for (const line of [...lines.slice(2, 10), lines[11]]) {
    assert.match(line.slice(macsEnd - 1, macsEnd + 1), /^\d $/, line);
  }
  assert.match(lines[2], /^0 {2}b5 +conv1d +relu\+pool4 +156×8 +24,960 +48 +1,250 +1,248 /);
  assert.match(lines[2], / 40\.3$/);
  assert.match(lines[11], /^ +total +155,688 +1,889 +max 24 +max 48$/);
  assert.equal(lines[12], "RAM (greedy plan): arena 3748 + state 24 + scratch 48 = 3820 bytes");
});
