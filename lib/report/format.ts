/** The per-layer report as an aligned text table. */
import type { MemoryPlan } from "../plan/mod.ts";
import type { LayerRow } from "./layer_report.ts";

interface Column {
  title: string;
  /** Numbers are right-aligned. */
  numeric: boolean;
  cell: (row: LayerRow) => string;
  /** The totals row's cell; blank if absent. */
  total?: (rows: LayerRow[]) => string;
}

const sum = (rows: LayerRow[], field: (row: LayerRow) => number) =>
  rows.reduce((total, row) => total + field(row), 0);
const max = (rows: LayerRow[], field: (row: LayerRow) => number) => Math.max(0, ...rows.map(field));

const COLUMNS: Column[] = [
  { title: "#", numeric: true, cell: (r) => String(r.index) },
  { title: "layer", numeric: false, cell: (r) => r.name, total: () => "total" },
  { title: "op", numeric: false, cell: (r) => r.op },
  { title: "activation", numeric: false, cell: (r) => r.activation },
  { title: "output", numeric: false, cell: (r) => r.outputShape.join("×") },
  {
    title: "MACs",
    numeric: true,
    cell: (r) => grouped(r.macs),
    total: (rows) => grouped(sum(rows, (r) => r.macs)),
  },
  {
    title: "params",
    numeric: true,
    cell: (r) => grouped(r.params),
    total: (rows) => grouped(sum(rows, (r) => r.params)),
  },
  { title: "in B", numeric: true, cell: (r) => grouped(r.inputBytes) },
  { title: "out B", numeric: true, cell: (r) => grouped(r.outputBytes) },
  {
    title: "state B",
    numeric: true,
    cell: (r) => grouped(r.stateBytes),
    total: (rows) => `max ${grouped(max(rows, (r) => r.stateBytes))}`,
  },
  {
    title: "scratch B",
    numeric: true,
    cell: (r) => grouped(r.scratchBytes),
    total: (rows) => `max ${grouped(max(rows, (r) => r.scratchBytes))}`,
  },
  { title: "offset", numeric: true, cell: (r) => String(r.offset) },
  { title: "life", numeric: false, cell: (r) => `${r.firstLayer}–${r.lastLayer}` },
  { title: "shares", numeric: false, cell: (r) => r.shares },
  {
    title: "SQNR dB",
    numeric: true,
    cell: (r) => r.sqnrDb === null ? "-" : Number.isFinite(r.sqnrDb) ? r.sqnrDb.toFixed(1) : "inf",
  },
];

/**
 * `rows` as an aligned text table: a header, a rule, one line per layer, a rule and a totals
 * line (MACs and parameters summed; state and scratch as their maximum, since one buffer of
 * each serves every layer). With `plan`, a last line gives the RAM: arena + state + scratch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLayerReport, layerReport } from "./mod.ts";
 * import { planMemory } from "../plan/mod.ts";
 * import type { ModelIR } from "../ir/ir.ts";
 *
 * const ir: ModelIR = {
 *   magic: "IEGM-IR", version: 1, arch: "example", form: "int8",
 *   input: "x", inputClip: null, output: "y", threshold: 0.5,
 *   tensors: { x: { shape: [936], dtype: "int8" }, y: { shape: [1], dtype: "int8" } },
 *   layers: [{
 *     name: "y", op: "dense", inputs: ["x"], output: "y", attrs: { activation: "sigmoid" },
 *     weights: {},
 *   }],
 * };
 * const plan = planMemory(ir);
 * const text = formatLayerReport(layerReport(ir, plan), plan);
 * assert.equal(
 *   text.split("\n").at(-1),
 *   "RAM (greedy plan): arena 940 + state 0 + scratch 0 = 940 bytes",
 * );
 * ```
 */
export function formatLayerReport(rows: LayerRow[], plan?: MemoryPlan): string {
  const header = COLUMNS.map((column) => column.title);
  const body = rows.map((row) => COLUMNS.map((column) => column.cell(row)));
  const totals = COLUMNS.map((column) => column.total?.(rows) ?? "");
  const table = [header, ...body, totals];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((line) => line[i].length)));
  const render = (line: string[]) =>
    line.map((cell, i) => COLUMNS[i].numeric ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))
      .join("  ").trimEnd();
  const rule = "-".repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const lines = [render(header), rule, ...body.map(render), rule, render(totals)];
  if (plan) {
    lines.push(
      `RAM (${plan.planner} plan): arena ${plan.arenaBytes} + state ${plan.stateBytes} + ` +
        `scratch ${plan.scratchBytes} = ${plan.totalBytes} bytes`,
    );
  }
  return lines.join("\n");
}

/** `value` with thousands separated by commas, whatever the locale. */
function grouped(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
