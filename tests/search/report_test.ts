import assert from "node:assert/strict";
import { join } from "node:path";
import {
  clinicalShortfall,
  COMPACT,
  formatTable,
  paretoFront,
  type TableRow,
  writeReport,
} from "../../lib/search/mod.ts";

function row(id: string, fbeta: number, latency: number, flash: number): TableRow {
  return {
    id,
    stage: "full",
    candidate: structuredClone(COMPACT),
    arch: "c3k85s32 → d20,10",
    result: {
      id,
      folds: [0, 1],
      k: 2,
      fbeta_int8: fbeta,
      fbeta_int8_mean: fbeta,
      fbeta_int8_sd: 0.01,
      fbeta_float: fbeta,
      instructions: Math.round(latency * 80e3 / 1.22),
      latency_ms: latency,
      flash_bytes: flash,
      score: 100 * fbeta + 40 - latency / 10 - flash / 10_000,
      recall_by_rhythm: { SR: 0.95, VT: 0.995 },
      fbeta_by_subject: { S01: 0.9, S02: null },
    } as unknown as TableRow["result"],
    finished_at: "2026-11-24T00:00:00.000Z",
  };
}

Deno.test("paretoFront() keeps exactly the undominated rows", () => {
  const rows = [
    row("best-fbeta", 0.97, 1.0, 9000),
    row("fastest", 0.93, 0.5, 9000),
    row("dominated", 0.92, 0.8, 9500),
    row("smallest", 0.90, 1.2, 7000),
  ];
  assert.deepEqual(paretoFront(rows).map((r) => r.id), ["best-fbeta", "fastest", "smallest"]);
  // A candidate counts by its full CV, not by its (optimistic) screening row.
  const screened = { ...row("dominated", 0.99, 0.8, 9500), stage: "screen" as const };
  assert.deepEqual(paretoFront([...rows, screened]).map((r) => r.id).sort(), [
    "best-fbeta",
    "fastest",
    "smallest",
  ]);
});

Deno.test("clinicalShortfall() measures the worst miss of the per-rhythm targets", () => {
  assert.equal(clinicalShortfall({ SR: 0.95, VT: 0.995, VFb: 1 }), 0);
  assert.ok(Math.abs(clinicalShortfall({ SR: 0.95, SVT: 0.6, VT: 0.98 }) - 0.3) < 1e-12);
  assert.ok(Math.abs(clinicalShortfall({ VT: 0.97 }) - 0.02) < 1e-12);
});

Deno.test("formatTable() and writeReport() show the best candidate first", async () => {
  const rows = [row("worse", 0.90, 0.6, 9000), row("better", 0.96, 0.6, 9000)];
  const text = formatTable(rows);
  assert.ok(text.indexOf("better") < text.indexOf("worse"));
  const dir = await Deno.makeTempDir();
  const page = await Deno.readTextFile(await writeReport(dir, rows));
  assert.match(page, /Clinical view of the best candidate better/);
  assert.match(page, /<svg/);
  assert.match(await Deno.readTextFile(join(dir, "pareto.svg")), /^<svg/);
  await Deno.remove(dir, { recursive: true });
});
