import assert from "node:assert/strict";
import { runPipelineScript } from "./_run.ts";

const run = (args: string[]) => runPipelineScript("decision.ts", args);

Deno.test("pipeline/decision.ts refuses an incomplete decision with a usage error (exit 2)", async () => {
  const base = ["--search", "runs/none", "--id", "x"];
  for (
    const [args, message] of [
      [[], "--threshold or --choose is required"],
      [
        ["--choose", "--threshold", "0.4", "--gate", "110"],
        "--choose takes no --threshold, --gate",
      ],
      [["--choose", "--errors", "0"], "--errors"],
      [["--threshold", "0.4", "--fast-zone", "125:0.05"], "--fast-zone needs --gate"],
      [["--threshold", "0.4", "--below-gate", "0.95"], "--below-gate needs --gate"],
      [["--threshold", "0.4", "--gate", "110", "--fast-zone", "125"], "--fast-zone must be BPM:T"],
      [["--threshold", "0.4", "--gate", "130", "--fast-zone", "125:0.05"], "[130, 300]"],
    ] as const
  ) {
    const result = await run([...base, ...args]);
    assert.equal(result.code, 2, result.stderr);
    assert.ok(result.stderr.includes(message), result.stderr);
  }
});

Deno.test("pipeline/decision.ts names the folder that is not a search", async () => {
  const dir = await Deno.makeTempDir();
  const result = await run(["--search", dir, "--id", "x", "--threshold", "0.4"]);
  assert.equal(result.code, 1);
  assert.ok(result.stderr.includes(`${dir}/selection.json`), result.stderr);
  await Deno.remove(dir, { recursive: true });
});
