import assert from "node:assert/strict";
import { chooseThresholdAndGate } from "../../lib/search/evaluate_candidate.ts";

// Twice-median intervals for rates: 30000 / D bpm.
const D = (bpm: number) => Math.round(30000 / bpm);

Deno.test("chooseThresholdAndGate() takes the gate that removes slow false alarms the network makes", () => {
  // Two VA segments at 180 bpm, two slow non-VA segments (75 bpm) the network flags.
  const labels = [1, 1, 0, 0];
  const outputs = [120, 100, 110, 90];
  const intervals = [D(180), D(180), D(75), D(75)];
  const chosen = chooseThresholdAndGate(labels, outputs, intervals, [90, 100, 110]);
  // Every gate of the grid separates them; ties keep the lowest.
  assert.equal(chosen.rateGateBpm, 90);
  assert.equal(chosen.threshold, 0.05);
});

Deno.test("chooseThresholdAndGate() keeps no gate when one would hide a slow VA, or on a tie", () => {
  const labels = [1, 0, 0];
  const outputs = [120, 20, 10];
  // The VA is slow (80 bpm): any gate of the grid would miss it; the threshold alone is perfect.
  assert.deepEqual(
    chooseThresholdAndGate(labels, outputs, [D(80), D(200), D(70)], [90, 100]),
    { threshold: 0.2, rateGateBpm: null },
  );
  // A segment without a rate passes every gate.
  assert.deepEqual(
    chooseThresholdAndGate(labels, outputs, [null, D(60), D(60)], [90]).rateGateBpm,
    null,
  );
  assert.deepEqual(chooseThresholdAndGate(labels, outputs, [null, null, null], []), {
    threshold: 0.2,
    rateGateBpm: null,
  });
});
