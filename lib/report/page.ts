/**
 * The pipeline's report page: one self-contained HTML file (inline SVG plots, no scripts) built
 * from the stages' JSON outputs. Same inputs → same bytes, so reports diff cleanly.
 */
import { barChart, lineChart, vegaLiteToSvg } from "../plot/mod.ts";
import type { EpochRecord } from "../train/history.ts";
import { placeAmongTop } from "../firmware/leaderboard.ts";
import { CYCLES_PER_INSTRUCTION } from "../metrics/mod.ts";
import { type ClinicalEvaluation, rateZoneTable } from "../evaluate/mod.ts";

/** Everything the page shows; each part comes from one stage's output. */
export interface ReportInputs {
  title: string;
  /** Key figures, shown first as a table (name → value). */
  summary: Record<string, string | number | boolean | null>;
  history: EpochRecord[];
  confusion: { tp: number; fn: number; fp: number; tn: number };
  recallByRhythm: Record<string, number>;
  fbetaBySubject: Record<string, number | null>;
  /** lib/evaluate's rate-zone view of the validation subjects. */
  correctByRateZone: ClinicalEvaluation["correctByRateZone"];
  sqnrDb: Record<string, number | null>;
  /** The per-layer table and memory timeline, as text. */
  layers: string;
  /** For the score table: present only when the Cortex-M4 was measured. */
  mcu?: { fbeta: number; latencyMs: number; flashBytes: number };
}

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function table(head: string[], rows: (string | number)[][]): string {
  const cell = (tag: string) => (v: string | number) => `<${tag}>${escape(String(v))}</${tag}>`;
  return `<table><tr>${head.map(cell("th")).join("")}</tr>\n${
    rows.map((r) => `<tr>${r.map(cell("td")).join("")}</tr>`).join("\n")
  }</table>`;
}

function format(v: string | number | boolean | null): string {
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en") : v.toFixed(4);
  return String(v);
}

/** The report page as HTML text. */
export async function reportPage(r: ReportInputs): Promise<string> {
  const curves = r.history.flatMap((e) => [
    { epoch: e.epoch, value: e.loss, series: "training loss" },
    { epoch: e.epoch, value: e.validation.loss, series: "validation loss" },
    {
      epoch: e.epoch,
      value: e.validation.bestThresholdFbeta,
      series: "validation Fβ (best threshold)",
    },
  ]);
  const plots = [
    ["Learning curves", lineChart(curves, { x: "epoch", y: "value", series: "series" })],
    [
      "Correct share per rhythm (validation subjects, int8)",
      barChart(Object.entries(r.recallByRhythm).map(([rhythm, share]) => ({ rhythm, share })), {
        x: "rhythm",
        y: "share",
      }),
    ],
    [
      "Fβ per validation subject (int8; subjects without VA have none)",
      barChart(
        Object.entries(r.fbetaBySubject).filter(([, f]) => f !== null).map(([subject, fbeta]) => ({
          subject,
          fbeta,
        })),
        { x: "subject", y: "fbeta" },
      ),
    ],
    [
      "SQNR of int8 against float per layer (dB)",
      barChart(
        Object.entries(r.sqnrDb).filter(([, v]) => v !== null).map(([layer, db]) => ({
          layer,
          db,
        })),
        { x: "layer", y: "db", labelAngle: -45 },
      ),
    ],
  ] as const;
  const svgs = await Promise.all(plots.map(([, spec]) => vegaLiteToSvg(spec)));
  const c = r.confusion;
  const zones = rateZoneTable(r.correctByRateZone);
  const parts = [
    `<h1>${escape(r.title)}</h1>`,
    "<h2>Summary</h2>",
    table(["figure", "value"], Object.entries(r.summary).map(([k, v]) => [k, format(v)])),
    "<h2>Confusion matrix (validation subjects, int8)</h2>",
    table(["", "predicted VA", "predicted non-VA"], [
      ["VA", c.tp, c.fn],
      ["non-VA", c.fp, c.tn],
    ]),
    ...plots.flatMap(([heading], i) => [`<h2>${escape(heading)}</h2>`, svgs[i]]),
    "<h2>Correct share per rhythm and estimated rate zone (bpm; validation subjects, int8)</h2>",
    "<p>A model that reads rate alone flags every fast non-VA rhythm: this shows at which rates it does.</p>",
    table(zones.head, zones.rows),
    "<h2>Layers and memory plan</h2>",
    `<pre>${escape(r.layers)}</pre>`,
  ];
  if (r.mcu) {
    const rows = placeAmongTop(
      "this model (estimate)",
      r.mcu.fbeta,
      r.mcu.latencyMs,
      r.mcu.flashBytes,
    );
    parts.push(
      "<h2>Against the contest's top 10</h2>",
      `<p>Our latency is an estimate: Cortex-M4 instructions counted under QEMU × ${CYCLES_PER_INSTRUCTION} cycles per instruction at 80 MHz; our Fβ is on validation subjects, theirs on the contest's test set.</p>`,
      table(
        ["rank", "team", "score", "Fβ", "latency ms", "flash KiB"],
        rows.map((e) => [
          e.ours ? "—" : e.rank,
          e.team,
          e.score.toFixed(2),
          e.fbeta.toFixed(3),
          e.latencyMs.toFixed(3),
          e.flashKiB.toFixed(2),
        ]),
      ),
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(r.title)}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}pre{font-size:12px;overflow-x:auto}</style>
</head><body>
${parts.join("\n")}
</body></html>
`;
}
