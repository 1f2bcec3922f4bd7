import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Runs `pipeline/<script>` with `args`; returns its exit code and stderr. */
export async function runPipelineScript(
  script: string,
  args: string[],
): Promise<{ code: number; stderr: string }> {
  const path = fileURLToPath(new URL(`../../pipeline/${script}`, import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/**
 * Checks that `script` (a command taking `--search DIR --id ID`) names DIR/selection.json when DIR
 * is not a search folder (exit 1), and says so when results.jsonl has no full-CV row of the id
 * (exit 2).
 */
export async function checkSearchFolderErrors(script: string): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const missing = await runPipelineScript(script, ["--search", dir, "--id", "x"]);
    assert.equal(missing.code, 1);
    assert.ok(missing.stderr.includes(`${dir}/selection.json`), missing.stderr);
    const selection = { data: "none", seed: 1, folds: [["S01"]], indices: null };
    await Deno.writeTextFile(join(dir, "selection.json"), JSON.stringify(selection));
    await Deno.writeTextFile(join(dir, "results.jsonl"), "");
    const noRow = await runPipelineScript(script, ["--search", dir, "--id", "x"]);
    assert.equal(noRow.code, 2, noRow.stderr);
    assert.ok(noRow.stderr.includes("has no full-CV result of x"), noRow.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
