import assert from "node:assert/strict";
import { join } from "node:path";
import { runDataCommand } from "./_run.ts";
import { FIXTURE_ROWS, fixtureFiles, listNames, makeFixture } from "./_fixture.ts";

Deno.test("data --summary --json prints one JSON object of counts", async () => {
  const fixture = await makeFixture();
  try {
    const run = await runDataCommand([
      "--data",
      fixture.archive,
      "--summary",
      "--json",
      "--cache-dir",
      fixture.cacheDir,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      segments: FIXTURE_ROWS.length,
      subjects: 4,
      positives: 4,
      rhythms: { SR: 2, VT: 2, AFt: 1, AFb: 1, SVT: 1, VPD: 1, VFb: 1, VFt: 1 },
    });
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("data --folds prints every subject once, in readable text", async () => {
  const fixture = await makeFixture();
  try {
    const run = await runDataCommand(["--data", fixture.dir, "--folds", "2", "--no-cache"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^2 folds by subject \(seed 1\):/);
    const subjects = run.stdout.match(/S\d\d/g)!.sort();
    assert.deepEqual(subjects, ["S02", "S03", "S04", "S10"]);
    assert.deepEqual(await listNames(fixture.cacheDir), []);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("data on a broken segment exits 1, names file and line, writes nothing", async () => {
  const files = fixtureFiles();
  const path = "tinyml_contest_data_training/S02-SR-1.txt";
  files.set(path, files.get(path)!.replace(/\n[^\n]*\n/, "\nabc\n"));
  const fixture = await makeFixture(files);
  try {
    const run = await runDataCommand(["--data", fixture.dir, "--cache-dir", fixture.cacheDir]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr.trim(),
      `error: ${join(fixture.dir, path)}:2: "abc" is not a finite number`,
    );
    assert.deepEqual(await listNames(fixture.cacheDir), []);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("data without --data, or with a bad --folds, exits 2 with a usage error", async () => {
  const missing = await runDataCommand([]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--data is required/);
  const bad = await runDataCommand(["--data", "x", "--folds", "one"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--folds must be an integer/);
});

Deno.test("data --help lists every option", async () => {
  const run = await runDataCommand(["--help"]);
  assert.equal(run.code, 0);
  for (
    const option of [
      "--data",
      "--index",
      "--summary",
      "--subjects",
      "--folds",
      "--seed",
      "--json",
      "--cache-dir",
      "--no-cache",
    ]
  ) {
    assert.ok(run.stdout.includes(option), option);
  }
});
