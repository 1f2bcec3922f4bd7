import assert from "node:assert/strict";
import { setupBackend, tf } from "../../lib/backend/mod.ts";
import { concatWasm } from "../../lib/backend/concat.ts";
import { splitVWasm } from "../../lib/backend/split_v.ts";
import { Prng } from "../../lib/train/prng.ts";

type NumericDtype = "float32" | "int32" | "bool";
type Result = { shape: number[]; dtype: string; bytes: number[] };

// The shipped kernels, captured before setupBackend() replaces them (this module's imports do
// not register anything).
const STOCK = {
  concat: tf.getKernel(tf.Concat, "wasm")!,
  splitV: tf.getKernel(tf.SplitV, "wasm")!,
};
assert.notEqual(STOCK.concat.kernelFunc, concatWasm as unknown as tf.KernelFunc);
assert.notEqual(STOCK.splitV.kernelFunc, splitVWasm as unknown as tf.KernelFunc);

/** Runs `fn` with the shipped wasm kernel registered under `stock.kernelName`, then ours again. */
function withStock<T>(stock: tf.KernelConfig, fn: () => T): T {
  const ours = tf.getKernel(stock.kernelName, "wasm")!;
  tf.unregisterKernel(stock.kernelName, "wasm");
  tf.registerKernel(stock);
  try {
    return fn();
  } finally {
    tf.unregisterKernel(stock.kernelName, "wasm");
    tf.registerKernel(ours);
  }
}

/** `fn`'s value, with the tensors it made disposed (values here are plain data, not tensors). */
function tidyValue<T>(fn: () => T): T {
  let value!: T;
  tf.tidy(() => {
    value = fn();
  });
  return value;
}

/** A tensor's shape, dtype and raw bytes (bytes, so that NaN payloads count too). */
function resultOf(t: tf.Tensor): Result {
  const data = t.dataSync() as Float32Array | Int32Array | Uint8Array;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { shape: t.shape, dtype: t.dtype, bytes: Array.from(bytes) };
}

function randomTensor(rng: Prng, shape: number[], dtype: NumericDtype): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (dtype === "bool") {
    return tf.tensor(Array.from({ length: size }, () => rng.int(2)), shape, "bool");
  }
  if (dtype === "int32") {
    return tf.tensor(Int32Array.from({ length: size }, () => rng.int(2001) - 1000), shape, "int32");
  }
  const values = Float32Array.from({ length: size }, () => rng.normal() * 100);
  if (size > 2) values[rng.int(size)] = NaN; // the default NaN; a payload one is tested below
  return tf.tensor(values, shape, "float32");
}

function concatKernel(tensors: tf.Tensor[], axis: number): tf.Tensor {
  // The kernel itself: tf.concat() clones a single tensor without calling it.
  return tf.engine().runKernel(tf.Concat, tensors as unknown as tf.NamedTensorMap, {
    axis,
  }) as tf.Tensor;
}

function splitKernel(x: tf.Tensor, numOrSizeSplits: number | number[], axis: number): tf.Tensor[] {
  return tf.engine().runKernel(
    tf.SplitV,
    { x },
    { numOrSizeSplits, axis } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor[];
}

/**
 * Ours and the shipped kernel's outcomes of `run` (which makes its own inputs): its value, or
 * the message of the error it threw.
 */
function oursAndStock<T>(
  stock: tf.KernelConfig,
  run: () => T,
): { ours: T | string; stock: T | string } {
  const outcome = () => {
    try {
      return tidyValue(run);
    } catch (error) {
      return `error: ${(error as Error).message}`;
    }
  };
  return { ours: outcome(), stock: withStock(stock, outcome) };
}

const DTYPES: NumericDtype[] = ["float32", "int32", "bool"];

Deno.test("setupBackend('wasm') replaces the shipped Concat and SplitV with ours", async () => {
  await setupBackend("wasm");
  assert.equal(tf.getKernel(tf.Concat, "wasm")!.kernelFunc, concatWasm);
  assert.equal(tf.getKernel(tf.SplitV, "wasm")!.kernelFunc, splitVWasm);
});

Deno.test("wasm Concat equals the shipped kernel on 300 random shapes, axes and dtypes", async () => {
  await setupBackend("wasm");
  const rng = new Prng(9);
  for (let trial = 0; trial < 300; trial++) {
    const rank = 1 + rng.int(4);
    const axis = rng.int(2 * rank) - rank; // negative axes too
    const $axis = axis < 0 ? axis + rank : axis;
    // Dims 0..4 (zero-size tensors about one time in five), longer rows now and then so the
    // set() path of copyRows() runs too.
    const base = Array.from({ length: rank }, () => (rng.int(8) === 0 ? 70 : rng.int(5)));
    const count = 1 + rng.int(4);
    const dtype = DTYPES[rng.int(3)];
    const seed = rng.int(1 << 30);
    const shapes = Array.from({ length: count }, () => {
      const shape = base.slice();
      shape[$axis] = rng.int(5);
      return shape;
    });
    const run = () => {
      const r = new Prng(seed);
      return resultOf(concatKernel(shapes.map((s) => randomTensor(r, s, dtype)), axis));
    };
    const { ours, stock } = oursAndStock(STOCK.concat, run);
    assert.deepEqual(ours, stock, `${dtype} [${shapes.map((s) => `[${s}]`)}] axis ${axis}`);
  }
});

Deno.test("wasm Concat at nnom's shape ([2, 156, 8 | 4 | 4] on the last axis) equals the shipped kernel", async () => {
  await setupBackend("wasm");
  const run = () => {
    const r = new Prng(3);
    return resultOf(
      concatKernel([8, 4, 4].map((c) => randomTensor(r, [2, 156, c], "float32")), -1),
    );
  };
  const { ours, stock } = oursAndStock(STOCK.concat, run);
  assert.deepEqual(ours, stock);
});

Deno.test("wasm Concat's edge cases equal the shipped kernel's", async () => {
  await setupBackend("wasm");
  const cases: { shapes: number[][]; axis: number; dtypes: NumericDtype[] }[] = [
    { shapes: [[5]], axis: 0, dtypes: ["float32"] }, // one input: a copy
    { shapes: [[2, 0, 3], [2, 4, 3]], axis: 1, dtypes: ["float32", "float32"] }, // one left
    { shapes: [[2, 0, 3], [2, 4, 3]], axis: 1, dtypes: ["float32", "int32"] }, // its dtype wins
    { shapes: [[0, 3], [0, 2]], axis: 1, dtypes: ["int32", "int32"] }, // all empty
    { shapes: [[2, 0], [2, 0]], axis: 0, dtypes: ["bool", "bool"] },
    { shapes: [[3, 2], [1, 2], [2, 2]], axis: 0, dtypes: ["float32", "float32", "float32"] },
    { shapes: [[2, 2], [2, 3]], axis: -1, dtypes: ["float32", "int32"] }, // int32 → float32
    { shapes: [[2, 2], [2, 3]], axis: 1, dtypes: ["int32", "float32"] }, // float32 → int32
    { shapes: [[2, 2], [2, 3]], axis: 1, dtypes: ["bool", "int32"] }, // int32 → bool (uint8)
  ];
  for (const c of cases) {
    const run = () => {
      const r = new Prng(5);
      return resultOf(
        concatKernel(c.shapes.map((s, i) => randomTensor(r, s, c.dtypes[i])), c.axis),
      );
    };
    const { ours, stock } = oursAndStock(STOCK.concat, run);
    assert.deepEqual(ours, stock, JSON.stringify(c));
  }
});

Deno.test("wasm Concat and SplitV keep NaN payloads, as the shipped kernels' set() does", async () => {
  await setupBackend("wasm");
  const bits = Int32Array.of(0x7fa00001, 0xffc12345 | 0, 1, 2); // a signalling NaN, a quiet one
  const run = () => {
    const x = tf.tensor(new Float32Array(bits.buffer), [2, 2]);
    const y = concatKernel([x, x.add(1)], 1);
    return [resultOf(y), ...splitKernel(y, [1, 3], 1).map(resultOf)];
  };
  const ours = tidyValue(run);
  const stock = withStock(STOCK.concat, () => withStock(STOCK.splitV, () => tidyValue(run)));
  assert.deepEqual(ours, stock);
  assert.deepEqual(ours[1].bytes.slice(0, 4), Array.from(new Uint8Array(bits.buffer, 0, 4)));
});

Deno.test("wasm Concat's and SplitV's errors are the shipped kernels'", async () => {
  await setupBackend("wasm");
  const concats: [number[][], number][] = [
    [[[2, 3], [3, 3]], 1], // mismatched non-axis dim
    [[[2, 3], [2, 3, 1]], 0], // mismatched ranks
    [[[2], [2]], 1], // axis out of range
  ];
  for (const [shapes, axis] of concats) {
    const { ours, stock } = oursAndStock(STOCK.concat, () => {
      concatKernel(shapes.map((s) => tf.zeros(s)), axis);
    });
    assert.match(String(stock), /^error: /);
    assert.equal(ours, stock);
  }
  const splits: [number | number[], number][] = [[3, 0], [[1, 1], 0], [[-1, -1], 0], [2, 2]];
  for (const [sizes, axis] of splits) {
    const { ours, stock } = oursAndStock(STOCK.splitV, () => {
      splitKernel(tf.zeros([4, 2]), sizes, axis);
    });
    assert.match(String(stock), /^error: /);
    assert.equal(ours, stock);
  }
});

Deno.test("wasm Concat and SplitV hand string tensors to the shipped kernels", async () => {
  await setupBackend("wasm");
  const [joined, parts] = tidyValue(() => {
    const a = tf.tensor([["a", "b"], ["c", "d"]]);
    const b = tf.tensor([["e"], ["f"]]);
    const y = tf.concat([a, b], 1);
    // The kernel: tf.split() itself accepts numeric tensors only.
    return [y.arraySync(), splitKernel(y, [2, 1], 1).map((t) => t.arraySync())];
  });
  assert.deepEqual(joined, [["a", "b", "e"], ["c", "d", "f"]]);
  assert.deepEqual(parts, [[["a", "b"], ["c", "d"]], [["e"], ["f"]]]);
});

Deno.test("wasm SplitV equals the shipped kernel on 300 random shapes, axes, sizes and dtypes", async () => {
  await setupBackend("wasm");
  const rng = new Prng(11);
  for (let trial = 0; trial < 300; trial++) {
    const rank = 1 + rng.int(4);
    const axis = rng.int(2 * rank) - rank;
    const $axis = axis < 0 ? axis + rank : axis;
    const shape = Array.from({ length: rank }, () => (rng.int(8) === 0 ? 70 : rng.int(5)));
    const dtype = DTYPES[rng.int(3)];
    // A count that divides the axis, or sizes cut at random points (zeros included), one of
    // them −1 (the rest of the axis) one time in three.
    const length = shape[$axis];
    let splits: number | number[];
    if (rng.int(4) === 0) {
      const counts = [1, 2, 3, 4].filter((n) => length % n === 0);
      splits = counts[rng.int(counts.length)];
    } else {
      const cuts = Array.from({ length: rng.int(4) }, () => rng.int(length + 1)).sort((a, b) =>
        a - b
      );
      splits = [...cuts, length].map((cut, i) => cut - (i === 0 ? 0 : cuts[i - 1]));
      if (rng.int(3) === 0) splits[rng.int(splits.length)] = -1;
    }
    const seed = rng.int(1 << 30);
    const run = () =>
      splitKernel(randomTensor(new Prng(seed), shape, dtype), structuredClone(splits), axis).map(
        resultOf,
      );
    const { ours, stock } = oursAndStock(STOCK.splitV, run);
    assert.deepEqual(
      ours,
      stock,
      `${dtype} [${shape}] split ${JSON.stringify(splits)} axis ${axis}`,
    );
  }
});

Deno.test("wasm SplitV leaves the caller's size list as it was (the shipped kernel fills in −1)", async () => {
  await setupBackend("wasm");
  const sizes = [1, -1];
  tf.tidy(() => splitKernel(tf.zeros([4]), sizes, 0));
  assert.deepEqual(sizes, [1, -1]);
});

Deno.test("gradients through tf.concat (SplitV) on wasm equal the cpu backend's", async () => {
  const cases: { shapes: number[][]; axis: number }[] = [
    { shapes: [[2, 156, 8], [2, 156, 4], [2, 156, 4]], axis: -1 }, // nnom's branches
    { shapes: [[3, 4], [1, 4]], axis: 0 },
    { shapes: [[2, 3, 2, 5], [2, 1, 2, 5]], axis: 1 },
    { shapes: [[7], [0], [2]], axis: 0 },
  ];
  const gradientsOn = async (backend: "cpu" | "wasm", c: (typeof cases)[number]) => {
    await setupBackend(backend);
    return tidyValue(() => {
      const rng = new Prng(2);
      const xs = c.shapes.map((s) => randomTensor(rng, s, "float32"));
      const { shape, size } = tf.concat(xs, c.axis);
      const weights = tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
      const grads = tf.grads((...ts: tf.Tensor[]) => tf.concat(ts, c.axis).mul(weights).sum())(xs);
      return grads.map((g) => ({ shape: g.shape, values: Array.from(g.dataSync()) }));
    });
  };
  for (const c of cases) {
    assert.deepEqual(await gradientsOn("wasm", c), await gradientsOn("cpu", c), JSON.stringify(c));
  }
});
