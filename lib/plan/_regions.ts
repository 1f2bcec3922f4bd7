/**
 * Shared by the planners: grouping tensors into storage regions (a root tensor plus the views
 * and aliases stored in its bytes) and turning region offsets into a MemoryPlan.
 */
import type { ModelIR } from "../ir/ir.ts";
import { alignUp, elementBytes, type LiveInterval, tensorBytes } from "./lifetimes.ts";
import { type SharedStorage, storageRoot } from "./in_place.ts";
import { ARENA_ALIGN, type MemoryPlan, type TensorPlacement } from "./types.ts";
import { layerWorkspace } from "./workspace.ts";

/** Bytes that must stay intact over a span of layers: one root tensor and all it stores. */
export interface Region {
  /** The root tensor's name. */
  root: string;
  bytes: number;
  /** Hull of the live intervals of every tensor stored in the region. */
  interval: LiveInterval;
}

/** The storage regions of `ir` under `shared`, in order of first write, then root name. */
export function storageRegions(
  ir: ModelIR,
  intervals: Record<string, LiveInterval>,
  shared: SharedStorage,
): Region[] {
  const regions = new Map<string, Region>();
  for (const name of Object.keys(ir.tensors).sort(compareNames)) {
    const root = storageRoot(name, shared);
    const { first, last } = intervals[name];
    const region = regions.get(root);
    if (region) {
      region.interval.first = Math.min(region.interval.first, first);
      region.interval.last = Math.max(region.interval.last, last);
    } else {
      regions.set(root, { root, bytes: tensorBytes(ir, root), interval: { first, last } });
    }
  }
  return [...regions.values()].sort((a, b) =>
    a.interval.first - b.interval.first || compareNames(a.root, b.root)
  );
}

/** True if the two intervals share a layer. */
export function intervalsOverlap(a: LiveInterval, b: LiveInterval): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Code-point order, so plans do not depend on the locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The MemoryPlan that stores each region's root at `regionOffsets[root]`: views at their parent's
 * offset plus their channel offset, aliases at their source's offset.
 */
export function assemblePlan(
  ir: ModelIR,
  planner: MemoryPlan["planner"],
  intervals: Record<string, LiveInterval>,
  shared: SharedStorage,
  regions: Region[],
  regionOffsets: Map<string, number>,
): MemoryPlan {
  const tensors: Record<string, TensorPlacement> = {};
  const offsetOf = (name: string): number => {
    const view = shared.views[name];
    if (view) return offsetOf(view.of) + view.channelOffset * elementBytes(name, ir.tensors[name]);
    const source = shared.aliases[name];
    return source === undefined ? regionOffsets.get(name)! : offsetOf(source);
  };
  for (const name of Object.keys(ir.tensors).sort(compareNames)) {
    tensors[name] = {
      offset: offsetOf(name),
      bytes: tensorBytes(ir, name),
      firstLayer: intervals[name].first,
      lastLayer: intervals[name].last,
    };
  }
  const regionEnd = Math.max(...regions.map((r) => regionOffsets.get(r.root)! + r.bytes));
  const arenaBytes = alignUp(regionEnd, ARENA_ALIGN);
  const workspaces = ir.layers.map((layer) => layerWorkspace(layer, ir));
  const stateBytes = Math.max(0, ...workspaces.map((w) => w.stateBytes));
  const scratchBytes = Math.max(0, ...workspaces.map((w) => w.scratchBytes));
  return {
    planner,
    arenaBytes,
    stateBytes,
    scratchBytes,
    totalBytes: arenaBytes + stateBytes + scratchBytes,
    tensors,
    views: { ...shared.views },
    aliases: { ...shared.aliases },
  };
}
