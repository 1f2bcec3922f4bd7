/** The committed models are consistent: their C is exactly what their int8 IR generates. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateModel } from "../../lib/codegen/mod.ts";
import { loadIR } from "../../lib/ir/mod.ts";
import { DEFAULT_MODEL, MODELS_DIR } from "../../lib/models/mod.ts";
import { planMemory } from "../../lib/plan/mod.ts";
import { shipModel, SHIPPED_FILES } from "../../pipeline/ship.ts";

const models = [...Deno.readDirSync(MODELS_DIR)].filter((e) => e.isDirectory).map((e) => e.name);

Deno.test("the default model is committed", () => {
  assert.ok(models.includes(DEFAULT_MODEL), `models/${DEFAULT_MODEL} is missing`);
});

for (const name of models) {
  Deno.test(`models/${name}: the committed C is what the committed int8 IR generates`, async () => {
    const ir = await loadIR(join(MODELS_DIR, name, "int8.ir.json"));
    const generated = generateModel(ir, planMemory(ir));
    for (const file of ["model.c", "model.h"]) {
      assert.equal(
        await Deno.readTextFile(join(MODELS_DIR, name, file)),
        generated.files[file],
        file,
      );
    }
  });
}

Deno.test("shipModel() copies every shipped file and replaces the model atomically", async () => {
  const out = await Deno.makeTempDir(), models = await Deno.makeTempDir();
  for (const [from] of SHIPPED_FILES) {
    const path = join(out, from);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (from === "train/run") {
      await Deno.mkdir(path);
      await Deno.writeTextFile(join(path, "model.json"), "{}");
    } else await Deno.writeTextFile(path, from);
  }
  const dir = await shipModel(out, "m", models);
  assert.equal(await Deno.readTextFile(join(dir, "run", "model.json")), "{}");
  assert.equal(await Deno.readTextFile(join(dir, "model.c")), "codegen/model.c");
  await Deno.remove(join(out, "codegen", "model.c"));
  await assert.rejects(() => shipModel(out, "m", models));
  assert.equal(await Deno.readTextFile(join(dir, "model.c")), "codegen/model.c");
  await Deno.remove(out, { recursive: true });
  await Deno.remove(models, { recursive: true });
});
