/** `deno task evaluate` on a small IEGM set in the official format, and on a malformed one. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadDataset, segment } from "../../lib/data/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARCHIVE = join(ROOT, "..", "shared", "iegm", "tinyml_contest_data_training.tar.gz");

async function run(script: string, ...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "pipeline", script), ...args],
    env: { NO_COLOR: "1" },
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

/** Writes every 1000th segment of the shared archive as <dir>/<file> plus <dir>/index.csv. */
async function writeSmallSet(dir: string): Promise<number> {
  const dataset = await loadDataset({ data: ARCHIVE });
  const rows = ["label,Filename"];
  for (let i = 0; i < dataset.size; i += 1000) {
    const text = Array.from(segment(dataset, i), (v) => v.toFixed(7)).join("\n") + "\n";
    await Deno.writeTextFile(join(dir, dataset.files[i]), text);
    rows.push(`${dataset.labels[i]},${dataset.files[i]}`);
  }
  await Deno.writeTextFile(join(dir, "index.csv"), rows.join("\n") + "\n");
  return rows.length - 1;
}

Deno.test("evaluate --json scores a model on a set in the official format, C equal to TypeScript", async () => {
  const model = await Deno.makeTempDir(), data = await Deno.makeTempDir();
  try {
    const built = await run("pipeline.ts", "--quick", "--quiet", "--out", model);
    assert.equal(built.code, 0, built.stderr);
    const n = await writeSmallSet(data);
    const args = ["--data", data, "--index", join(data, "index.csv"), "--model", model, "--json"];
    const { code, stdout, stderr } = await run("evaluate.ts", ...args);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.n, n);
    assert.equal(result.tp + result.fn + result.fp + result.tn, n);
    assert.equal(result.mismatches_ts_vs_c, 0);
    assert.equal(result.model.arch, "threeblock"); // the pipeline's default arch
    assert.ok(Object.keys(result.recall_by_rhythm).length > 0);
    // Every segment falls in one rate zone of its rhythm, and the zones agree with the rhythms.
    const zones = Object.entries(
      result.correct_by_rate_zone as Record<string, Record<string, { segments: number }>>,
    );
    const counts = zones.map(([, byZone]) => Object.values(byZone)).flat();
    assert.equal(counts.reduce((total, c) => total + c.segments, 0), n);
    assert.deepEqual(zones.map(([rhythm]) => rhythm), Object.keys(result.recall_by_rhythm));

    // A short file: the error names it, the exit code is non-zero.
    const victim = (await Deno.readTextFile(join(data, "index.csv"))).split("\n")[1].split(",")[1];
    const lines = (await Deno.readTextFile(join(data, victim))).split("\n");
    await Deno.writeTextFile(join(data, victim), lines.slice(0, 1000).join("\n") + "\n");
    const bad = await run("evaluate.ts", ...args);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(victim));
  } finally {
    await Deno.remove(model, { recursive: true });
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("evaluate refuses a model that does not exist with a usage error", async () => {
  const { code, stderr } = await run("evaluate.ts", "--data", ARCHIVE, "--model", "/nonexistent");
  assert.equal(code, 2);
  assert.match(stderr, /Model "\/nonexistent" not found/);
});
