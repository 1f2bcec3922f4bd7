import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveModel, resolveRunDir, validationSubjectsOf } from "../../lib/models/mod.ts";

Deno.test("resolveModel() names every place it looked when a model is missing", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(() => resolveModel(dir), (error: Error) => {
    assert.ok(error instanceof Deno.errors.NotFound);
    assert.match(error.message, new RegExp(`${join(dir, "int8.ir.json")}`));
    assert.match(error.message, /models\//);
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resolveModel() refuses a corrupt IR naming the file", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "int8.ir.json"), '{"magic": "NOPE"}');
  await assert.rejects(() => resolveModel(dir), /int8\.ir\.json|magic/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("validationSubjectsOf() reads the held-out subjects beside a committed or pipeline model", async () => {
  const root = await Deno.makeTempDir();
  const config = JSON.stringify({ validationSubjects: ["S06", "S13"] });
  // Committed layout: <model>/int8.ir.json beside <model>/run/config.json.
  await Deno.mkdir(join(root, "shipped", "run"), { recursive: true });
  await Deno.writeTextFile(join(root, "shipped", "run", "config.json"), config);
  assert.deepEqual(await validationSubjectsOf(join(root, "shipped", "int8.ir.json")), [
    "S06",
    "S13",
  ]);
  // Pipeline layout: <out>/quantize/int8.ir.json and <out>/train/run/config.json.
  await Deno.mkdir(join(root, "out", "train", "run"), { recursive: true });
  await Deno.writeTextFile(join(root, "out", "train", "run", "config.json"), config);
  assert.deepEqual(await validationSubjectsOf(join(root, "out", "quantize", "int8.ir.json")), [
    "S06",
    "S13",
  ]);
  assert.equal(await validationSubjectsOf(join(root, "elsewhere", "int8.ir.json")), null);
  await Deno.writeTextFile(join(root, "shipped", "run", "config.json"), "{not json");
  await assert.rejects(
    () => validationSubjectsOf(join(root, "shipped", "int8.ir.json")),
    /config\.json/,
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("resolveRunDir() finds a run directory, a pipeline's run and a committed model's run", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "out", "train", "run"), { recursive: true });
  await Deno.writeTextFile(join(root, "out", "train", "run", "model.json"), "{}");
  assert.equal(
    await resolveRunDir(join(root, "out", "train", "run")),
    join(root, "out", "train", "run"),
  );
  assert.equal(await resolveRunDir(join(root, "out")), join(root, "out", "train", "run"));
  assert.match(await resolveRunDir("nnom"), /models\/nnom\/run$/);
  await assert.rejects(() => resolveRunDir(join(root, "none")), /Run ".*none" not found/);
  await Deno.remove(root, { recursive: true });
});
