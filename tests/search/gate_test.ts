import assert from "node:assert/strict";
import { chooseDecision } from "../../lib/search/evaluate_candidate.ts";

// Twice-median intervals for rates: 30000 / D bpm.
const D = (bpm: number) => Math.round(30000 / bpm);

Deno.test("chooseDecision() takes the gate that removes slow false alarms the network makes", () => {
  // Two VA segments at 180 bpm, two slow non-VA segments (75 bpm) the network flags.
  const labels = [1, 1, 0, 0];
  const outputs = [120, 100, 110, 90];
  const intervals = [D(180), D(180), D(75), D(75)];
  const chosen = chooseDecision(labels, outputs, intervals, [90, 100, 110]);
  // Every gate of the grid separates them; ties keep the lowest.
  assert.equal(chosen.rateGateBpm, 90);
  assert.equal(chosen.threshold, 0.05);
  assert.equal(chosen.fastZone, null);
});

Deno.test("chooseDecision() keeps no gate when one would hide a slow VA, or on a tie", () => {
  const labels = [1, 0, 0];
  const outputs = [120, 20, 10];
  // The VA is slow (80 bpm): any gate of the grid would miss it; the threshold alone is perfect.
  assert.deepEqual(
    chooseDecision(labels, outputs, [D(80), D(200), D(70)], [90, 100]),
    { threshold: 0.2, rateGateBpm: null, fastZone: null, belowGateThreshold: null },
  );
  // A segment without a rate passes every gate.
  assert.deepEqual(
    chooseDecision(labels, outputs, [null, D(60), D(60)], [90]).rateGateBpm,
    null,
  );
  assert.deepEqual(
    chooseDecision(labels, outputs, [null, null, null], [], { fastZones: true, belowGate: true }),
    { threshold: 0.2, rateGateBpm: null, fastZone: null, belowGateThreshold: null },
  );
});

Deno.test("chooseDecision() takes a fast zone where the network is unsure of fast VA but sure of slower non-VA", () => {
  // Above 110 bpm: a sinus tachycardia at 116 bpm the network half believes (output 40, 0.31),
  // a slow VT at 112 bpm it believes more (60), and fast VA at 200 bpm it barely flags (10, 0.08).
  const labels = [0, 1, 1, 1];
  const outputs = [40, 60, 10, 12];
  const intervals = [D(116), D(112), D(200), D(200)];
  // One threshold cannot have them all: 0.05 flags the tachycardia, 0.35 misses the fast VA.
  const without = chooseDecision(labels, outputs, intervals, [110]);
  assert.equal(without.fastZone, null);
  const chosen = chooseDecision(labels, outputs, intervals, [110], { fastZones: true });
  assert.equal(chosen.rateGateBpm, 110);
  // The lowest zone that holds the fast VA but not the tachycardia (115 would hold it), with the
  // one zone threshold that catches them: all four right.
  assert.deepEqual(chosen.fastZone, { bpm: 120, threshold: 0.05 });
  assert.ok(chosen.threshold > 40 / 128 && chosen.threshold <= 60 / 128);
});

Deno.test("chooseDecision() takes a below-gate threshold when a sure network sees VA the rate estimate misses", () => {
  // Fibrillation whose rate is undercounted to 90 bpm, with the network sure (output 125,
  // 0.98); a sinus rhythm at 70 bpm the network nearly believes (110, 0.86); VT at 180 bpm that it
  // believes less (100, 0.78).
  const labels = [1, 0, 1];
  const outputs = [125, 110, 100];
  const intervals = [D(90), D(70), D(180)];
  // The gate keeps the sinus rhythm out but hides the fibrillation; no gate flags the sinus one.
  assert.equal(chooseDecision(labels, outputs, intervals, [110]).belowGateThreshold, null);
  const chosen = chooseDecision(labels, outputs, intervals, [110], { belowGate: true });
  assert.equal(chosen.rateGateBpm, 110);
  assert.equal(chosen.belowGateThreshold, 0.9);
});
