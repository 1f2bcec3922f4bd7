/** The plots command's options: --help, usage errors, and a clear error without a run. */
import assert from "node:assert/strict";

const PLOTS = new URL("../../pipeline/plots.ts", import.meta.url).pathname;

async function plots(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PLOTS, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("plots --help lists --run and --port and exits 0", async () => {
  const { code, stdout } = await plots("--help");
  assert.equal(code, 0);
  assert.match(stdout, /--run DIR/);
  assert.match(stdout, /--port N/);
});

Deno.test("plots refuses a bad port or option with a usage error (exit 2)", async () => {
  for (const args of [["--port", "http"], ["--port", "70000"], ["--bogus"]]) {
    const { code, stderr } = await plots(...args);
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, /^error: /);
  }
});

Deno.test("plots names the folder when it holds no run (exit 1)", async () => {
  const { code, stderr } = await plots("--run", "/nonexistent/run");
  assert.equal(code, 1);
  assert.match(stderr, /error: \/nonexistent\/run is neither a pipeline folder/);
});
