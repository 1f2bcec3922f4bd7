/**
 * The plan checker: judges a MemoryPlan against the graph, re-deriving every lifetime from the
 * IR instead of trusting the plan's own. The tests run it on every plan they make; applyPlan()
 * runs it before it writes offsets into an IR.
 */
import type { LayerIR, ModelIR } from "../ir/ir.ts";
import { elementBytes, type LiveInterval, liveIntervals, tensorBytes } from "./lifetimes.ts";
import { compareNames, intervalsOverlap } from "./_regions.ts";
import { fitsInPlace, IN_PLACE_OPS } from "./in_place.ts";
import { ARENA_ALIGN, type MemoryPlan } from "./types.ts";
import { layerWorkspace } from "./workspace.ts";

/**
 * Throws unless `plan` is a valid plan of `ir`:
 * - every tensor of `ir` is placed with its true size and lifetime, inside the arena, and root
 *   tensors (neither view nor alias) at 4-byte-aligned offsets;
 * - each view is an input of the concat writing `of`, made by a conv1d and read by nothing
 *   else, at the channel offset the concat's input order gives, and all inputs of that concat
 *   are views; each alias is a flatten, relu or maxpool1d output at its input's offset;
 * - no two tensors whose bytes overlap are live at the same layer, unless they are the same data
 *   (a view and its concat output, a flatten output and its input) or a relu or maxpool1d
 *   overwrites an input that dies there. This error names both tensors.
 * - a layer's state and scratch in the arena (`workspace`) are aligned, apart from each other
 *   and from every tensor live at that layer;
 * - the sizes add up and the state and scratch buffers cover the needs of every layer without
 *   a workspace in the arena.
 */
export function checkPlan(ir: ModelIR, plan: MemoryPlan): void {
  const intervals = liveIntervals(ir);
  const writers = new Map(ir.layers.map((layer, index) => [layer.output, { layer, index }]));
  checkPlacements(ir, plan, intervals);
  checkViews(ir, plan, writers);
  checkAliases(ir, plan, writers);
  checkNoLiveOverlap(ir, plan, intervals, writers);
  checkWorkspace(ir, plan, intervals);
  checkTotals(ir, plan);
}

type Writers = Map<string, { layer: LayerIR; index: number }>;

function checkPlacements(
  ir: ModelIR,
  plan: MemoryPlan,
  intervals: Record<string, LiveInterval>,
): void {
  for (const name of Object.keys(plan.tensors)) {
    if (!ir.tensors[name]) {
      throw new ReferenceError(`Plan places "${name}", not a tensor of the IR`);
    }
  }
  for (const name of Object.keys(ir.tensors)) {
    const placement = plan.tensors[name];
    if (!placement) throw new ReferenceError(`Tensor "${name}" has no place in the plan`);
    const bytes = tensorBytes(ir, name);
    if (placement.bytes !== bytes) {
      throw new RangeError(`Tensor "${name}": plan says ${placement.bytes} bytes, it has ${bytes}`);
    }
    const { first, last } = intervals[name];
    if (placement.firstLayer !== first || placement.lastLayer !== last) {
      throw new RangeError(
        `Tensor "${name}": plan says live at layers ${placement.firstLayer}–` +
          `${placement.lastLayer}, the graph says ${first}–${last}`,
      );
    }
    const isRoot = !plan.views[name] && plan.aliases[name] === undefined;
    if (!Number.isInteger(placement.offset) || placement.offset < 0) {
      throw new RangeError(`Tensor "${name}": offset ${placement.offset} is not a byte offset`);
    }
    if (isRoot && placement.offset % ARENA_ALIGN !== 0) {
      throw new RangeError(
        `Tensor "${name}": offset ${placement.offset} is not a multiple of ${ARENA_ALIGN}`,
      );
    }
    if (placement.offset + bytes > plan.arenaBytes) {
      throw new RangeError(
        `Tensor "${name}": bytes ${placement.offset}–${placement.offset + bytes - 1} ` +
          `extend past the ${plan.arenaBytes}-byte arena`,
      );
    }
  }
}

function checkViews(ir: ModelIR, plan: MemoryPlan, writers: Writers): void {
  const concatsWithViews = new Set<string>();
  for (const [name, view] of Object.entries(plan.views)) {
    const concat = writers.get(view.of)?.layer;
    if (concat?.op !== "concat" || !concat.inputs.includes(name)) {
      throw new RangeError(`View "${name}": "${view.of}" is not a concat output that reads it`);
    }
    const producer = writers.get(name)?.layer;
    if (producer?.op !== "conv1d") {
      throw new RangeError(
        `View "${name}": written by a ${producer?.op ?? "caller"}, not a conv1d`,
      );
    }
    const readers = ir.layers.flatMap((layer) => layer.inputs).filter((input) => input === name);
    if (readers.length !== 1 || name === ir.output) {
      throw new RangeError(`View "${name}": read by more than its concat "${concat.name}"`);
    }
    const expectedChannel = concat.inputs.slice(0, concat.inputs.indexOf(name))
      .reduce((sum, input) => sum + ir.tensors[input].shape[1], 0);
    if (view.channelOffset !== expectedChannel) {
      throw new RangeError(
        `View "${name}": channel offset ${view.channelOffset}, but concat "${concat.name}" ` +
          `puts it at channel ${expectedChannel}`,
      );
    }
    const tensor = ir.tensors[name];
    const parent = ir.tensors[view.of];
    const fitsInRows = tensor.shape.length === 2 && tensor.shape[0] === parent.shape[0] &&
      expectedChannel + tensor.shape[1] <= parent.shape[1];
    if (!fitsInRows) {
      throw new RangeError(
        `View "${name}": shape [${tensor.shape}] at channel ${expectedChannel} does not fit in ` +
          `"${view.of}" [${parent.shape}]`,
      );
    }
    if (tensor.dtype !== parent.dtype || tensor.dec !== parent.dec) {
      throw new RangeError(`View "${name}": dtype or dec differs from its concat "${view.of}"`);
    }
    const expectedOffset = plan.tensors[view.of].offset +
      expectedChannel * elementBytes(name, tensor);
    if (plan.tensors[name].offset !== expectedOffset) {
      throw new RangeError(
        `View "${name}": offset ${plan.tensors[name].offset}, but channel ${expectedChannel} ` +
          `of "${view.of}" is at ${expectedOffset}`,
      );
    }
    concatsWithViews.add(concat.name);
  }
  for (const concat of ir.layers.filter((layer) => concatsWithViews.has(layer.name))) {
    const notView = concat.inputs.find((input) => !plan.views[input]);
    if (notView !== undefined) {
      throw new RangeError(
        `Concat "${concat.name}": input "${notView}" is not a view, but its other inputs are`,
      );
    }
  }
}

function checkAliases(ir: ModelIR, plan: MemoryPlan, writers: Writers): void {
  for (const [name, source] of Object.entries(plan.aliases)) {
    const writer = writers.get(name)?.layer;
    const sharesInput = writer?.inputs.length === 1 && writer.inputs[0] === source;
    if (!writer || !sharesInput || (writer.op !== "flatten" && !IN_PLACE_OPS.has(writer.op))) {
      throw new RangeError(
        `Alias "${name}" of "${source}": only a flatten, relu or maxpool1d output may share ` +
          `its input's bytes`,
      );
    }
    const fits = writer.op === "flatten"
      ? tensorBytes(ir, name) === tensorBytes(ir, source)
      : fitsInPlace(ir, name, source);
    if (!fits || plan.tensors[name].offset !== plan.tensors[source].offset) {
      throw new RangeError(
        `Alias "${name}" of "${source}": must fit in its source's bytes, at its offset`,
      );
    }
  }
}

function checkNoLiveOverlap(
  ir: ModelIR,
  plan: MemoryPlan,
  intervals: Record<string, LiveInterval>,
  writers: Writers,
): void {
  const sameData = sameDataClasses(ir, plan);
  const footprint = (name: string) => bytesHeld(plan, name);
  const overwritesDyingInput = (name: string, input: string): boolean => {
    const writer = writers.get(name);
    return plan.aliases[name] === input && writer !== undefined &&
      IN_PLACE_OPS.has(writer.layer.op) && intervals[input].last === writer.index;
  };
  const names = Object.keys(ir.tensors).sort(compareNames);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [a, b] = [names[i], names[j]];
      if (!intervalsOverlap(intervals[a], intervals[b])) continue;
      const [aStart, aEnd] = footprint(a);
      const [bStart, bEnd] = footprint(b);
      if (aEnd <= bStart || bEnd <= aStart) continue;
      if (sameData(a) === sameData(b)) continue;
      if (overwritesDyingInput(a, b) || overwritesDyingInput(b, a)) continue;
      throw new RangeError(
        `Tensors "${a}" (bytes ${aStart}–${aEnd - 1}, layers ${intervals[a].first}–` +
          `${intervals[a].last}) and "${b}" (bytes ${bStart}–${bEnd - 1}, layers ` +
          `${intervals[b].first}–${intervals[b].last}) overlap while both are live`,
      );
    }
  }
}

/**
 * The byte range [start, end) a tensor may touch: its own bytes, or for a view (whose rows are
 * spread over its concat output) the whole concat output.
 */
function bytesHeld(plan: MemoryPlan, name: string): [number, number] {
  const view = plan.views[name];
  if (view) return bytesHeld(plan, view.of);
  const { offset, bytes } = plan.tensors[name];
  return [offset, offset + bytes];
}

/**
 * A function giving each tensor a representative of its "same data" class: a view and its concat
 * output, a flatten output and its input hold one set of bytes, so they never conflict.
 */
function sameDataClasses(ir: ModelIR, plan: MemoryPlan): (name: string) => string {
  const parent = new Map<string, string>();
  const find = (name: string): string => {
    const up = parent.get(name);
    return up === undefined ? name : find(up);
  };
  const join = (a: string, b: string) => {
    const [rootA, rootB] = [find(a), find(b)];
    if (rootA !== rootB) parent.set(rootA, rootB);
  };
  for (const [name, view] of Object.entries(plan.views)) join(name, view.of);
  const flattens = new Set(ir.layers.filter((l) => l.op === "flatten").map((l) => l.output));
  for (const [name, source] of Object.entries(plan.aliases)) {
    if (flattens.has(name)) join(name, source);
  }
  return find;
}

function checkWorkspace(
  ir: ModelIR,
  plan: MemoryPlan,
  intervals: Record<string, LiveInterval>,
): void {
  for (const [layerName, placement] of Object.entries(plan.workspace)) {
    const index = ir.layers.findIndex((layer) => layer.name === layerName);
    if (index < 0) {
      throw new ReferenceError(`Plan has a workspace for unknown layer "${layerName}"`);
    }
    const needs = layerWorkspace(ir.layers[index], ir);
    const parts: [string, number, number][] = [
      ["state", placement.stateOffset, placement.stateBytes],
      ["scratch", placement.scratchOffset, placement.scratchBytes],
    ];
    if (placement.stateBytes < needs.stateBytes || placement.scratchBytes < needs.scratchBytes) {
      throw new RangeError(
        `Layer "${layerName}" needs ${needs.stateBytes} state and ${needs.scratchBytes} ` +
          `scratch bytes; its workspace has ${placement.stateBytes} and ${placement.scratchBytes}`,
      );
    }
    for (const [part, offset, bytes] of parts) {
      const where = `Layer "${layerName}": ${part} at bytes ${offset}–${offset + bytes - 1}`;
      if (!Number.isInteger(offset) || offset < 0 || offset % ARENA_ALIGN !== 0) {
        throw new RangeError(`${where} is not at a ${ARENA_ALIGN}-byte-aligned offset`);
      }
      if (offset + bytes > plan.arenaBytes) {
        throw new RangeError(`${where} extends past the ${plan.arenaBytes}-byte arena`);
      }
      for (const name of Object.keys(plan.tensors).sort(compareNames)) {
        const live = intervals[name].first <= index && index <= intervals[name].last;
        const [start, end] = bytesHeld(plan, name);
        if (live && start < offset + bytes && offset < end) {
          throw new RangeError(`${where} overlaps tensor "${name}", live at that layer`);
        }
      }
    }
    const [[, stateOffset, stateBytes], [, scratchOffset, scratchBytes]] = parts;
    if (stateOffset < scratchOffset + scratchBytes && scratchOffset < stateOffset + stateBytes) {
      throw new RangeError(`Layer "${layerName}": its state and scratch overlap`);
    }
  }
}

function checkTotals(ir: ModelIR, plan: MemoryPlan): void {
  if (plan.arenaBytes % ARENA_ALIGN !== 0) {
    throw new RangeError(`Arena size ${plan.arenaBytes} is not a multiple of ${ARENA_ALIGN}`);
  }
  for (const layer of ir.layers.filter((layer) => !plan.workspace[layer.name])) {
    const { stateBytes, scratchBytes } = layerWorkspace(layer, ir);
    if (stateBytes > plan.stateBytes || scratchBytes > plan.scratchBytes) {
      throw new RangeError(
        `Layer "${layer.name}" needs ${stateBytes} state and ${scratchBytes} scratch bytes; ` +
          `the plan has ${plan.stateBytes} and ${plan.scratchBytes}`,
      );
    }
  }
  const sum = plan.arenaBytes + plan.stateBytes + plan.scratchBytes;
  if (plan.totalBytes !== sum) {
    throw new RangeError(`Total ${plan.totalBytes} bytes is not arena + state + scratch = ${sum}`);
  }
}
