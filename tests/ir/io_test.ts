import assert from "node:assert/strict";
import { join } from "node:path";
import { ARCHS } from "../../lib/model/mod.ts";
import { convertModel, irToJson, loadIR, saveIR } from "../../lib/ir/mod.ts";
import { randomModel } from "./_fixtures.ts";

const ir = convertModel(randomModel(ARCHS.compact, 4), ARCHS.compact, { threshold: 0.25 });

Deno.test("irToJson() gives the same bytes whatever the key insertion order", () => {
  const reordered = JSON.parse(
    JSON.stringify(ir),
    (_key, value) =>
      typeof value === "object" && value !== null && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
  );
  reordered.magic = ir.magic; // top-level order is the contract's, so rebuild it
  const { magic, version, arch, form, input, inputClip, output, threshold, tensors, layers } =
    reordered;
  const sameOrder = {
    magic,
    version,
    arch,
    form,
    input,
    inputClip,
    output,
    threshold,
    tensors,
    layers,
  };
  assert.equal(irToJson(sameOrder), irToJson(ir));
  assert(irToJson(ir).startsWith('{\n  "magic": "IEGM-IR",\n  "version": 1,'));
});

Deno.test("saveIR() then loadIR() round-trips, and the file is deterministic", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "float.ir.json");
    await saveIR(path, ir);
    const first = await Deno.readFile(path);
    const loaded = await loadIR(path);
    assert.deepEqual(loaded, ir);
    await saveIR(path, loaded);
    assert.deepEqual(await Deno.readFile(path), first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadIR() names the file when the JSON or the IR is bad", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "broken.ir.json");
    await Deno.writeTextFile(path, "{ not json");
    await assert.rejects(loadIR(path), (e) => e instanceof SyntaxError && e.message.includes(path));
    await Deno.writeTextFile(path, JSON.stringify({ ...ir, version: 9 }));
    await assert.rejects(loadIR(path), (e) => e instanceof TypeError && e.message.includes(path));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
