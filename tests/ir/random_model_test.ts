import assert from "node:assert/strict";
import { randomModel } from "../../lib/ir/random_model.ts";
import { validateIR } from "../../lib/ir/mod.ts";
import { modelSeed } from "../../lib/firmware/equivalence.ts";

Deno.test("randomModel() gives a valid IR for every model of a 10,000-model run", () => {
  // Models 1979 and 8110 of seed 7 once had a sigmoid dense whose shift was 31.
  for (let i = 0; i < 10_000; i++) {
    const seed = modelSeed(7, i);
    assert.doesNotThrow(() => validateIR(randomModel(seed)), `model ${i} (seed ${seed})`);
  }
});
