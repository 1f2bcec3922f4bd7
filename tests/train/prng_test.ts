import assert from "node:assert/strict";
import { Prng, withSeededMathRandom } from "../../lib/train/prng.ts";

Deno.test("Prng gives the same stream for the same seed and another for another seed", () => {
  const a = new Prng(42), b = new Prng(42), c = new Prng(43);
  const sa = Array.from({ length: 8 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 8 }, () => b.next()));
  assert.notDeepEqual(sa, Array.from({ length: 8 }, () => c.next()));
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

Deno.test("Prng.shuffle() returns a permutation", () => {
  const values = Int32Array.from({ length: 100 }, (_, i) => i);
  new Prng(1).shuffle(values);
  assert.notDeepEqual(Array.from(values), Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual(
    Array.from(values).sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
});

Deno.test("Prng.normal() has mean ≈ 0 and standard deviation ≈ 1 over 20,000 draws", () => {
  const rng = new Prng(5);
  const xs = Array.from({ length: 20000 }, () => rng.normal());
  const mean = xs.reduce((a, b) => a + b) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.03, `sd ${sd}`);
});

Deno.test("withSeededMathRandom() makes Math.random repeatable, then restores it", () => {
  const original = Math.random;
  const first = withSeededMathRandom(9, () => [Math.random(), Math.random()]);
  const again = withSeededMathRandom(9, () => [Math.random(), Math.random()]);
  assert.deepEqual(first, again);
  assert.equal(Math.random, original);
  assert.throws(() =>
    withSeededMathRandom(9, () => {
      throw new Error("inside");
    }), /inside/);
  assert.equal(Math.random, original);
});

Deno.test("Prng rejects a seed that is not a finite number", () => {
  assert.throws(() => new Prng(NaN), RangeError);
});
