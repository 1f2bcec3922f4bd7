/** The plan as an ASCII timeline: one row per tensor, one column per layer. */
import type { ModelIR } from "../ir/ir.ts";
import { type SharedStorage, storageRoot } from "./in_place.ts";
import { compareNames } from "./_regions.ts";
import type { MemoryPlan } from "./types.ts";

/**
 * A text picture of `plan`: a summary line, the layer legend, then one row per tensor (the
 * model input first, then in order of first write and offset) with its offset, size, how it
 * shares bytes, and one cell per layer: `W` the layer writes it, `R` the layer reads it, `-` live
 * and untouched, `.` free. A layer's state and scratch in the arena (`workspaceInArena`) get
 * rows "layer:state" and "layer:scratch", marked `#` while that layer runs.
 * The last line gives the bytes held live at each layer; its maximum is a lower bound on the
 * arena of any placement that shares bytes as this plan does.
 *
 * @example A two-layer model
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTimeline, planMemory } from "./mod.ts";
 * import type { ModelIR } from "../ir/ir.ts";
 *
 * const ir: ModelIR = {
 *   magic: "IEGM-IR", version: 1, arch: "example", form: "int8",
 *   input: "x", inputClip: null, output: "z", threshold: 0.5,
 *   tensors: {
 *     x: { shape: [100], dtype: "int8" },
 *     y: { shape: [10], dtype: "int8" },
 *     z: { shape: [1], dtype: "int8" },
 *   },
 *   layers: [
 *     { name: "y", op: "dense", inputs: ["x"], output: "y", attrs: {}, weights: {} },
 *     { name: "z", op: "dense", inputs: ["y"], output: "z", attrs: {}, weights: {} },
 *   ],
 * };
 * assert.deepEqual(formatTimeline(ir, planMemory(ir)).split("\n").slice(3, 7), [
 *   "tensor  offset  bytes  shares  0 1",
 *   "x            0    100          R .",
 *   "y          100     10          W R",
 *   "z            0      1          . W",
 * ]);
 * ```
 */
export function formatTimeline(ir: ModelIR, plan: MemoryPlan): string {
  const cellWidth = String(ir.layers.length - 1).length;
  const rows = [...tensorRows(ir, plan), ...workspaceRows(ir, plan)].sort((a, b) =>
    Number(b.name === ir.input) - Number(a.name === ir.input) || a.first - b.first ||
    a.offset - b.offset || compareNames(a.name, b.name)
  );
  const header = [
    "tensor",
    "offset",
    "bytes",
    "shares",
    ir.layers.map((_, index) => String(index).padStart(cellWidth)).join(" "),
  ];
  const table = alignColumns([
    header,
    ...rows.map((row) => [
      row.name,
      String(row.offset),
      String(row.bytes),
      row.shares,
      row.cells.map((cell) => cell.padStart(cellWidth)).join(" "),
    ]),
  ], [false, true, true, false, false]);
  const legend = ir.layers.map((layer, index) => `${index} ${layer.name}`).join(", ");
  const live = liveBytesByLayer(ir, plan);
  return [
    `Memory plan (${plan.planner}): arena ${plan.arenaBytes} B + state ${plan.stateBytes} B + ` +
    `scratch ${plan.scratchBytes} B = ${plan.totalBytes} B`,
    `Layers: ${legend}`,
    "",
    ...table,
    "",
    `Live bytes by layer: ${live.join(" ")} (peak ${Math.max(...live)})`,
  ].join("\n");
}

interface TimelineRow {
  name: string;
  offset: number;
  bytes: number;
  shares: string;
  first: number;
  cells: string[];
}

function tensorRows(ir: ModelIR, plan: MemoryPlan): TimelineRow[] {
  return Object.entries(plan.tensors).map(([name, placement]) => ({
    name,
    offset: placement.offset,
    bytes: placement.bytes,
    shares: describeSharing(name, plan),
    first: placement.firstLayer,
    cells: ir.layers.map((layer, index) => {
      if (layer.output === name) return "W";
      if (layer.inputs.includes(name)) return "R";
      return index >= placement.firstLayer && index <= placement.lastLayer ? "-" : ".";
    }),
  }));
}

/** Rows "layer:state" and "layer:scratch" for workspaces in the arena, `#` while in use. */
function workspaceRows(ir: ModelIR, plan: MemoryPlan): TimelineRow[] {
  return ir.layers.flatMap((layer, index) => {
    const workspace = plan.workspace[layer.name];
    if (!workspace) return [];
    const cells = ir.layers.map((_, column) => column === index ? "#" : ".");
    const parts: [string, number, number][] = [
      ["state", workspace.stateOffset, workspace.stateBytes],
      ["scratch", workspace.scratchOffset, workspace.scratchBytes],
    ];
    return parts.filter(([, , bytes]) => bytes > 0).map(([part, offset, bytes]) => ({
      name: `${layer.name}:${part}`,
      offset,
      bytes,
      shares: "workspace",
      first: index,
      cells,
    }));
  });
}

/**
 * How tensor `name` shares bytes in `plan`: "in concat@8" for a view at channel 8 of "concat",
 * "=gru" for an alias of "gru", "" for a tensor with bytes of its own.
 */
export function describeSharing(name: string, plan: MemoryPlan): string {
  const view = plan.views[name];
  if (view) return `in ${view.of}@${view.channelOffset}`;
  const source = plan.aliases[name];
  return source === undefined ? "" : `=${source}`;
}

/** Bytes of distinct storage (and workspace) held live in the arena at each layer. */
function liveBytesByLayer(ir: ModelIR, plan: MemoryPlan): number[] {
  const shared: SharedStorage = { views: plan.views, aliases: plan.aliases };
  return ir.layers.map((_, index) => {
    const roots = new Set<string>();
    for (const [name, placement] of Object.entries(plan.tensors)) {
      if (placement.firstLayer <= index && index <= placement.lastLayer) {
        roots.add(storageRoot(name, shared));
      }
    }
    const workspace = plan.workspace[ir.layers[index].name];
    const workspaceBytes = workspace ? workspace.stateBytes + workspace.scratchBytes : 0;
    return [...roots].reduce((sum, root) => sum + plan.tensors[root].bytes, workspaceBytes);
  });
}

/** Rows of cells padded to common column widths; `right[i]` right-aligns column i. */
function alignColumns(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row.map((cell, column) =>
      right[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])
    ).join("  ").trimEnd()
  );
}
