/**
 * The rate zones (docs/int8-spec.md §14) in the generated C: model_classify() compares the output
 * with the fast zone's threshold at and above the zone's rate, and with the below-gate threshold
 * below the gate, as the interpreter's predictClass() does, on real segments of every rate zone.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadDataset, segment } from "../../lib/data/mod.ts";
import { runHost, type SegmentSet, writeGeneratedModel } from "../../lib/firmware/mod.ts";
import {
  predictClass,
  quantizeInput,
  RATE_ZONE,
  rateZoneOf,
  runInt8,
} from "../../lib/interp/mod.ts";
import { loadIR, type ModelIR } from "../../lib/ir/mod.ts";
import { MODELS_DIR } from "../../lib/models/mod.ts";

const ARCHIVE = Deno.env.get("IEGM_ARCHIVE") ??
  fileURLToPath(
    new URL("../../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url),
  );

const dataset = await loadDataset({ data: ARCHIVE });
const shipped = await loadIR(join(MODELS_DIR, "threeblock", "int8.ir.json"));
// A strict threshold below the fast zone and a lenient one inside it, and one below the gate that
// the network reaches often, so that every zone decides many.
const ir: ModelIR = {
  ...shipped,
  threshold: 0.5,
  rateGateBpm: 110,
  fastZone: { bpm: 125, threshold: 0.05 },
  belowGateThreshold: 0.2,
};
const every = Array.from({ length: Math.ceil(dataset.size / 20) }, (_, j) => 20 * j);
const inputs = new Int8Array(every.length * 1250);
every.forEach((i, j) => inputs.set(quantizeInput(ir, segment(dataset, i)), j * 1250));
const segments: SegmentSet = {
  count: every.length,
  length: 1250,
  inputs,
  labels: Uint8Array.from(every, (i) => dataset.labels[i]),
};
const inputOf = (j: number) => inputs.subarray(j * 1250, (j + 1) * 1250);

Deno.test(`model_classify() with a fast zone and a below-gate threshold equals predictClass() on ${every.length} real segments (every 20th)`, async () => {
  const host = await runHost(await writeGeneratedModel(ir), segments);
  const zones = every.map((_, j) => rateZoneOf(ir, inputOf(j)));
  const changed = { [RATE_ZONE.closed]: 0, [RATE_ZONE.open]: 0, [RATE_ZONE.fast]: 0 };
  for (let j = 0; j < every.length; j++) {
    const output = runInt8(ir, inputOf(j)).output;
    assert.equal(host.outputs[j], output, `segment ${j}: output`);
    assert.equal(host.classes[j], predictClass(ir, output, zones[j]), `segment ${j}: class`);
    // The class with the gate alone: never VA below it, the model's threshold above.
    const gateOnly = zones[j] === RATE_ZONE.closed ? 0 : output >= 64 ? 1 : 0;
    if (host.classes[j] !== gateOnly) changed[zones[j]]++;
  }
  // Every zone is represented, and both zone thresholds change some classes.
  for (const zone of Object.values(RATE_ZONE)) assert.ok(zones.includes(zone), `zone ${zone}`);
  assert.ok(changed[RATE_ZONE.fast] > 0, "no class depends on the fast zone");
  assert.ok(changed[RATE_ZONE.closed] > 0, "no class depends on the below-gate threshold");
});
