import assert from "node:assert/strict";
import { type Dataset, foldSplit, SEGMENT_LENGTH, subjectFolds } from "../../lib/data/mod.ts";

/**
 * A synthetic dataset: subject s has `sizes[s]` segments of which `positives[s]` are VA.
 * Samples are all zero: folds look at subjects and labels only.
 */
function synthetic(sizes: number[], positives: number[]): Dataset {
  const subjects: number[] = [];
  const labels: number[] = [];
  sizes.forEach((n, s) => {
    for (let j = 0; j < n; j++) {
      subjects.push(s);
      labels.push(j < positives[s] ? 1 : 0);
    }
  });
  const size = subjects.length;
  return {
    size,
    samples: new Float32Array(size * SEGMENT_LENGTH),
    labels: Uint8Array.from(labels),
    subjects: Uint16Array.from(subjects),
    subjectNames: sizes.map((_, s) => `S${String(s + 1).padStart(2, "0")}`),
    rhythms: Uint8Array.from(labels, (label) => (label ? 5 : 0)),
    files: subjects.map((s, i) => `S${s}-X-${i}.txt`),
  };
}

// 60 subjects like the real data: varied sizes, VA shares from none to all.
const sizes = Array.from({ length: 60 }, (_, s) => 50 + ((s * 37) % 700));
const positives = sizes.map((
  n,
  s,
) => (s % 10 === 0 ? 0 : s % 7 === 0 ? n : Math.floor(n * ((s * 13) % 100) / 100)));
const dataset = synthetic(sizes, positives);

Deno.test("subjectFolds() puts every subject in exactly one fold", () => {
  for (const k of [2, 5, 7, 60]) {
    const folds = subjectFolds(dataset, k, 1);
    assert.equal(folds.length, k);
    const all = folds.flat().sort((a, b) => a - b);
    assert.deepEqual(all, [...sizes.keys()], `k=${k}`);
    const counts = folds.map((fold) => fold.length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `k=${k}: sizes ${counts}`);
  }
});

Deno.test("subjectFolds() is deterministic for a seed and varies with it", () => {
  assert.deepEqual(subjectFolds(dataset, 5, 42), subjectFolds(dataset, 5, 42));
  assert.notDeepEqual(subjectFolds(dataset, 5, 42), subjectFolds(dataset, 5, 43));
});

Deno.test("subjectFolds() spreads subjects without VA evenly over the folds", () => {
  // Subjects 0, 10, …, 50 have no VA: with k = 3 each fold must get two of them.
  const noVa = new Set([0, 10, 20, 30, 40, 50]);
  for (const seed of [1, 2, 3]) {
    const folds = subjectFolds(dataset, 3, seed);
    assert.deepEqual(folds.map((fold) => fold.filter((s) => noVa.has(s)).length), [2, 2, 2]);
  }
});

Deno.test("subjectFolds() keeps each fold's mean VA share near the overall mean", () => {
  const share = sizes.map((n, s) => positives[s] / n);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const overall = mean(share);
  for (const fold of subjectFolds(dataset, 5, 9)) {
    assert.ok(Math.abs(mean(fold.map((s) => share[s])) - overall) < 0.05, `fold ${fold}`);
  }
});

Deno.test("subjectFolds() ignores subjects without segments and rejects a bad k", () => {
  const partial = synthetic([5, 0, 5, 5], [1, 0, 5, 0]);
  assert.deepEqual(subjectFolds(partial, 3, 0).flat().sort(), [0, 2, 3]);
  assert.throws(() => subjectFolds(partial, 4, 0), RangeError);
  assert.throws(() => subjectFolds(partial, 1, 0), RangeError);
  assert.throws(() => subjectFolds(partial, 2.5, 0), RangeError);
});

Deno.test("foldSplit() separates train and validation by subject", () => {
  const folds = subjectFolds(dataset, 5, 3);
  const seen = new Int32Array(dataset.size);
  for (let i = 0; i < folds.length; i++) {
    const { train, validation } = foldSplit(dataset, folds, i);
    assert.equal(train.length + validation.length, dataset.size);
    const validationSubjects = new Set([...validation].map((j) => dataset.subjects[j]));
    assert.deepEqual([...validationSubjects].sort((a, b) => a - b), folds[i]);
    for (const j of train) assert.ok(!validationSubjects.has(dataset.subjects[j]));
    for (const j of validation) seen[j]++;
    assert.ok(train.every((v, j) => j === 0 || v > train[j - 1]), "train ascending");
  }
  assert.ok(seen.every((count) => count === 1), "each segment validates in exactly one fold");
});

Deno.test("foldSplit() rejects a subject listed in two folds and a bad fold index", () => {
  assert.throws(() => foldSplit(dataset, [[0, 1], [1, 2]], 0), /Subject S02 is in folds 0 and 1/);
  assert.throws(() => foldSplit(dataset, [[0], [1]], 2), RangeError);
});
