/**
 * The memory planner: where each activation tensor of a model lives in one static arena, and
 * how much RAM the model needs in all.
 *
 * - {@linkcode planMemory} places tensors by lifetime (greedy, largest first), with concat
 *   inputs written in place into the concat output (views), flatten as a no-op alias, and
 *   relu and max-pool layers overwriting an input that dies there.
 * - {@linkcode trivialPlan} is the baseline: every tensor its own bytes, nothing shared.
 * - {@linkcode checkPlan} re-derives lifetimes from the graph and throws, naming both tensors,
 *   if two live tensors overlap; the tests run it on every plan.
 * - {@linkcode applyPlan} writes `offset` and `view` into a copy of the IR for the code
 *   generator; {@linkcode formatTimeline} draws the plan.
 *
 * Contract with the code generator and the runtime:
 * - RAM = one arena of `arenaBytes` (every activation tensor, the model input and output
 *   included) + one state buffer of `stateBytes` (GRU hidden state) + one scratch buffer of
 *   `scratchBytes`; by default state and scratch are separate static buffers, not in the arena.
 *   With `planMemory(ir, { workspaceInArena: true })` they are in the arena instead, at
 *   `plan.workspace[layerName].stateOffset` / `.scratchOffset`, valid only while that layer
 *   runs (the kernel zeroes the state first); `stateBytes` and `scratchBytes` are then 0.
 * - The caller writes the quantized input into the arena at the input tensor's offset before
 *   the first layer, and reads the output from the arena after the last.
 * - Root tensors sit at 4-byte-aligned offsets (word loads for SMLAD; LDRD/LDM fault unaligned).
 * - A tensor with `view` is written by its conv1d at `offset` with a row stride of the concat
 *   output's channel count; the concat layer then does nothing. Flatten outputs have their
 *   input's offset (nothing to do); a relu or maxpool1d whose output offset equals its
 *   input's runs in place.
 * - Kernel state and scratch sizes come from one table, workspace.ts (docs/int8-spec.md,
 *   "State and scratch").
 *
 * @example Three branches concatenated, then a dense head
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyPlan, checkPlan, planMemory, trivialPlan } from "./mod.ts";
 * import type { LayerIR, ModelIR } from "../ir/ir.ts";
 *
 * const conv = (name: string): LayerIR => ({
 *   name, op: "conv1d", inputs: ["x"], output: name,
 *   attrs: { kernel: 3, stride: 1, padding: "same", activation: "relu", pool: 1 }, weights: {},
 * });
 * const ir: ModelIR = {
 *   magic: "IEGM-IR", version: 1, arch: "example", form: "int8",
 *   input: "x", inputClip: null, output: "y", threshold: 0.5,
 *   tensors: {
 *     x: { shape: [50, 1], dtype: "int8" },
 *     a: { shape: [50, 2], dtype: "int8" },
 *     b: { shape: [50, 2], dtype: "int8" },
 *     cat: { shape: [50, 4], dtype: "int8" },
 *     flat: { shape: [200], dtype: "int8" },
 *     y: { shape: [1], dtype: "int8" },
 *   },
 *   layers: [
 *     conv("a"),
 *     conv("b"),
 *     { name: "cat", op: "concat", inputs: ["a", "b"], output: "cat", attrs: {}, weights: {} },
 *     { name: "flat", op: "flatten", inputs: ["cat"], output: "flat", attrs: {}, weights: {} },
 *     { name: "y", op: "dense", inputs: ["flat"], output: "y", attrs: {}, weights: {} },
 *   ],
 * };
 * const plan = planMemory(ir);
 * checkPlan(ir, plan); // throws if two live tensors overlap
 * // a and b are written straight into cat (channels 0-1 and 2-3); flat is cat's bytes.
 * assert.deepEqual(plan.views.b, { of: "cat", channelOffset: 2 });
 * assert.deepEqual(plan.tensors.b.offset, plan.tensors.cat.offset + 2);
 * assert.deepEqual(plan.aliases.flat, "cat");
 * // Live at once: x (50) and cat (200) while the convolutions run.
 * assert.deepEqual(plan.arenaBytes, 252);
 * // Without sharing: x 52 + a 100 + b 100 + cat 200 + flat 200 + y 4.
 * assert.deepEqual(trivialPlan(ir).arenaBytes, 656);
 * assert.deepEqual(applyPlan(ir, plan).tensors.a.view, { of: "cat", channelOffset: 0 });
 * ```
 *
 * @module
 */
export type {
  MemoryPlan,
  PlanOptions,
  TensorPlacement,
  ViewPlacement,
  WorkspacePlacement,
} from "./types.ts";
export { ARENA_ALIGN } from "./types.ts";
export { planMemory } from "./greedy.ts";
export { trivialPlan } from "./trivial.ts";
export { checkPlan } from "./check.ts";
export { applyPlan } from "./apply.ts";
export { describeSharing, formatTimeline } from "./timeline.ts";
export { type LayerWorkspace, layerWorkspace } from "./workspace.ts";
export { DTYPE_BYTES, type LiveInterval, liveIntervals, tensorBytes } from "./lifetimes.ts";
