import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveModel } from "../../lib/models/mod.ts";

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
