/**
 * The planner and the report on models as the pipeline makes them: tfjs (random weights) →
 * convertModel → quantize → planMemory, for each arch.
 */
import assert from "node:assert/strict";
import { setupBackend } from "../../lib/backend/mod.ts";
import { convertModel } from "../../lib/ir/mod.ts";
import { buildModel, compact, nnom } from "../../lib/model/mod.ts";
import { quantize, sqnrByLayer } from "../../lib/quant/mod.ts";
import { applyPlan, checkPlan, formatTimeline, planMemory } from "../../lib/plan/mod.ts";
import { countMacs, formatLayerReport, layerReport } from "../../lib/report/mod.ts";
import { seededRandom } from "./_fixtures.ts";

await setupBackend("wasm");

/** Four synthetic segments: a slow wave plus seeded noise, in the range of real IEGMs. */
const random = seededRandom(5);
const calibration = Float32Array.from(
  { length: 4 * 1250 },
  (_, i) => 0.5 * Math.sin(i / 7) + 0.2 * (random() - 0.5),
);

function int8Model(spec: typeof nnom) {
  const floatIR = convertModel(buildModel(spec, 3), spec, { threshold: 0.5 });
  const int8IR = quantize(floatIR, calibration, { calib: "max", perChannel: true });
  return { floatIR, int8IR };
}

Deno.test("planMemory() fits the converted int8 nnom model in 3,820 bytes (≤ 4,096)", () => {
  const { floatIR, int8IR } = int8Model(nnom);
  const plan = planMemory(int8IR);
  checkPlan(int8IR, plan);
  assert.deepEqual(
    [plan.arenaBytes, plan.stateBytes, plan.scratchBytes, plan.totalBytes],
    [3748, 24, 48, 3820],
  );
  // The three branch outputs are written straight into the concat output.
  assert.equal(Object.keys(plan.views).length, 3);
  assert.equal(countMacs(int8IR).total, 155_688);
  const planned = applyPlan(int8IR, plan);
  const rows = layerReport(planned, plan, sqnrByLayer(floatIR, int8IR, calibration));
  assert.ok(rows.every((row) => row.sqnrDb !== null), "every layer has an SQNR");
  assert.match(formatLayerReport(rows, plan), /= 3820 bytes$/);
  assert.match(formatTimeline(planned, plan), /^Memory plan \(greedy\): arena 3748 B/);
  // The GRU's state and scratch fit in the arena beside the tensors live at the GRU.
  const inArena = planMemory(int8IR, { workspaceInArena: true });
  checkPlan(int8IR, inArena);
  assert.equal(inArena.totalBytes, 3748);
});

Deno.test("planMemory() plans the converted int8 compact model", () => {
  const { int8IR } = int8Model(compact);
  const plan = planMemory(int8IR);
  checkPlan(int8IR, plan);
  // input 1,250 and the conv output 37 × 3 = 111 (+1) are live together at layer 0.
  assert.equal(plan.arenaBytes, 1252 + 112);
  assert.equal(plan.totalBytes, plan.arenaBytes);
});
