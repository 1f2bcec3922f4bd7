/** The quick pipeline end to end: reproducible bytes, stage skipping, --from, usage errors. */
import assert from "node:assert/strict";
import { join } from "node:path";

const PIPELINE = new URL("../../pipeline/pipeline.ts", import.meta.url).pathname;

async function pipeline(...args: string[]): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PIPELINE, "--quick", "--quiet", ...args],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

const ARTIFACTS = [
  "quantize/float.ir.json",
  "quantize/int8.ir.json",
  "codegen/model.c",
  "codegen/model.h",
  "report/report.json",
  "report/report.html",
];

Deno.test("pipeline --quick twice with the same seed gives byte-identical IR, C and report", async () => {
  const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
  for (const out of [a, b]) {
    const { code, stderr } = await pipeline("--out", out);
    assert.equal(code, 0, stderr);
  }
  for (const file of ARTIFACTS) {
    assert.deepEqual(await Deno.readFile(join(a, file)), await Deno.readFile(join(b, file)), file);
  }
  const report = JSON.parse(await Deno.readTextFile(join(a, "report/report.json")));
  assert.equal(report.stages.firmware.agree_with_ts, true);
  assert.equal(report.stages.quantize.ram_bytes > 0, true);

  // Unchanged inputs: every stage is skipped. --from quantize rebuilds quantize and later only.
  const again = await pipeline("--out", a);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stderr.match(/unchanged, skipped/g)?.length, 7, again.stderr);
  const from = await pipeline("--out", a, "--from", "quantize");
  assert.match(from.stderr, /train: unchanged, skipped/);
  assert.match(from.stderr, /quantize: built/);
  assert.match(from.stderr, /report: built/);
  assert.deepEqual(
    await Deno.readFile(join(a, "codegen/model.c")),
    await Deno.readFile(join(b, "codegen/model.c")),
  );
  await Deno.remove(a, { recursive: true });
  await Deno.remove(b, { recursive: true });
});

Deno.test("pipeline refuses an unknown stage, option or arch with a usage error", async () => {
  for (const args of [["--from", "deploy"], ["--bogus"], ["--arch", "resnet"], ["--fold", "9"]]) {
    const { code, stderr } = await pipeline("--out", "/nonexistent", ...args);
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, /error: /);
  }
});
