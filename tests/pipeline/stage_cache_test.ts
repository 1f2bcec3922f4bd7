import assert from "node:assert/strict";
import { join } from "node:path";
import { canonicalJson, readStageRecord, runStage } from "../../pipeline/stage_cache.ts";

const code = ["pipeline/stage_cache.ts"];

Deno.test("runStage() skips a stage whose inputs are unchanged and rebuilds on change", async () => {
  const root = await Deno.makeTempDir();
  let builds = 0;
  const build = async (dir: string) => {
    builds++;
    await Deno.writeTextFile(join(dir, "out.txt"), `build ${builds}`);
    return { builds };
  };
  const first = await runStage("s", { root, inputs: { a: 1 }, code, force: false }, build);
  const second = await runStage("s", { root, inputs: { a: 1 }, code, force: false }, build);
  assert.deepEqual([first.skipped, second.skipped, builds], [false, true, 1]);
  assert.deepEqual(second.key, first.key);
  const third = await runStage("s", { root, inputs: { a: 2 }, code, force: false }, build);
  assert.deepEqual([third.skipped, builds], [false, 2]);
  assert.ok(third.key !== first.key);
  await runStage("s", { root, inputs: { a: 2 }, code, force: true }, build);
  assert.deepEqual(builds, 3);
  assert.deepEqual(await Deno.readTextFile(join(root, "s", "out.txt")), "build 3");
  await Deno.remove(root, { recursive: true });
});

Deno.test("runStage() keeps the previous output when a build fails", async () => {
  const root = await Deno.makeTempDir();
  await runStage("s", { root, inputs: 1, code, force: false }, async (dir) => {
    await Deno.writeTextFile(join(dir, "out.txt"), "good");
    return {};
  });
  await assert.rejects(() =>
    runStage("s", { root, inputs: 2, code, force: false }, async (dir) => {
      await Deno.writeTextFile(join(dir, "out.txt"), "half");
      throw new Error("stage failed");
    })
  );
  assert.deepEqual(await Deno.readTextFile(join(root, "s", "out.txt")), "good");
  assert.deepEqual((await readStageRecord(root, "s"))?.stage, "s");
  const leftovers = [...Deno.readDirSync(root)].map((e) => e.name);
  assert.deepEqual(leftovers, ["s"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("canonicalJson() is independent of key order", () => {
  assert.deepEqual(
    canonicalJson({ b: 1, a: { d: [2, 1], c: 3 } }),
    canonicalJson({ a: { c: 3, d: [2, 1] }, b: 1 }),
  );
});
