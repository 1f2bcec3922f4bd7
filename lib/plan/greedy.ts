/**
 * The greedy planner: places tensors at byte offsets in one arena so that two tensors share
 * bytes only when they are never needed at the same time.
 *
 * Algorithm:
 * 1. Lifetimes. Each tensor lives from the layer that writes it to the last layer that reads it
 *    (the model input from layer 0, the model output to the last layer; see liveIntervals()).
 * 2. Sharing. Tensors the kernels can write in place get no bytes of their own
 *    (findSharedStorage()): concat inputs from convolutions are views of the concat output, a
 *    flatten output is its input, a relu or max-pool output overwrites an input that dies there.
 *    What remains are regions: a root tensor whose bytes live for the hull of the lifetimes of
 *    everything stored in it.
 *    With `workspaceInArena`, each layer's state and scratch is one more region, live only
 *    while that layer runs.
 * 3. Placement. Regions are taken largest first (ties: earlier first write, then name, tensors
 *    before workspaces, so the plan is deterministic). Each goes at the lowest 4-byte-aligned
 *    offset where it does not overlap any already placed region whose lifetime overlaps its
 *    own. Large regions placed first pin the peak; the small ones then fill the gaps around
 *    them.
 * 4. Arena size = the end of the highest region, rounded up to 4 bytes.
 *
 * The result is not guaranteed minimal (that problem is NP-hard), but it is never worse than
 * laying every region end to end, and never below the peak of live bytes at any one layer.
 */
import type { ModelIR } from "../ir/ir.ts";
import { alignUp, liveIntervals } from "./lifetimes.ts";
import { findSharedStorage } from "./in_place.ts";
import {
  assemblePlan,
  compareNames,
  intervalsOverlap,
  type Region,
  storageRegions,
  workspaceRegions,
} from "./_regions.ts";
import { ARENA_ALIGN, type MemoryPlan, type PlanOptions } from "./types.ts";

/**
 * A memory plan for `ir` from the greedy planner (largest first, lowest fitting offset), with
 * concat inputs, flatten, relu and max-pool outputs stored in place where the kernels allow.
 *
 * @example Two tensors that are never live together share offset 0
 * ```ts
 * import assert from "node:assert/strict";
 * import { planMemory } from "./mod.ts";
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
 * const plan = planMemory(ir);
 * // x (100 bytes) dies after layer 0, so z reuses its first bytes; y sits above x.
 * assert.deepEqual(plan.tensors.x.offset, 0);
 * assert.deepEqual(plan.tensors.y.offset, 100);
 * assert.deepEqual(plan.tensors.z.offset, 0);
 * assert.deepEqual(plan.arenaBytes, 112);
 * ```
 */
export function planMemory(ir: ModelIR, options: PlanOptions = {}): MemoryPlan {
  const intervals = liveIntervals(ir);
  const shared = findSharedStorage(ir, intervals);
  const regions = [
    ...storageRegions(ir, intervals, shared),
    ...(options.workspaceInArena ? workspaceRegions(ir) : []),
  ];
  const byDescendingSize = regions.sort((a, b) =>
    b.bytes - a.bytes || a.interval.first - b.interval.first || compareNames(a.root, b.root) ||
    Number(a.workspaceOf !== undefined) - Number(b.workspaceOf !== undefined)
  );
  const placed: { region: Region; offset: number }[] = [];
  const offsets = new Map<Region, number>();
  for (const region of byDescendingSize) {
    const offset = lowestFreeOffset(region, placed);
    placed.push({ region, offset });
    offsets.set(region, offset);
  }
  return assemblePlan(ir, "greedy", intervals, shared, offsets);
}

/** The lowest aligned offset where `region` fits between the live placed regions. */
function lowestFreeOffset(region: Region, placed: { region: Region; offset: number }[]): number {
  const conflicts = placed
    .filter((other) => intervalsOverlap(other.region.interval, region.interval))
    .sort((a, b) => a.offset - b.offset);
  let candidate = 0;
  for (const { region: other, offset } of conflicts) {
    if (candidate + region.bytes <= offset) break;
    candidate = Math.max(candidate, alignUp(offset + other.bytes, ARENA_ALIGN));
  }
  return candidate;
}
