/**
 * The baseline planner: every tensor gets bytes of its own, end to end in order of first write,
 * and nothing is shared or written in place (concat and flatten copy). It is obviously correct
 * and shows what the greedy planner saves.
 */
import type { ModelIR } from "../ir/ir.ts";
import { alignUp, liveIntervals } from "./lifetimes.ts";
import { assemblePlan, type Region, storageRegions } from "./_regions.ts";
import { ARENA_ALIGN, type MemoryPlan } from "./types.ts";

/**
 * A plan for `ir` with no reuse: each tensor at the next 4-byte-aligned offset after the one
 * written before it (ties by name).
 *
 * @example Tensors end to end
 * ```ts
 * import assert from "node:assert/strict";
 * import { trivialPlan } from "./mod.ts";
 * import type { ModelIR } from "../ir/ir.ts";
 *
 * const ir: ModelIR = {
 *   magic: "IEGM-IR", version: 1, arch: "example", form: "int8",
 *   input: "x", inputClip: null, output: "y", threshold: 0.5,
 *   tensors: { x: { shape: [10], dtype: "int8" }, y: { shape: [1], dtype: "int8" } },
 *   layers: [{ name: "y", op: "dense", inputs: ["x"], output: "y", attrs: {}, weights: {} }],
 * };
 * const plan = trivialPlan(ir);
 * assert.deepEqual([plan.tensors.x.offset, plan.tensors.y.offset, plan.arenaBytes], [0, 12, 16]);
 * ```
 */
export function trivialPlan(ir: ModelIR): MemoryPlan {
  const intervals = liveIntervals(ir);
  const unshared = { views: {}, aliases: {} };
  const regions = storageRegions(ir, intervals, unshared);
  const offsets = new Map<Region, number>();
  let next = 0;
  for (const region of regions) {
    offsets.set(region, next);
    next = alignUp(next + region.bytes, ARENA_ALIGN);
  }
  return assemblePlan(ir, "trivial", intervals, unshared, offsets);
}
