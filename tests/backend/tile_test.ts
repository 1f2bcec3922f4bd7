import assert from "node:assert/strict";
import { setupBackend, tf } from "../../lib/backend/mod.ts";

const CASES: { shape: number[]; reps: number[]; dtype: "float32" | "int32" | "bool" }[] = [
  { shape: [3], reps: [4], dtype: "float32" },
  { shape: [1, 1, 1, 8], reps: [5, 1, 7, 1], dtype: "float32" }, // BatchNorm's broadcast
  { shape: [2, 3, 4], reps: [2, 3, 2], dtype: "float32" },
  { shape: [2, 1, 3], reps: [1, 4, 1], dtype: "int32" },
  { shape: [2, 2], reps: [3, 2], dtype: "bool" },
  { shape: [2, 3], reps: [0, 2], dtype: "float32" },
];

async function tileOn(backend: "cpu" | "wasm", c: (typeof CASES)[number]) {
  await setupBackend(backend);
  const size = c.shape.reduce((a, b) => a * b, 1);
  const values = Array.from(
    { length: size },
    (_, i) => (c.dtype === "bool" ? i % 3 === 0 : i * 1.5 - 2),
  );
  return tf.tidy(() => {
    const x = c.dtype === "bool"
      ? tf.tensor(values as boolean[], c.shape, "bool")
      : tf.tensor(values as number[], c.shape, c.dtype);
    const y = tf.tile(x, c.reps);
    return { shape: y.shape, values: Array.from(y.dataSync()) };
  });
}

for (const c of CASES) {
  Deno.test(`wasm Tile equals the cpu backend's (${c.dtype} [${c.shape}] × [${c.reps}])`, async () => {
    const expected = await tileOn("cpu", c);
    const actual = await tileOn("wasm", c);
    assert.deepEqual(actual, expected);
  });
}

Deno.test("wasm Tile's gradient (a sum over the copies) equals the cpu backend's", async () => {
  const gradientOn = async (backend: "cpu" | "wasm") => {
    await setupBackend(backend);
    return tf.tidy(() => {
      const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);
      const weights = tf.range(0, 24).reshape([2, 4, 3]);
      return Array.from(tf.grad((t) => tf.tile(t, [2, 2, 1]).mul(weights).sum())(x).dataSync());
    });
  };
  assert.deepEqual(await gradientOn("wasm"), await gradientOn("cpu"));
});
