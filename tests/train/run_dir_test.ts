import assert from "node:assert/strict";
import { join } from "node:path";
import { setupBackend, tf } from "../../lib/backend/mod.ts";
import { compact } from "../../lib/model/mod.ts";
import {
  defaultsFor,
  loadRun,
  predictScores,
  saveRun,
  train,
  type TrainConfig,
} from "../../lib/train/mod.ts";
import { splitBySubject, syntheticDataset } from "./_synthetic.ts";

await setupBackend("wasm");

const dataset = syntheticDataset(3, 8);
const split = splitBySubject(dataset, 2);
const config: TrainConfig = {
  ...defaultsFor("compact"),
  arch: "compact",
  seed: 5,
  folds: 3,
  fold: 2,
  data: "synthetic",
  trainSubjects: ["S01", "S02"],
  validationSubjects: ["S03"],
  inputClip: null,
  backend: "wasm",
  fused: true,
  epochs: 1,
  batchSize: 8,
};
const result = train(dataset, split, compact, config);

async function savedRun(): Promise<string> {
  const dir = join(await Deno.makeTempDir(), "run");
  await saveRun(dir, { ...result, spec: compact, config });
  return dir;
}

Deno.test("loadRun() gives back the saved model, spec, config and metrics", async () => {
  const dir = await savedRun();
  const run = await loadRun(dir);
  assert.deepEqual(run.spec, compact);
  assert.deepEqual(run.config, config);
  assert.deepEqual(run.metrics, result.metrics);
  assert.deepEqual(
    predictScores(run.model, run.spec, dataset, split.validation),
    predictScores(result.model, compact, dataset, split.validation),
  );
  const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  assert.deepEqual(names, [
    "config.json",
    "history.json",
    "metrics.json",
    "model.json",
    "spec.json",
    "validation.json",
    "weights.bin",
  ]);
});

Deno.test("saveRun() writes the same bytes for the same run", async () => {
  const a = await savedRun();
  const b = await savedRun();
  for (const file of ["model.json", "weights.bin", "config.json", "metrics.json"]) {
    assert.deepEqual(await Deno.readFile(join(a, file)), await Deno.readFile(join(b, file)), file);
  }
});

Deno.test("loadRun() of a missing directory names the file it could not find", async () => {
  const dir = join(await Deno.makeTempDir(), "nothing");
  await assert.rejects(loadRun(dir), { message: new RegExp(`${dir}/spec.json: file not found`) });
});

Deno.test("loadRun() names a corrupt metrics.json", async () => {
  const dir = await savedRun();
  await Deno.writeTextFile(join(dir, "metrics.json"), "{ not json");
  await assert.rejects(loadRun(dir), {
    name: "SyntaxError",
    message: /metrics.json: invalid JSON/,
  });
});

Deno.test("loadRun() names a config.json that lacks required fields", async () => {
  const dir = await savedRun();
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ arch: "compact" }));
  await assert.rejects(loadRun(dir), /config.json: missing seed, folds, fold/);
});

Deno.test("loadRun() names a truncated weights.bin", async () => {
  const dir = await savedRun();
  const bytes = await Deno.readFile(join(dir, "weights.bin"));
  await Deno.writeFile(join(dir, "weights.bin"), bytes.subarray(0, 100));
  await assert.rejects(loadRun(dir), {
    message: /weights.bin: 100 bytes, but model.json describes/,
  });
});

Deno.test("saveRun() that fails leaves no run directory behind", async () => {
  const parent = await Deno.makeTempDir();
  const dir = join(parent, "run");
  const unserialisable = { ...result.metrics, bestEpoch: 1n as unknown as number };
  await assert.rejects(saveRun(dir, { ...result, metrics: unserialisable, spec: compact, config }));
  assert.deepEqual(await Array.fromAsync(Deno.readDir(parent)), []);
});

Deno.test("a loaded model is a tfjs LayersModel with the spec's layer names", async () => {
  const run = await loadRun(await savedRun());
  assert.ok(run.model instanceof tf.LayersModel);
  assert.ok(run.model.getLayer("conv"));
});

Deno.test("loadRun() works in a process that never chose a tfjs backend", async () => {
  const dir = await savedRun();
  const code = `import { loadRun } from "./lib/train/mod.ts";
    const run = await loadRun(${JSON.stringify(dir)});
    console.log(run.spec.name, run.model.countParams());`;
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: new URL("../../", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout), `compact ${result.model.countParams()}\n`);
});
