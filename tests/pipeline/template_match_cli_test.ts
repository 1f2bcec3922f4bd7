import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipelineScript } from "./_run.ts";

const run = (args: string[]) => runPipelineScript("template_match.ts", args);

Deno.test("pipeline/template_match.ts refuses a missing option (exit 2)", async () => {
  const cases: [string[], string][] = [[["--id", "x"], "--search"], [["--search", "d"], "--id"]];
  for (const [args, message] of cases) {
    const result = await run(args);
    assert.equal(result.code, 2, result.stderr);
    assert.ok(result.stderr.includes(message), result.stderr);
  }
});

Deno.test("pipeline/template_match.ts names the folder that is not a search, and a missing row", async () => {
  const dir = await Deno.makeTempDir();
  const missing = await run(["--search", dir, "--id", "x"]);
  assert.equal(missing.code, 1);
  assert.ok(missing.stderr.includes(`${dir}/selection.json`), missing.stderr);
  const selection = { data: "none", seed: 1, folds: [["S01"]], indices: null };
  await Deno.writeTextFile(join(dir, "selection.json"), JSON.stringify(selection));
  await Deno.writeTextFile(join(dir, "results.jsonl"), "");
  const noRow = await run(["--search", dir, "--id", "x"]);
  assert.equal(noRow.code, 2, noRow.stderr);
  assert.ok(noRow.stderr.includes("has no full-CV result of x"), noRow.stderr);
  await Deno.remove(dir, { recursive: true });
});
