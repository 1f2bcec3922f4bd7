import assert from "node:assert/strict";
import { checkEquivalence } from "../../lib/firmware/mod.ts";
import { type ConvShape, randomConvModel } from "../../lib/ir/random_model.ts";
import { int8Model } from "./_models.ts";

const SEED = 20261124;

Deno.test("C reference kernels equal the TypeScript interpreter on every layer of 300 random cases (60 models × 5 inputs)", async () => {
  const report = await checkEquivalence({
    models: 60,
    inputsPerModel: 5,
    seed: SEED,
    target: "host",
    kernels: "reference",
  });
  assert.equal(report.cases, 300);
  for (
    const op of ["conv1d", "concat", "relu", "maxpool1d", "flatten", "dense", "gru", "sigmoid"]
  ) {
    assert.ok((report.opCounts[op] ?? 0) > 0, `no ${op} layer among the random models`);
  }
  assert.deepEqual(report.mismatches, []);
});

Deno.test("Cortex-M4 DSP kernels under QEMU equal the TypeScript interpreter on every layer of 100 random cases", async () => {
  const report = await checkEquivalence({
    models: 20,
    inputsPerModel: 5,
    seed: SEED + 1,
    target: "m4",
    kernels: "m4",
  });
  assert.equal(report.cases, 100);
  assert.deepEqual(report.mismatches, []);
});

Deno.test("Cortex-M4 DSP kernels under QEMU equal the TypeScript interpreter on every layer of the nnom architecture (3 weight seeds × 6 inputs; its shapes take the specialised paths)", async () => {
  // The random models rarely have nnom's shapes (C_in = 1 stride 2 pool 4 branches, a pool-2
  // mixing conv over 16 channels, a 12-unit GRU on 4 inputs), which have kernels of their own.
  const given = await Promise.all([1, 2, 3].map((seed) => int8Model("nnom", seed)));
  const report = await checkEquivalence({
    models: given.length,
    given,
    inputsPerModel: 6,
    seed: SEED + 2,
    target: "m4",
    kernels: "m4",
  });
  assert.equal(report.cases, 18);
  assert.deepEqual(report.mismatches, []);
});

Deno.test("Cortex-M4 DSP kernels under QEMU equal the TypeScript interpreter on every layer of the threeblock architecture (twoblock's and one more; 3 weight seeds × 6 inputs)", async () => {
  const given = await Promise.all([1, 2, 3].map((seed) => int8Model("threeblock", seed)));
  const report = await checkEquivalence({
    models: given.length,
    given,
    inputsPerModel: 6,
    seed: SEED + 3,
    target: "m4",
    kernels: "m4",
  });
  assert.equal(report.cases, 18);
  assert.deepEqual(report.mismatches, []);
});

/**
 * Convolutions that take each path of firmware/runtime/m4/conv1d_s8.c (see its plan_lanes) and
 * of conv1d_c1s2_s8.c (single channel, stride 2; nnom's pool-4 shapes are the model test's).
 */
const CONV_SHAPES: Record<string, ConvShape> = {
  "single channel, stride 2, pool 2, odd kernel, two chunks (pairs, any window)": {
    length: 400,
    channels: 1,
    filters: 3,
    kernel: 7,
    stride: 2,
    padding: "same",
    pool: 2,
    activation: "linear",
  },
  "single channel, stride 2, pool 4, kernel 16, valid (pairs, any window)": {
    length: 300,
    channels: 1,
    filters: 2,
    kernel: 16,
    stride: 2,
    padding: "valid",
    pool: 4,
    activation: "relu",
  },
  "sliding, two chunks (twoblock's first conv)": {
    length: 1250,
    channels: 1,
    filters: 6,
    kernel: 15,
    stride: 8,
    padding: "valid",
    pool: 4,
    activation: "relu",
  },
  "sliding, same padding, pool 3, two chunks": {
    length: 1000,
    channels: 1,
    filters: 5,
    kernel: 12,
    stride: 8,
    padding: "same",
    pool: 3,
    activation: "linear",
  },
  "phased, C_in 1 stride 6, pool 5, two chunks (a first conv of 8b37efb882)": {
    length: 1250,
    channels: 1,
    filters: 6,
    kernel: 13,
    stride: 6,
    padding: "valid",
    pool: 5,
    activation: "relu",
  },
  "phased, C_in 3 stride 2, same padding, odd positions per chunk": {
    length: 301,
    channels: 3,
    filters: 5,
    kernel: 5,
    stride: 2,
    padding: "same",
    pool: 3,
    activation: "linear",
  },
  "phased, C_in 1 stride 10, kernel 16, pool 1": {
    length: 333,
    channels: 1,
    filters: 2,
    kernel: 16,
    stride: 10,
    padding: "valid",
    pool: 1,
    activation: "relu",
  },
  "sliding, C_in 2, pool 5": {
    length: 300,
    channels: 2,
    filters: 3,
    kernel: 8,
    stride: 4,
    padding: "valid",
    pool: 5,
    activation: "relu",
  },
  "whole-word steps (twoblock's second conv)": {
    length: 38,
    channels: 6,
    filters: 12,
    kernel: 5,
    stride: 2,
    padding: "valid",
    pool: 1,
    activation: "relu",
  },
  "whole-word steps, same padding, pool 2, a partial block": {
    length: 77,
    channels: 8,
    filters: 7,
    kernel: 3,
    stride: 1,
    padding: "same",
    pool: 2,
    activation: "relu",
  },
  "whole-word steps, C_in 1 stride 4": {
    length: 200,
    channels: 1,
    filters: 4,
    kernel: 7,
    stride: 4,
    padding: "valid",
    pool: 4,
    activation: "relu",
  },
  "whole-word steps, filters packed in four batches, three chunks": {
    length: 40,
    channels: 16,
    filters: 16,
    kernel: 12,
    stride: 1,
    padding: "same",
    pool: 1,
    activation: "relu",
  },
  "gathered windows, filters packed in three batches": {
    length: 90,
    channels: 3,
    filters: 9,
    kernel: 40,
    stride: 1,
    padding: "valid",
    pool: 2,
    activation: "linear",
  },
  "gathered windows, same padding, pool 6": {
    length: 60,
    channels: 1,
    filters: 4,
    kernel: 5,
    stride: 1,
    padding: "same",
    pool: 6,
    activation: "relu",
  },
  "windows too large for the lanes (plain loop)": {
    length: 30,
    channels: 24,
    filters: 3,
    kernel: 12,
    stride: 1,
    padding: "same",
    pool: 2,
    activation: "relu",
  },
};

Deno.test("Cortex-M4 conv1d equals the TypeScript interpreter on a shape for each of its paths (single-channel pairs, sliding, phased, whole-word, gathered, batches, chunks, plain)", async () => {
  const given = Object.values(CONV_SHAPES).map((shape, i) => randomConvModel(SEED + i, shape));
  const report = await checkEquivalence({
    models: given.length,
    given,
    inputsPerModel: 6,
    seed: SEED + 4,
    target: "m4",
    kernels: "m4",
  });
  assert.equal(report.cases, 6 * given.length);
  assert.deepEqual(report.mismatches, []);
});
