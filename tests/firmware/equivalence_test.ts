import assert from "node:assert/strict";
import { checkEquivalence } from "../../lib/firmware/mod.ts";
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
