import assert from "node:assert/strict";
import { join } from "node:path";
import { loadDataset } from "../../lib/data/mod.ts";
import { encodeDataset } from "../../lib/data/cache.ts";
import { listNames, makeFixture } from "./_fixture.ts";

/** Loads the fixture archive with a fresh cache; returns the dataset and its cache file. */
async function loadOnce(fixture: { archive: string; cacheDir: string }, warnings: string[] = []) {
  const dataset = await loadDataset({
    data: fixture.archive,
    cacheDir: fixture.cacheDir,
    onWarning: (message) => warnings.push(message),
  });
  const names = await listNames(fixture.cacheDir);
  assert.equal(names.length, 1, `cache folder holds ${names.join(", ")}`);
  return { dataset, cacheFile: join(fixture.cacheDir, names[0]) };
}

Deno.test("loadDataset() writes one cache file named by the inputs' hash", async () => {
  const fixture = await makeFixture();
  try {
    const { dataset, cacheFile } = await loadOnce(fixture);
    assert.equal(cacheFile, join(fixture.cacheDir, `iegm-${dataset.source!.key}.bin`));
    assert.match(dataset.source!.key, /^[0-9a-f]{64}$/);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("loadDataset() returns the cached dataset when the inputs are unchanged", async () => {
  const fixture = await makeFixture();
  try {
    const { dataset, cacheFile } = await loadOnce(fixture);
    // A cache entry with a recognisable change proves that the second load reads the cache.
    const marked = { ...dataset, samples: dataset.samples.map((x) => x + 100) };
    await Deno.writeFile(cacheFile, encodeDataset(marked, dataset.source!.key));
    const again = await loadDataset({ data: fixture.archive, cacheDir: fixture.cacheDir });
    assert.equal(again.samples[0], Math.fround(dataset.samples[0] + 100));
    assert.deepEqual(again.files, dataset.files);
    assert.deepEqual(again.source, dataset.source);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("loadDataset() misses the cache when one sample of the data changes", async () => {
  const fixture = await makeFixture();
  try {
    const { dataset } = await loadOnce(fixture);
    const file = join(fixture.dir, "tinyml_contest_data_training", dataset.files[0]);
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(file, "0.9999999" + text.slice(text.indexOf("\n")));
    const changed = await loadDataset({ data: fixture.dir, cacheDir: fixture.cacheDir });
    assert.equal(changed.samples[0], Math.fround(0.9999999));
    assert.notEqual(changed.source!.key, dataset.source!.key);
    assert.equal((await listNames(fixture.cacheDir)).length, 2);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("loadDataset() misses the cache when the index changes", async () => {
  const fixture = await makeFixture();
  try {
    const { dataset } = await loadOnce(fixture);
    const subset = join(fixture.root, "subset.csv");
    await Deno.writeTextFile(subset, "label,Filename\n0,S02-SR-1.txt\n");
    const small = await loadDataset({
      data: fixture.archive,
      index: subset,
      cacheDir: fixture.cacheDir,
    });
    assert.equal(small.size, 1);
    assert.notEqual(small.source!.key, dataset.source!.key);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

for (
  const [damage, corrupt] of [
    ["one flipped sample byte", (bytes: Uint8Array) => (bytes[bytes.length - 200] ^= 0x40, bytes)],
    ["truncation", (bytes: Uint8Array) => bytes.subarray(0, bytes.length - 1000)],
    ["a wrong magic number", (bytes: Uint8Array) => (bytes[0] = 0x58, bytes)],
  ] as const
) {
  Deno.test(`loadDataset() detects a cache damaged by ${damage}, reports it and rebuilds`, async () => {
    const fixture = await makeFixture();
    try {
      const { dataset, cacheFile } = await loadOnce(fixture);
      const good = await Deno.readFile(cacheFile);
      await Deno.writeFile(cacheFile, corrupt(good.slice()));
      const warnings: string[] = [];
      const rebuilt = await loadDataset({
        data: fixture.archive,
        cacheDir: fixture.cacheDir,
        onWarning: (message) => warnings.push(message),
      });
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0].includes(cacheFile), warnings[0]);
      assert.match(warnings[0], /rebuilding/);
      assert.deepEqual(rebuilt.samples, dataset.samples);
      assert.deepEqual(await Deno.readFile(cacheFile), good);
    } finally {
      await Deno.remove(fixture.root, { recursive: true });
    }
  });
}
