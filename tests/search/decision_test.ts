import assert from "node:assert/strict";
import { join } from "node:path";
import { RHYTHMS, segment, twiceMedianBeatInterval } from "../../lib/data/mod.ts";
import { predictClass, quantizeInput, rateZone } from "../../lib/interp/mod.ts";
import { saveIR } from "../../lib/ir/mod.ts";
import { binaryMetrics } from "../../lib/metrics/mod.ts";
import { pooledAtDecision } from "../../lib/search/mod.ts";
import { syntheticDataset } from "../train/_synthetic.ts";
import { int8Model } from "../firmware/_models.ts";

Deno.test("pooledAtDecision() pools every cached fold at the decision, rates read from each fold's IR, with the share of each rhythm classified correctly", async () => {
  const dataset = syntheticDataset(4, 6);
  const ir = await int8Model("compact");
  const dir = await Deno.makeTempDir();
  // Two folds of two subjects each; made-up outputs spread over the int8 range.
  const folds = [[0, 1], [2, 3]].map((subjects, fold) => {
    const indices = [...Array(dataset.size).keys()].filter((i) =>
      subjects.includes(dataset.subjects[i])
    );
    const outputs = indices.map((i) => ((i * 37) % 128) - (fold === 0 ? 0 : 20));
    return { fold, indices, labels: indices.map((i) => dataset.labels[i]), outputs };
  });
  for (const f of folds) {
    await Deno.writeTextFile(join(dir, `fold-${f.fold}.json`), JSON.stringify(f));
    await saveIR(join(dir, `fold-${f.fold}.int8.ir.json`), ir);
  }
  const decision = { threshold: 0.4, rateGateBpm: 110, fastZone: { bpm: 250, threshold: 0.05 } };
  const expectedClasses = folds.flatMap((f) =>
    f.indices.map((i, j) => {
      const interval = twiceMedianBeatInterval(quantizeInput(ir, segment(dataset, i)));
      return predictClass(decision, f.outputs[j], rateZone(decision, interval));
    })
  );
  const labels = folds.flatMap((f) => f.labels);
  const { recallByRhythm, ...metrics } = await pooledAtDecision(dataset, dir, 2, decision);
  assert.deepEqual(metrics, binaryMetrics(labels, expectedClasses, 1));
  assert.equal(metrics.n, dataset.size);
  // Each rhythm's share of its segments classified correctly, in the folds' order.
  const order = folds.flatMap((f) => f.indices);
  const expectedByRhythm: Record<string, number> = {};
  for (const r of new Set(order.map((i) => dataset.rhythms[i]))) {
    const mine = order.map((i, k) => [i, k]).filter(([i]) => dataset.rhythms[i] === r);
    const right = mine.filter(([i, k]) => expectedClasses[k] === dataset.labels[i]).length;
    expectedByRhythm[RHYTHMS[r]] = right / mine.length;
  }
  assert.ok(Object.keys(expectedByRhythm).length > 1, "the synthetic set has several rhythms");
  assert.deepEqual(recallByRhythm, expectedByRhythm);
  // The fast zone decides some of them: without it the metrics differ.
  const plain = await pooledAtDecision(dataset, dir, 2, { threshold: 0.4, rateGateBpm: 110 });
  assert.notDeepEqual(plain, metrics);
  // A fold the search has not run is named.
  await assert.rejects(
    () => pooledAtDecision(dataset, dir, 3, decision),
    (e: Error) => e.message.includes("fold-2.json") && e.message.includes("missing"),
  );
});
