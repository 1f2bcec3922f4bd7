import assert from "node:assert/strict";
import { predictClass, quantizeInput, rateZoneOf, runInt8 } from "../../lib/interp/mod.ts";
import { loadIR, type ModelIR } from "../../lib/ir/mod.ts";
import { segment } from "../../lib/data/mod.ts";
import { fitByRhythm, type FitDecision, trainingFit } from "../../lib/search/mod.ts";
import { syntheticDataset } from "../train/_synthetic.ts";

const models = new URL("../../models/", import.meta.url);
const threeblock = await loadIR(new URL("threeblock/int8.ir.json", models).pathname);
/** threeblock with its output layer silenced: it never calls VA (at thresholds above 0.1). */
const neverVa: ModelIR = structuredClone(threeblock);
const out = neverVa.layers.at(-1)!.weights;
out.kernel.data = out.kernel.data.map(() => 0);
out.bias.data = [-1_000_000];
// Three subjects of 6 segments, SR and VT alternating; fold 0 holds S01 out, fold 1 S02 and S03.
const dataset = syntheticDataset(3, 6);
const folds = [["S01"], ["S02", "S03"]];
const decision: FitDecision = {
  threshold: 0.5,
  rateGateBpm: null,
  fastZone: null,
  belowGateThreshold: null,
};

/** Share of `indices` that `ir` classifies correctly at `decision`. */
function shareCorrect(ir: ModelIR, indices: number[]): number {
  const correct = indices.filter((i) => {
    const input = quantizeInput(ir, segment(dataset, i));
    const output = runInt8(ir, input).output;
    return predictClass(decision, output, rateZoneOf(decision, input)) === dataset.labels[i];
  });
  return correct.length / indices.length;
}

Deno.test("trainingFit() scores each block with the fold model that held it out, and the others", () => {
  const blocks = trainingFit(dataset, folds, [threeblock, neverVa], decision);
  assert.deepEqual(
    blocks.map((b) => `${b.subject} ${b.rhythm} ${b.segments} ${b.trainedBy}`),
    ["S01 SR 3 1", "S01 VT 3 1", "S02 SR 3 1", "S02 VT 3 1", "S03 SR 3 1", "S03 VT 3 1"],
  );
  // S01's VT is held out by threeblock, which detects it, and trained on by neverVa.
  assert.equal(shareCorrect(threeblock, [1, 3, 5]), 1);
  assert.deepEqual([blocks[1].heldOut, blocks[1].trained], [1, 0]);
  // S03's VT the other way round; SR is right either way.
  assert.deepEqual([blocks[5].heldOut, blocks[5].trained], [0, 1]);
  assert.deepEqual([blocks[4].heldOut, blocks[4].trained], [1, 1]);
});

Deno.test("trainingFit() runs only the rhythms asked for, and the same model gives the same shares", () => {
  const blocks = trainingFit(dataset, folds, [threeblock, threeblock], decision, ["VT"]);
  assert.deepEqual(blocks.map((b) => b.rhythm), ["VT", "VT", "VT"]);
  for (const b of blocks) assert.equal(b.heldOut, b.trained);
});

Deno.test("trainingFit() refuses folds that do not match the models or the subjects", () => {
  assert.throws(() => trainingFit(dataset, folds, [threeblock], decision), /1 fold models for 2/);
  assert.throws(
    () => trainingFit(dataset, [["S01"], ["S02"]], [threeblock, neverVa], decision),
    /subject S03 is in no fold/,
  );
  assert.throws(
    () => trainingFit(dataset, [["S01", "S02"], ["S02", "S03"]], [threeblock, neverVa], decision),
    /subject S02 is in folds 0 and 1/,
  );
});

Deno.test("fitByRhythm() weighs each block by its segments, rhythms in RHYTHMS order", () => {
  // S01's VT is held out by threeblock (right), S02's and S03's by neverVa (wrong).
  const rhythms = fitByRhythm(trainingFit(dataset, folds, [threeblock, neverVa], decision));
  assert.deepEqual(rhythms.map((r) => r.rhythm), ["SR", "VT"]);
  assert.deepEqual(rhythms[0], { rhythm: "SR", segments: 9, heldOut: 1, trained: 1 });
  assert.equal(rhythms[1].segments, 9);
  assert.ok(Math.abs(rhythms[1].heldOut - 1 / 3) < 1e-12);
  assert.ok(Math.abs(rhythms[1].trained - 2 / 3) < 1e-12);
});
