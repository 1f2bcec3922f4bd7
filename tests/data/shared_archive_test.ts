/**
 * The shared training archive, as the issue states it: 24,588 segments, 60 subjects, 11,837
 * positives. Set IEGM_ARCHIVE to test another copy.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { foldSplit, loadDataset, subjectFolds } from "../../lib/data/mod.ts";
import { runDataCommand } from "./_run.ts";

const ARCHIVE = Deno.env.get("IEGM_ARCHIVE") ??
  fileURLToPath(
    new URL("../../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url),
  );

Deno.test("data --summary --json on the shared archive gives the published counts", async () => {
  await Deno.stat(ARCHIVE).catch(() => {
    throw new Error(`${ARCHIVE} is missing: see data/README.md, or set IEGM_ARCHIVE`);
  });
  const cacheDir = await Deno.makeTempDir({ prefix: "iegm-shared-test-" });
  try {
    const run = await runDataCommand([
      "--data",
      ARCHIVE,
      "--summary",
      "--json",
      "--cache-dir",
      cacheDir,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout.trim(),
      JSON.stringify({
        segments: 24588,
        subjects: 60,
        positives: 11837,
        rhythms: {
          VT: 10692,
          SR: 10033,
          VFb: 974,
          SVT: 815,
          VPD: 795,
          AFb: 765,
          AFt: 343,
          VFt: 171,
        },
      }),
    );

    // The cache the command wrote, read back: five folds of twelve subjects each.
    const dataset = await loadDataset({ data: ARCHIVE, cacheDir });
    const folds = subjectFolds(dataset, 5, 1);
    assert.deepEqual(folds.map((fold) => fold.length), [12, 12, 12, 12, 12]);
    for (let i = 0; i < 5; i++) {
      const { validation } = foldSplit(dataset, folds, i);
      const share = validation.reduce((sum, j) => sum + dataset.labels[j], 0) / validation.length;
      assert.ok(share > 0.35 && share < 0.6, `fold ${i}: VA share ${share}`);
    }
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
