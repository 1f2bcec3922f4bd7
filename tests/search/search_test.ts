/**
 * A tiny search end to end through the command line, in quick mode on the shared archive:
 * screening then the full CV writes scored lines, a rerun resumes without training again, and
 * a table with a torn last line is repaired.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { candidateId, readTable, SEEDS } from "../../lib/search/mod.ts";

const SEARCH = new URL("../../pipeline/search.ts", import.meta.url).pathname;

async function search(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SEARCH, "--quick", ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

Deno.test("search --quick scores a candidate, screens then promotes it, and resumes", async () => {
  const out = await Deno.makeTempDir();
  const args = [
    "--out",
    out,
    "--budget",
    "1",
    "--folds",
    "3",
    "--screen-folds",
    "2",
    "--promote-margin",
    "100",
    "--workers",
    "1",
  ];
  const first = await search(...args);
  assert.equal(first.code, 0, first.stderr);
  const { rows } = await readTable(join(out, "results.jsonl"));
  assert.deepEqual(rows.map((r) => r.stage), ["screen", "full"]);
  const full = rows[1].result!;
  assert.deepEqual(full.folds, [0, 1, 2]);
  assert.ok(full.fbeta_int8 >= 0 && full.fbeta_int8 <= 1);
  assert.ok(Object.keys(full.recall_by_rhythm).length > 0);
  assert.ok(Object.keys(full.fbeta_by_subject).length === 6); // 2 subjects × 3 folds
  assert.equal(full.agree_with_ts, true);
  if (full.target === "m4") {
    assert.ok(full.instructions! > 10_000 && full.flash_bytes! > 4_000);
    assert.ok(full.score !== null && full.score > 0);
  }
  assert.match(first.stdout, new RegExp(`${rows[0].id}\\s+full 3/3`));
  await Deno.stat(join(out, "report.html"));
  await Deno.stat(join(out, "pareto.svg"));

  // --show prints the ArchSpec and hyper-parameters of a candidate in the table.
  const shown = await search("--out", out, "--show", rows[0].id);
  assert.equal(shown.code, 0, shown.stderr);
  const detail = JSON.parse(shown.stdout);
  assert.equal(detail.spec.name, `search-${rows[0].id}`);
  assert.equal(detail.hyper.epochs, rows[0].candidate.epochs);

  // The rerun starts no job and trains nothing: the fold caches stay as they were.
  const fold0 = join(out, "candidates", rows[0].id, "fold-0.json");
  const before = (await Deno.stat(fold0)).mtime;
  const second = await search(...args);
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stderr, /search: start/);
  assert.equal((await Deno.stat(fold0)).mtime?.getTime(), before?.getTime());
  assert.equal((await readTable(join(out, "results.jsonl"))).rows.length, 2);

  // --ids names candidates of another table (here the same one: nothing left to run).
  const again = await search(...args, "--ids", rows[0].id, "--from", out);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /search: start/);
  const unknown = await search(...args, "--ids", "0123456789", "--from", out);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no candidate 0123456789 among the seeds or in/);

  // A torn last line (an append interrupted by a crash) is cut off and reported.
  await Deno.writeTextFile(join(out, "results.jsonl"), '{"id":"tor', { append: true });
  const third = await search(...args);
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stderr, /cut a torn last line/);
  assert.equal((await readTable(join(out, "results.jsonl"))).tornTail, false);

  // Another seed in the same folder is refused rather than mixed in.
  const other = await search(...args, "--seed", "2");
  assert.equal(other.code, 1);
  assert.match(other.stderr, /use another --out/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("search rejects a bad option with a usage error", async () => {
  const { code, stderr } = await search("--folds", "1");
  assert.equal(code, 2);
  assert.match(stderr, /--folds must be an integer in \[2, 60\]/);
  const noIds = await search("--with", '{"keep":"average"}');
  assert.equal(noIds.code, 2);
  assert.match(noIds.stderr, /--with needs --ids/);
  const id = candidateId(SEEDS[0]);
  const unknown = await search("--ids", id, "--with", '{"kep":"average"}');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--with: unknown choice kep/);
  const notJson = await search("--ids", id, "--with", "{keep:average}");
  assert.equal(notJson.code, 2);
  assert.match(notJson.stderr, /--with is not JSON/);
});
