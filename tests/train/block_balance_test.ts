import assert from "node:assert/strict";
import { setupBackend } from "../../lib/backend/mod.ts";
import { RHYTHMS } from "../../lib/data/dataset.ts";
import { compact } from "../../lib/model/mod.ts";
import { balancedEpoch, Prng, quietProgress, train } from "../../lib/train/mod.ts";
import { splitBySubject, syntheticConfig, syntheticDataset } from "./_synthetic.ts";

await setupBackend("wasm");

// Three subjects of 40 segments, SR at even indices and VT at odd ones. The training list holds
// blocks of 20 (S01 SR), 20 (S01 VT), 2 (S02 SR) and 5 (S03 VT) segments: 47 in all.
const dataset = syntheticDataset(3, 40);
const indices = Int32Array.from([
  ...Array.from({ length: 40 }, (_, i) => i),
  40,
  42,
  81,
  83,
  85,
  87,
  89,
]);

/** How many entries of `epoch` fall in each block, keyed "subject rhythm". */
function blockCounts(epoch: Int32Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of epoch) {
    const key = `${dataset.subjectNames[dataset.subjects[i]]} ${RHYTHMS[dataset.rhythms[i]]}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

Deno.test("balancedEpoch() with exponent 1 lists every segment once", () => {
  const epoch = balancedEpoch(dataset, indices, 1, new Prng(1));
  assert.deepEqual(Array.from(epoch).sort((a, b) => a - b), Array.from(indices));
});

Deno.test("balancedEpoch() with exponent 0 gives every block the same share, in an epoch as long", () => {
  const epoch = balancedEpoch(dataset, indices, 0, new Prng(1));
  assert.equal(epoch.length, indices.length);
  // 47 / 4 = 11.75 each: the largest remainders tie, so the first three blocks get 12.
  assert.deepEqual(blockCounts(epoch), {
    "S01 SR": 12,
    "S01 VT": 12,
    "S02 SR": 12,
    "S03 VT": 11,
  });
  // A large block is subsampled without repeats; a small one repeated whole, then drawn.
  const s01 = Array.from(epoch).filter((i) => i < 40);
  assert.equal(new Set(s01).size, s01.length);
  const s02 = Array.from(epoch).filter((i) => i >= 40 && i < 80);
  assert.deepEqual(s02.sort((a, b) => a - b), [...Array(6).fill(40), ...Array(6).fill(42)]);
  const s03 = Array.from(epoch).filter((i) => i >= 80);
  for (const i of [81, 83, 85, 87, 89]) assert.ok(s03.filter((j) => j === i).length >= 2);
});

Deno.test("balancedEpoch() with exponent 0.5 is between, and the same generator state draws the same epoch", () => {
  const epoch = balancedEpoch(dataset, indices, 0.5, new Prng(7));
  const counts = blockCounts(epoch);
  assert.ok(counts["S01 SR"] < 20 && counts["S01 SR"] > 12, `S01 SR ${counts["S01 SR"]}`);
  assert.ok(counts["S02 SR"] > 2 && counts["S02 SR"] < 12, `S02 SR ${counts["S02 SR"]}`);
  assert.deepEqual(balancedEpoch(dataset, indices, 0.5, new Prng(7)), epoch);
  const rng = new Prng(7);
  const first = balancedEpoch(dataset, indices, 0.5, rng);
  assert.notDeepEqual(balancedEpoch(dataset, indices, 0.5, rng), first, "redrawn each call");
});

Deno.test("balancedEpoch() refuses an exponent outside [0, 1]", () => {
  for (const bad of [-0.5, 1.5, NaN]) {
    assert.throws(
      () => balancedEpoch(dataset, indices, bad, new Prng(1)),
      /blockBalance must be an exponent in \[0, 1\]/,
    );
  }
});

Deno.test("train() reads blockBalance: the epoch keeps its steps, and the weights change", () => {
  const small = syntheticDataset(4, 12);
  const split = splitBySubject(small, 3);
  // Unequal blocks: S01 trains on all 12 segments, S02 and S03 on 2 each.
  split.train = split.train.filter((i) => i < 12 || i % 12 < 2);
  const run = (config: ReturnType<typeof syntheticConfig>) => {
    let steps = 0;
    const result = train(small, split, compact, config, {
      ...quietProgress,
      epochStart: (_epoch, _epochs, count) => steps = count,
    });
    const weights = result.model.getWeights().map((w) => Array.from(w.dataSync()));
    result.model.dispose();
    return { steps, weights };
  };
  const plain = run(syntheticConfig(compact));
  const balanced = run(syntheticConfig(compact, { blockBalance: 0 }));
  assert.equal(plain.steps, 2); // ceil(16 / 8)
  assert.equal(balanced.steps, 2);
  assert.notDeepEqual(balanced.weights, plain.weights);
  assert.throws(
    () => train(small, split, compact, syntheticConfig(compact, { blockBalance: 2 })),
    /blockBalance must be an exponent/,
  );
});
