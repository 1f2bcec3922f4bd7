import assert from "node:assert/strict";
import { join } from "node:path";
import { DataError, loadDataset, RHYTHMS, segment } from "../../lib/data/mod.ts";
import { FIXTURE_ROWS, fixtureFiles, listNames, makeFixture, segmentLines } from "./_fixture.ts";

Deno.test("loadDataset() reads a directory in the index's row order", async () => {
  const fixture = await makeFixture();
  try {
    const dataset = await loadDataset({ data: fixture.dir, cacheDir: fixture.cacheDir });
    assert.equal(dataset.size, FIXTURE_ROWS.length);
    assert.deepEqual(dataset.files, FIXTURE_ROWS.map((row) => row.file));
    assert.deepEqual([...dataset.labels], FIXTURE_ROWS.map((row) => row.label));
    assert.deepEqual(dataset.subjectNames, ["S02", "S03", "S04", "S10"]);
    assert.equal(dataset.subjectNames[dataset.subjects[0]], "S10");
    assert.equal(RHYTHMS[dataset.rhythms[4]], "VFb");
    for (let k = 0; k < dataset.size; k++) {
      const expected = Float32Array.from(segmentLines(k), Number);
      assert.deepEqual(segment(dataset, k), expected, `samples of ${dataset.files[k]}`);
    }
    assert.equal(dataset.source?.index, `${fixture.dir}/data_indices/train_indice.csv`);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("loadDataset() reads a .tar.gz exactly like the extracted directory", async () => {
  const fixture = await makeFixture();
  try {
    const fromDir = await loadDataset({ data: fixture.dir, cache: false });
    const fromArchive = await loadDataset({ data: fixture.archive, cache: false });
    const { source: _a, ...dirFields } = fromDir;
    const { source: _b, ...archiveFields } = fromArchive;
    assert.deepEqual(archiveFields, dirFields);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("loadDataset() takes an index file, or an index path inside the archive", async () => {
  const files = fixtureFiles();
  files.set("data_indices/subset.csv", "label,Filename\n0,S02-SR-2.txt\n1,S10-VT-7.txt\n");
  const fixture = await makeFixture(files);
  try {
    const inside = await loadDataset({
      data: fixture.archive,
      index: "data_indices/subset.csv",
      cache: false,
    });
    assert.deepEqual(inside.files, ["S02-SR-2.txt", "S10-VT-7.txt"]);
    const outside = await loadDataset({
      data: fixture.archive,
      index: join(fixture.dir, "data_indices/subset.csv"),
      cache: false,
    });
    assert.deepEqual(outside.files, inside.files);
    assert.deepEqual(outside.samples, inside.samples);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

Deno.test("loadDataset() without one index CSV indexes every *.txt by name", async () => {
  const files = fixtureFiles();
  files.set("data_indices/other.csv", "label,Filename\n");
  const fixture = await makeFixture(files);
  try {
    const dataset = await loadDataset({ data: fixture.archive, cache: false });
    assert.equal(dataset.source?.index, "");
    assert.deepEqual(dataset.files.slice(0, 4), [
      "S02-SR-1.txt",
      "S02-SR-2.txt",
      "S02-AFt-5.txt",
      "S03-AFb-1.txt",
    ]);
    const vt = dataset.files.indexOf("S10-VT-7.txt");
    assert.equal(dataset.labels[vt], 1);
    assert.equal(dataset.labels[dataset.files.indexOf("S04-VPD-3.txt")], 0);
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});

/** Loads a fixture broken by `breakIt`, from the directory and the archive, expecting `where`. */
function rejectsBroken(
  name: string,
  breakIt: (files: Map<string, string>) => void,
  where: (fixture: { dir: string; archive: string }, source: "dir" | "archive") => {
    file: string;
    line?: number;
    message: RegExp;
  },
) {
  Deno.test(name, async () => {
    const files = fixtureFiles();
    breakIt(files);
    const fixture = await makeFixture(files);
    try {
      for (const source of ["dir", "archive"] as const) {
        const data = source === "dir" ? fixture.dir : fixture.archive;
        const expected = where(fixture, source);
        const error = await loadDataset({ data, cacheDir: fixture.cacheDir }).then(
          () => assert.fail(`${source}: loaded a broken dataset`),
          (error) => error,
        );
        assert.ok(error instanceof DataError, `${source}: ${error}`);
        assert.equal(error.file, expected.file, source);
        assert.equal(error.line, expected.line, source);
        assert.match(error.message, expected.message, source);
        assert.deepEqual(await listNames(fixture.cacheDir), [], `${source}: wrote a cache`);
      }
    } finally {
      await Deno.remove(fixture.root, { recursive: true });
    }
  });
}

const SEGMENT = "tinyml_contest_data_training/S03-VFb-4.txt";
const INDEX = "data_indices/train_indice.csv";
const segmentPath = (f: { dir: string; archive: string }, source: "dir" | "archive") =>
  source === "dir" ? join(f.dir, SEGMENT) : `${f.archive}/${SEGMENT}`;
const indexPath = (f: { dir: string; archive: string }, source: "dir" | "archive") =>
  `${source === "dir" ? f.dir : f.archive}/${INDEX}`;
const editLines = (files: Map<string, string>, path: string, edit: (lines: string[]) => void) => {
  const lines = files.get(path)!.split("\n");
  edit(lines);
  files.set(path, lines.join("\n"));
};

rejectsBroken(
  "loadDataset() rejects a malformed sample line, naming file and line",
  (files) => editLines(files, SEGMENT, (lines) => lines[16] = "0.12.5"),
  (f, s) => ({ file: segmentPath(f, s), line: 17, message: /"0\.12\.5" is not a finite number/ }),
);
rejectsBroken(
  "loadDataset() rejects an empty line inside a segment",
  (files) => editLines(files, SEGMENT, (lines) => lines[99] = ""),
  (f, s) => ({ file: segmentPath(f, s), line: 100, message: /empty line/ }),
);
rejectsBroken(
  "loadDataset() rejects a non-finite sample",
  (files) => editLines(files, SEGMENT, (lines) => lines[1249] = "1e999"),
  (f, s) => ({ file: segmentPath(f, s), line: 1250, message: /not a finite number/ }),
);
rejectsBroken(
  "loadDataset() rejects a segment with 1,249 values",
  (files) => editLines(files, SEGMENT, (lines) => lines.splice(5, 1)),
  (f, s) => ({ file: segmentPath(f, s), message: /has 1249 values, expected 1250/ }),
);
rejectsBroken(
  "loadDataset() rejects a segment with 1,251 values",
  (files) => editLines(files, SEGMENT, (lines) => lines.splice(5, 0, "0.5")),
  (f, s) => ({ file: segmentPath(f, s), message: /has 1251 values, expected 1250/ }),
);
rejectsBroken(
  "loadDataset() rejects an index row whose file is missing",
  (files) => files.delete(SEGMENT),
  (f, s) => ({
    file: indexPath(f, s),
    line: 6,
    message: /S03-VFb-4\.txt is not in/,
  }),
);
rejectsBroken(
  "loadDataset() rejects a duplicate index row",
  (files) => editLines(files, INDEX, (lines) => lines.splice(3, 0, "0,S02-SR-1.txt")),
  (f, s) => ({ file: indexPath(f, s), line: 4, message: /listed twice \(first on line 3\)/ }),
);
rejectsBroken(
  "loadDataset() rejects a label that contradicts the rhythm",
  (files) => editLines(files, INDEX, (lines) => lines[1] = "0,S10-VT-7.txt"),
  (f, s) => ({ file: indexPath(f, s), line: 2, message: /label 0 contradicts rhythm VT/ }),
);
rejectsBroken(
  "loadDataset() rejects an index without the label,Filename header",
  (files) => editLines(files, INDEX, (lines) => lines[0] = "Filename,label"),
  (f, s) => ({ file: indexPath(f, s), line: 1, message: /expected "label,Filename"/ }),
);
rejectsBroken(
  "loadDataset() rejects an unknown rhythm in an index row",
  (files) => editLines(files, INDEX, (lines) => lines[2] = "0,S02-XX-1.txt"),
  (f, s) => ({ file: indexPath(f, s), line: 3, message: /unknown rhythm "XX"/ }),
);

Deno.test("loadDataset() names a missing data path", async () => {
  await assert.rejects(
    () => loadDataset({ data: "/nonexistent/iegm.tar.gz", cache: false }),
    (error) => error instanceof DataError && error.file === "/nonexistent/iegm.tar.gz",
  );
});

Deno.test("loadDataset() rejects a damaged archive, naming it", async () => {
  const fixture = await makeFixture();
  try {
    const bytes = await Deno.readFile(fixture.archive);
    await Deno.writeFile(fixture.archive, bytes.subarray(0, bytes.length >> 1));
    await assert.rejects(
      () => loadDataset({ data: fixture.archive, cache: false }),
      (error) => error instanceof DataError && error.file === fixture.archive,
    );
  } finally {
    await Deno.remove(fixture.root, { recursive: true });
  }
});
