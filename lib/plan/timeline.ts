/** The plan as an ASCII timeline: one row per tensor, one column per layer. */
import type { ModelIR } from "../ir/ir.ts";
import { type SharedStorage, storageRoot } from "./in_place.ts";
import { compareNames } from "./_regions.ts";
import type { MemoryPlan } from "./types.ts";

/**
 * A text picture of `plan`: a summary line, the layer legend, then one row per tensor (the
 * model input first, then in order of first write and offset) with its offset, size, how it
 * shares bytes, and one cell per layer: `W` the layer writes it, `R` the layer reads it, `-` live
 * and untouched, `.` free.
 * The last line gives the bytes held live at each layer; its maximum is the lower bound no
 * planner can beat without recomputing tensors.
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
  const layerCount = ir.layers.length;
  const cellWidth = String(layerCount - 1).length;
  const names = Object.keys(plan.tensors).sort((a, b) =>
    Number(b === ir.input) - Number(a === ir.input) ||
    plan.tensors[a].firstLayer - plan.tensors[b].firstLayer ||
    plan.tensors[a].offset - plan.tensors[b].offset || compareNames(a, b)
  );
  const rows = names.map((name) => {
    const placement = plan.tensors[name];
    const cells = ir.layers.map((layer, index) => {
      if (layer.output === name) return "W";
      if (layer.inputs.includes(name)) return "R";
      return index >= placement.firstLayer && index <= placement.lastLayer ? "-" : ".";
    });
    return [
      name,
      String(placement.offset),
      String(placement.bytes),
      sharing(name, plan),
      cells.map((cell) => cell.padStart(cellWidth)).join(" "),
    ];
  });
  const header = [
    "tensor",
    "offset",
    "bytes",
    "shares",
    ir.layers.map((_, index) => String(index).padStart(cellWidth)).join(" "),
  ];
  const table = alignColumns([header, ...rows], [false, true, true, false, false]);
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

/** How `name` shares bytes: "in concat@channel" for a view, "=source" for an alias. */
function sharing(name: string, plan: MemoryPlan): string {
  const view = plan.views[name];
  if (view) return `in ${view.of}@${view.channelOffset}`;
  const source = plan.aliases[name];
  return source === undefined ? "" : `=${source}`;
}

/** Bytes of distinct storage held live at each layer. */
function liveBytesByLayer(ir: ModelIR, plan: MemoryPlan): number[] {
  const shared: SharedStorage = { views: plan.views, aliases: plan.aliases };
  return ir.layers.map((_, index) => {
    const roots = new Set<string>();
    for (const [name, placement] of Object.entries(plan.tensors)) {
      if (placement.firstLayer <= index && index <= placement.lastLayer) {
        roots.add(storageRoot(name, shared));
      }
    }
    return [...roots].reduce((sum, root) => sum + plan.tensors[root].bytes, 0);
  });
}

/** Rows of cells padded to common column widths; `right[i]` right-aligns column i. */
export function alignColumns(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row.map((cell, column) =>
      right[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])
    ).join("  ").trimEnd()
  );
}
