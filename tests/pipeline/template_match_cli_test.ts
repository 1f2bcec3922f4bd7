import assert from "node:assert/strict";
import { checkSearchFolderErrors, runPipelineScript } from "./_run.ts";

const run = (args: string[]) => runPipelineScript("template_match.ts", args);

Deno.test("pipeline/template_match.ts refuses a missing option (exit 2)", async () => {
  const cases: [string[], string][] = [[["--id", "x"], "--search"], [["--search", "d"], "--id"]];
  for (const [args, message] of cases) {
    const result = await run(args);
    assert.equal(result.code, 2, result.stderr);
    assert.ok(result.stderr.includes(message), result.stderr);
  }
});

Deno.test(
  "pipeline/template_match.ts names the folder that is not a search, and a missing row",
  () => checkSearchFolderErrors("template_match.ts"),
);
