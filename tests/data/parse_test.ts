import assert from "node:assert/strict";
import {
  DataError,
  parseIndexCsv,
  parseSegmentFileName,
  parseSegmentText,
  readTarEntries,
} from "../../lib/data/mod.ts";
import { tarBytes, tarGz } from "./_fixture.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const lines = (n: number, value = "0.0012345") => Array.from({ length: n }, () => value);

Deno.test("parseSegmentText() equals Number() rounded to float32 on the official form", () => {
  const values = Array.from({ length: 1250 }, (_, i) => (Math.sin(i * 1.7) * 2.4).toFixed(7));
  const out = new Float32Array(1250);
  parseSegmentText(encode(values.join("\n") + "\n"), out, "x.txt");
  assert.deepEqual(out, Float32Array.from(values, Number));
});

Deno.test("parseSegmentText() accepts CRLF, no final newline, exponents and signs", () => {
  const text = ["1e-3", "+0.5", ".25", "-7", " 3.5 ", ...lines(1245)].join("\r\n");
  const out = new Float32Array(1250);
  parseSegmentText(encode(text), out, "x.txt");
  assert.deepEqual([...out.subarray(0, 5)], [0.001, 0.5, 0.25, -7, 3.5].map(Math.fround));
});

Deno.test("parseSegmentText() rejects NaN, hex and text with the line number", () => {
  for (const bad of ["NaN", "0x10", "Infinity", "1,5", "--1"]) {
    const text = [...lines(9), bad, ...lines(1240)].join("\n");
    assert.throws(
      () => parseSegmentText(encode(text), new Float32Array(1250), "s.txt"),
      (error) => error instanceof DataError && error.file === "s.txt" && error.line === 10,
      bad,
    );
  }
});

Deno.test("parseSegmentText() rejects an empty file and a trailing blank line", () => {
  assert.throws(
    () => parseSegmentText(new Uint8Array(0), new Float32Array(1250), "e.txt"),
    /e\.txt: has 0 values, expected 1250/,
  );
  assert.throws(
    () =>
      parseSegmentText(encode(lines(1250).join("\n") + "\n\n"), new Float32Array(1250), "b.txt"),
    /b\.txt:1251: empty line/,
  );
});

Deno.test("parseSegmentFileName() splits subject, rhythm and number", () => {
  assert.deepEqual(parseSegmentFileName("S01-AFt-12.txt"), {
    subject: "S01",
    rhythm: "AFt",
    number: 12,
  });
  assert.throws(() => parseSegmentFileName("S01_VT_1.txt"), DataError);
  assert.throws(() => parseSegmentFileName("S01-VT-1.csv"), DataError);
  assert.throws(() => parseSegmentFileName("S01-AF-1.txt"), /unknown rhythm "AF"/);
});

Deno.test("parseIndexCsv() accepts CRLF and trailing blank lines, not blank rows inside", () => {
  const rows = parseIndexCsv("label,Filename\r\n1,S01-VFt-1.txt\r\n\r\n\r\n", "i.csv");
  assert.deepEqual(rows.map((row) => [row.line, row.label, row.file]), [[2, 1, "S01-VFt-1.txt"]]);
  assert.throws(
    () => parseIndexCsv("label,Filename\n\n1,S01-VT-1.txt\n", "i.csv"),
    (error) => error instanceof DataError && error.line === 2,
  );
  assert.throws(
    () => parseIndexCsv("label,Filename\n2,S01-VT-1.txt\n", "i.csv"),
    /neither 0 nor 1/,
  );
  assert.throws(() => parseIndexCsv("", "i.csv"), /i\.csv: is empty/);
});

Deno.test("readTarEntries() yields files in order across chunk boundaries", async () => {
  const files = new Map([["a/one.txt", "x".repeat(700)], ["b/two.csv", "label,Filename\n"]]);
  const gz = await tarGz(files);
  const tar = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
  // Re-chunk into 100-byte pieces so headers and data straddle chunk boundaries.
  const bytes = new Uint8Array(await new Response(tar).arrayBuffer());
  const pieces = Array.from(
    { length: Math.ceil(bytes.length / 100) },
    (_, i) => bytes.slice(i * 100, i * 100 + 100),
  );
  const entries = await Array.fromAsync(readTarEntries(ReadableStream.from(pieces), "t.tar"));
  assert.deepEqual(
    entries.map((e) => [e.path, new TextDecoder().decode(e.data)]),
    [...files.entries()],
  );
});

Deno.test("readTarEntries() rejects a header with a bad checksum, naming the archive", async () => {
  const bytes = new Uint8Array(1024);
  bytes.set(encode("not a tar header"), 0);
  await assert.rejects(
    () => Array.fromAsync(readTarEntries(ReadableStream.from([bytes]), "bad.tar")),
    (error) =>
      error instanceof DataError && error.file === "bad.tar" && /checksum/.test(error.message),
  );
});

Deno.test("readTarEntries() takes long paths from pax and GNU headers, skips directories", async () => {
  const long = `${"d".repeat(120)}/S01-VT-1.txt`;
  const record = ` path=${long}\n`;
  const length = String(record.length + 3); // the length counts its own digits: 3 here
  const tar = tarBytes([
    ["PaxHeaders/x", `${length}${record}`, "x"],
    ["ignored-short-name", "pax", "0"],
    ["././@LongLink", `${long.replace("VT-1", "VT-2")}\0`, "L"],
    ["ignored-too", "gnu", "0"],
    ["folder/", "", "5"],
    ["plain.txt", "plain", "0"],
  ]);
  const entries = await Array.fromAsync(readTarEntries(ReadableStream.from([tar]), "t.tar"));
  assert.deepEqual(
    entries.map((e) => [e.path, new TextDecoder().decode(e.data)]),
    [[long, "pax"], [long.replace("VT-1", "VT-2"), "gnu"], ["plain.txt", "plain"]],
  );
});

Deno.test("readTarEntries() rejects an archive cut inside a member", async () => {
  const tar = tarBytes([["a.txt", "x".repeat(2000)]]);
  await assert.rejects(
    () => Array.fromAsync(readTarEntries(ReadableStream.from([tar.subarray(0, 1500)]), "cut.tar")),
    (error) =>
      error instanceof DataError && error.file === "cut.tar" &&
      /ends in the middle/.test(error.message),
  );
});
