import assert from "node:assert/strict";
import { join } from "node:path";
import {
  appendRow,
  COMPACT,
  finishedKeys,
  parseTable,
  rankRows,
  readTable,
  repairTable,
  rowKey,
  type TableRow,
} from "../../lib/search/mod.ts";

function row(id: string, stage: "screen" | "full", score: number | null, fbeta = 0.9): TableRow {
  return {
    id,
    stage,
    candidate: structuredClone(COMPACT),
    arch: "c3k85s32 → d20,10",
    result: { id, score, fbeta_int8: fbeta } as TableRow["result"],
    finished_at: "2026-11-24T00:00:00.000Z",
  };
}

Deno.test("appendRow() then readTable() gives the rows back; a missing file is empty", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "results.jsonl");
  assert.deepEqual(await readTable(path), { rows: [], skipped: [], tornTail: false });
  await appendRow(path, row("a", "screen", 130));
  await appendRow(path, row("a", "full", 131));
  const { rows, skipped, tornTail } = await readTable(path);
  assert.deepEqual(rows.map((r) => rowKey(r.id, r.stage)), ["a/screen", "a/full"]);
  assert.deepEqual(skipped, []);
  assert.equal(tornTail, false);
  assert.deepEqual([...finishedKeys(rows)], ["a/screen", "a/full"]);
  const failed = { ...row("b", "screen", null), result: undefined, error: "killed" };
  assert.deepEqual([...finishedKeys([...rows, failed])], ["a/screen", "a/full"]);
});

Deno.test("parseTable() skips a torn last line and reports it", () => {
  const whole = JSON.stringify(row("a", "screen", 130)) + "\n";
  const torn = whole + JSON.stringify(row("b", "screen", 120)).slice(0, 40);
  const t = parseTable(torn);
  assert.deepEqual(t.rows.map((r) => r.id), ["a"]);
  assert.equal(t.tornTail, true);
  assert.equal(t.skipped.length, 1);
  assert.equal(t.skipped[0].line, 2);
  // A complete but unparsable line in the middle is skipped too, without marking a torn tail.
  const middle = parseTable(whole + "{oops\n" + whole);
  assert.equal(middle.rows.length, 2);
  assert.equal(middle.tornTail, false);
  assert.equal(middle.skipped[0].line, 2);
});

Deno.test("repairTable() cuts a torn line so the next append starts a fresh line", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "results.jsonl");
  const whole = JSON.stringify(row("a", "screen", 130)) + "\n";
  await Deno.writeTextFile(path, whole + '{"id":"b","sta');
  assert.equal(await repairTable(path), true);
  assert.equal(await Deno.readTextFile(path), whole);
  assert.equal(await repairTable(path), false);
  await appendRow(path, row("c", "screen", 125));
  const { rows, skipped } = await readTable(path);
  assert.deepEqual(rows.map((r) => r.id), ["a", "c"]);
  assert.deepEqual(skipped, []);
});

Deno.test("rankRows() puts full rows first, then by score, one row per candidate", () => {
  const ranked = rankRows([
    row("a", "screen", 140),
    row("b", "screen", 120),
    row("b", "full", 125),
    row("c", "full", 130),
    { ...row("d", "screen", null), result: undefined, error: "diverged" },
  ]);
  assert.deepEqual(ranked.map((r) => `${r.id}/${r.stage}`), [
    "c/full",
    "b/full",
    "a/screen",
    "d/screen",
  ]);
});
