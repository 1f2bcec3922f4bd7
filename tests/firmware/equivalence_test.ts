import assert from "node:assert/strict";
import { checkEquivalence } from "../../lib/firmware/mod.ts";

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
