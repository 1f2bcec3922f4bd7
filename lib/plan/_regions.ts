/**
 * Shared by the planners: grouping tensors into storage regions (a root tensor plus the views
 * and aliases stored in its bytes, or one layer's state and scratch) and turning region offsets
 * into a MemoryPlan.
 */
import type { ModelIR } from "../ir/ir.ts";
import { alignUp, elementBytes, type LiveInterval, tensorBytes } from "./lifetimes.ts";
import { type SharedStorage, storageRoot } from "./in_place.ts";
import {
  ARENA_ALIGN,
  type MemoryPlan,
  type TensorPlacement,
  type WorkspacePlacement,
} from "./types.ts";
import { layerWorkspace } from "./workspace.ts";

/** Bytes that must stay intact over a span of layers. */
export interface Region {
  /** The root tensor's name, or for a workspace region the layer's name. */
  root: string;
  /** Set for a layer's workspace (state, then scratch) instead of a tensor. */
  workspaceOf?: { layer: string; stateBytes: number; scratchBytes: number };
  bytes: number;
  /** Hull of the live intervals of everything stored in the region. */
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

/** One region per layer that needs state or scratch, live while that layer runs. */
export function workspaceRegions(ir: ModelIR): Region[] {
  return ir.layers.flatMap((layer, index) => {
    const { stateBytes, scratchBytes } = layerWorkspace(layer, ir);
    if (stateBytes + scratchBytes === 0) return [];
    return [{
      root: layer.name,
      workspaceOf: { layer: layer.name, stateBytes, scratchBytes },
      bytes: alignUp(stateBytes, ARENA_ALIGN) + scratchBytes,
      interval: { first: index, last: index },
    }];
  });
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
 * The MemoryPlan that puts each region at `offsets.get(region)`: tensor roots there, views at
 * their parent's offset plus their channel offset, aliases at their source's offset, and a
 * layer's workspace as its state followed by its scratch. Layers whose workspace has no region
 * use the separate state and scratch buffers.
 */
export function assemblePlan(
  ir: ModelIR,
  planner: MemoryPlan["planner"],
  intervals: Record<string, LiveInterval>,
  shared: SharedStorage,
  offsets: Map<Region, number>,
): MemoryPlan {
  const rootOffsets = new Map<string, number>();
  const workspace: Record<string, WorkspacePlacement> = {};
  for (const [region, offset] of offsets) {
    const needs = region.workspaceOf;
    if (!needs) {
      rootOffsets.set(region.root, offset);
      continue;
    }
    workspace[needs.layer] = {
      stateOffset: offset,
      stateBytes: needs.stateBytes,
      scratchOffset: offset + alignUp(needs.stateBytes, ARENA_ALIGN),
      scratchBytes: needs.scratchBytes,
    };
  }
  const offsetOf = (name: string): number => {
    const view = shared.views[name];
    if (view) return offsetOf(view.of) + view.channelOffset * elementBytes(name, ir.tensors[name]);
    const source = shared.aliases[name];
    return source === undefined ? rootOffsets.get(name)! : offsetOf(source);
  };
  const tensors: Record<string, TensorPlacement> = {};
  for (const name of Object.keys(ir.tensors).sort(compareNames)) {
    tensors[name] = {
      offset: offsetOf(name),
      bytes: tensorBytes(ir, name),
      firstLayer: intervals[name].first,
      lastLayer: intervals[name].last,
    };
  }
  const regionEnd = Math.max(...[...offsets].map(([region, offset]) => offset + region.bytes));
  const arenaBytes = alignUp(regionEnd, ARENA_ALIGN);
  const separate = ir.layers
    .filter((layer) => !workspace[layer.name])
    .map((layer) => layerWorkspace(layer, ir));
  const stateBytes = Math.max(0, ...separate.map((w) => w.stateBytes));
  const scratchBytes = Math.max(0, ...separate.map((w) => w.scratchBytes));
  return {
    planner,
    arenaBytes,
    stateBytes,
    scratchBytes,
    totalBytes: arenaBytes + stateBytes + scratchBytes,
    tensors,
    views: { ...shared.views },
    aliases: { ...shared.aliases },
    workspace,
  };
}
