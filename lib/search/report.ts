/**
 * The search's report: a text table of the best candidates (for the terminal), a Pareto plot
 * (int8 Fβ against latency, point size = flash) as Vega-Lite SVG, and `<out>/report.html` with
 * the table and the clinical view (correct share per rhythm, Fβ per subject, on validation
 * folds) of the best candidate.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { barChart, type VegaLiteSpec, vegaLiteToSvg } from "../plot/mod.ts";
import { CYCLES_PER_INSTRUCTION } from "../metrics/mod.ts";
import { rankRows, type TableRow } from "./table.ts";
import { describeTraining } from "./space.ts";
import { rateZoneTable } from "../evaluate/mod.ts";

/** VA rhythms must be detected; the others must be left alone (issue #7's clinical targets). */
export const CLINICAL_TARGETS = { va: 0.99, other: 0.90 } as const;
const VA = new Set(["VT", "VFb", "VFt"]);

/**
 * The candidates that are Pareto-optimal in (higher Fβ, lower latency, lower flash), each by its
 * most complete row (rankRows: a full CV when it has one; screening Fβ on the first folds is not
 * comparable with a full CV's).
 */
export function paretoFront(rows: readonly TableRow[]): TableRow[] {
  const measured = rankRows(rows).filter((r) =>
    r.result?.latency_ms != null && r.result.flash_bytes != null
  );
  const dominates = (a: TableRow, b: TableRow) => {
    const x = a.result!, y = b.result!;
    const noWorse = x.fbeta_int8 >= y.fbeta_int8 && x.latency_ms! <= y.latency_ms! &&
      x.flash_bytes! <= y.flash_bytes!;
    const better = x.fbeta_int8 > y.fbeta_int8 || x.latency_ms! < y.latency_ms! ||
      x.flash_bytes! < y.flash_bytes!;
    return noWorse && better;
  };
  return measured.filter((r) => !measured.some((o) => o !== r && dominates(o, r)));
}

/** The worst per-rhythm shortfall against CLINICAL_TARGETS (≤ 0 = every rhythm meets it). */
export function clinicalShortfall(recallByRhythm: Record<string, number>): number {
  return Math.max(
    0,
    ...Object.entries(recallByRhythm).map(([rhythm, share]) =>
      (VA.has(rhythm) ? CLINICAL_TARGETS.va : CLINICAL_TARGETS.other) - share
    ),
  );
}

const fixed = (v: number | null | undefined, digits: number) =>
  v === null || v === undefined ? "—" : v.toFixed(digits);

/** Rows of the best-candidates table, best first (see rankRows), as string cells. */
export function tableCells(rows: readonly TableRow[], top: number): string[][] {
  return rankRows(rows).slice(0, top).map((row) => {
    const r = row.result;
    if (!r) {
      const blank = ["", "", "", "", "", "", ""];
      return [
        row.id,
        row.stage,
        row.arch,
        describeTraining(row.candidate),
        "failed",
        ...blank,
        row.error ?? "",
      ];
    }
    const rhythms = Object.entries(r.recall_by_rhythm)
      .map(([k, v]) => `${k} ${v.toFixed(3)}`).join(" ");
    return [
      row.id,
      `${row.stage} ${r.folds.length}/${r.k}`,
      row.arch,
      // The epochs actually allowed (--max-epochs, --quick) and the training-segment stride.
      describeTraining({ ...row.candidate, epochs: r.epochs }) +
      (r.train_stride > 1 ? ` stride${r.train_stride}` : ""),
      r.fbeta_int8.toFixed(4),
      `${r.fbeta_int8_mean.toFixed(3)} ± ${r.fbeta_int8_sd.toFixed(3)}`,
      r.fbeta_float.toFixed(4),
      r.instructions === null ? "—" : String(r.instructions),
      fixed(r.latency_ms, 3),
      r.flash_bytes === null ? "—" : String(r.flash_bytes),
      fixed(r.score, 2),
      rhythms,
    ];
  });
}

/** Column heads of {@linkcode tableCells}. */
export const TABLE_HEAD = [
  "id",
  "stage",
  "arch",
  "training",
  "Fβ int8",
  "folds mean ± sd",
  "Fβ float",
  "M4 instr",
  "ms (est)",
  "flash B",
  "score",
  "correct share per rhythm",
];

/** A plain-text table of the `top` best candidates. */
export function formatTable(rows: readonly TableRow[], top = 10): string {
  const cells = [TABLE_HEAD, ...tableCells(rows, top)];
  const widths = TABLE_HEAD.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? "").length)));
  return cells.map((r) => r.map((c, j) => (c ?? "").padEnd(widths[j])).join("  ").trimEnd())
    .join("\n");
}

/**
 * The Pareto plot: one point per candidate (its most complete row), int8 Fβ against estimated
 * latency, point size = flash, colour = stage, shape = on the Pareto front or not.
 */
export function paretoSpec(rows: readonly TableRow[]): VegaLiteSpec {
  const front = new Set(paretoFront(rows).map((r) => `${r.id}/${r.stage}`));
  const values = rankRows(rows).filter((r) => r.result?.latency_ms != null).map((r) => ({
    id: r.id,
    arch: r.arch,
    stage: r.stage,
    fbeta: r.result!.fbeta_int8,
    latency_ms: r.result!.latency_ms!,
    flash_kib: r.result!.flash_bytes! / 1024,
    pareto: front.has(`${r.id}/${r.stage}`) ? "Pareto front" : "dominated",
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    width: 520,
    height: 320,
    data: { values },
    mark: { type: "point", filled: true, opacity: 0.8 },
    encoding: {
      x: {
        field: "latency_ms",
        type: "quantitative",
        title: "latency, ms (estimate)",
        scale: { zero: false },
      },
      y: {
        field: "fbeta",
        type: "quantitative",
        title: "int8 Fβ (pooled out-of-fold)",
        scale: { zero: false },
      },
      size: {
        field: "flash_kib",
        type: "quantitative",
        title: "flash KiB",
        scale: { zero: false, range: [40, 320] },
      },
      color: { field: "stage", type: "nominal" },
      shape: { field: "pareto", type: "nominal", title: null },
      tooltip: [{ field: "id" }, { field: "arch" }],
    },
  } as VegaLiteSpec;
}

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function htmlTable(head: string[], rows: string[][]): string {
  const cell = (tag: string) => (v: string) => `<${tag}>${escape(v)}</${tag}>`;
  return `<table><tr>${head.map(cell("th")).join("")}</tr>\n${
    rows.map((r) => `<tr>${r.map(cell("td")).join("")}</tr>`).join("\n")
  }</table>`;
}

/** Writes `<out>/pareto.svg` and `<out>/report.html`; returns the page's path. */
export async function writeReport(
  out: string,
  rows: readonly TableRow[],
  top = 20,
): Promise<string> {
  const pareto = await vegaLiteToSvg(paretoSpec(rows));
  await writeFileAtomic(join(out, "pareto.svg"), pareto);
  const best = rankRows(rows).find((r) => r.result);
  const parts = [
    "<h1>Architecture search</h1>",
    `<p>int8 Fβ from subject-wise cross-validation (one threshold on the pooled out-of-fold int8 outputs); latency = exact Cortex-M4 instructions × ${CYCLES_PER_INSTRUCTION} cycles at 80 MHz; flash = Code + RO + RW of the M4 image. "screen" rows used the first folds only. No test subjects anywhere.</p>`,
    `<h2>Best candidates (${rows.length} rows)</h2>`,
    htmlTable(TABLE_HEAD, tableCells(rows, top)),
    "<h2>Pareto plot: Fβ against latency, point size = flash</h2>",
    pareto,
  ];
  if (best?.result) {
    const r = best.result;
    const zones = r.correct_by_rate_zone ? rateZoneTable(r.correct_by_rate_zone) : null;
    const rhythmSvg = await vegaLiteToSvg(barChart(
      Object.entries(r.recall_by_rhythm).map(([rhythm, share]) => ({ rhythm, share })),
      { x: "rhythm", y: "share" },
    ));
    const subjects = Object.entries(r.fbeta_by_subject).filter(([, f]) => f !== null)
      .map(([subject, fbeta]) => ({ subject, fbeta: fbeta as number }));
    const subjectSvg = await vegaLiteToSvg(
      barChart(subjects, { x: "subject", y: "fbeta", labelAngle: -90 }),
    );
    parts.push(
      `<h2>Clinical view of the best candidate ${escape(best.id)} (${
        escape(best.arch)
      }), validation folds</h2>`,
      `<p>Targets: every VA rhythm ≥ ${CLINICAL_TARGETS.va} detected, every other rhythm ≥ ${CLINICAL_TARGETS.other} left alone. Worst shortfall: ${
        clinicalShortfall(r.recall_by_rhythm).toFixed(3)
      }.</p>`,
      htmlTable(
        ["rhythm", "correct share"],
        Object.entries(r.recall_by_rhythm).map(([k, v]) => [k, v.toFixed(4)]),
      ),
      rhythmSvg,
      ...(zones
        ? [
          "<h3>Correct share per rhythm and estimated rate zone (bpm)</h3>",
          htmlTable(zones.head, zones.rows),
        ]
        : []),
      "<h3>Fβ per subject (subjects without VA have none)</h3>",
      subjectSvg,
      "<h3>Candidate</h3>",
      `<pre>${escape(JSON.stringify(best.candidate, null, 2))}</pre>`,
    );
  }
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Architecture search</title>
<style>body{font-family:sans-serif;max-width:80em;margin:2em auto}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}pre{font-size:12px}</style>
</head><body>
${parts.join("\n")}
</body></html>
`;
  const path = join(out, "report.html");
  await writeFileAtomic(path, page);
  return path;
}
