import assert from "node:assert/strict";
import { checkSearchFolderErrors, runPipelineScript } from "./_run.ts";

const run = (args: string[]) => runPipelineScript("training_fit.ts", args);

Deno.test("pipeline/training_fit.ts refuses a missing option or an unknown rhythm (exit 2)", async () => {
  for (
    const [args, message] of [
      [["--id", "x"], "--search"],
      [["--search", "runs/none", "--id", "x", "--rhythms", "SVT,AF"], "--rhythms: unknown AF"],
    ] as const
  ) {
    const result = await run([...args]);
    assert.equal(result.code, 2, result.stderr);
    assert.ok(result.stderr.includes(message), result.stderr);
  }
});

Deno.test(
  "pipeline/training_fit.ts names the folder that is not a search, and a missing row",
  () => checkSearchFolderErrors("training_fit.ts"),
);
