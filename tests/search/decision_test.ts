import assert from "node:assert/strict";
import { join } from "node:path";
import { RHYTHMS, segment, twiceMedianBeatInterval } from "../../lib/data/mod.ts";
import { predictClass, quantizeInput, rateZone } from "../../lib/interp/mod.ts";
import { saveIR } from "../../lib/ir/mod.ts";
import { binaryMetrics } from "../../lib/metrics/mod.ts";
import { chooseDecision, pooledAtDecision, pooledOutputs } from "../../lib/search/mod.ts";
import { syntheticDataset } from "../train/_synthetic.ts";
import { int8Model } from "../firmware/_models.ts";

/** A candidate folder of two folds (two subjects each) with made-up outputs shifted by `shift`. */
async function candidateDir(
  dataset: ReturnType<typeof syntheticDataset>,
  ir: Awaited<ReturnType<typeof int8Model>>,
  subjectsOfFold: number[][],
  shift: number,
) {
  const dir = await Deno.makeTempDir();
  const folds = subjectsOfFold.map((subjects, fold) => {
    const indices = [...Array(dataset.size).keys()].filter((i) =>
      subjects.includes(dataset.subjects[i])
    );
    const outputs = indices.map((i) => ((i * 37) % 128) - shift);
    return { fold, indices, labels: indices.map((i) => dataset.labels[i]), outputs };
  });
  for (const f of folds) {
    await Deno.writeTextFile(join(dir, `fold-${f.fold}.json`), JSON.stringify(f));
    await saveIR(join(dir, `fold-${f.fold}.int8.ir.json`), ir);
  }
  return dir;
}

Deno.test("pooledOutputs() averages each segment's outputs over fold draws that split the subjects differently", async () => {
  const dataset = syntheticDataset(4, 6);
  const ir = await int8Model("compact");
  const a = await candidateDir(dataset, ir, [[0, 1], [2, 3]], 0);
  const b = await candidateDir(dataset, ir, [[0, 2], [1, 3]], 10);
  const one = await pooledOutputs(dataset, [a], 2);
  const both = await pooledOutputs(dataset, [a, b], 2);
  assert.deepEqual(both.indices, one.indices);
  assert.deepEqual(both.intervals, one.intervals);
  assert.deepEqual(both.outputs, one.indices.map((i) => (i * 37) % 128 - 5));
  // The ensemble's decision is chosen like a single draw's, on the mean outputs.
  const chosen = chooseDecision(both.labels, both.outputs, both.intervals, [110]);
  assert.ok(chosen.threshold > 0 && chosen.threshold < 1);
  // A draw that misses segments of the first is refused, naming it.
  const partial = await candidateDir(dataset, ir, [[0, 1], [2]], 0);
  await assert.rejects(
    () => pooledOutputs(dataset, [a, partial], 2),
    (e: Error) => e.message.startsWith(partial) && e.message.includes("segments"),
  );
  for (const dir of [a, b, partial]) await Deno.remove(dir, { recursive: true });
});

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
