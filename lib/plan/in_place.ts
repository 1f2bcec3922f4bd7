/**
 * Which tensors need no bytes of their own, because the kernels can write them in place:
 * - concat inputs become views of the concat output when every one of them comes from a conv1d
 *   (which can write its rows with the concat's row stride) and is read by nothing else; the
 *   concat layer then does nothing;
 * - a flatten output is its input's bytes ([T, C] row-major is already the flat vector);
 * - a relu or an unfused maxpool1d writes its output over its input when nothing reads that
 *   input's bytes later (docs/int8-spec.md §6-7: relu reads x[i] before writing y[i]; max-pool
 *   writes each output row after reading every input row it needs, and no later row reads it).
 */
import type { LayerIR, ModelIR } from "../ir/ir.ts";
import type { ViewPlacement } from "./types.ts";
import { elementBytes, type LiveInterval, tensorBytes } from "./lifetimes.ts";

/** The sharing decisions of a plan. */
export interface SharedStorage {
  views: Record<string, ViewPlacement>;
  aliases: Record<string, string>;
}

/** Ops whose kernels may write their output over their (dying) input. */
export const IN_PLACE_OPS: ReadonlySet<string> = new Set(["relu", "maxpool1d"]);

/**
 * Views and aliases for `ir`, decided layer by layer in execution order. `intervals` are the
 * tensors' live intervals from liveIntervals().
 */
export function findSharedStorage(
  ir: ModelIR,
  intervals: Record<string, LiveInterval>,
): SharedStorage {
  const shared: SharedStorage = { views: {}, aliases: {} };
  const readers = countReaders(ir);
  const producers = new Map(ir.layers.map((layer) => [layer.output, layer]));
  ir.layers.forEach((layer, index) => {
    if (layer.op === "concat") {
      Object.assign(shared.views, concatViews(ir, layer, readers, producers));
    } else if (layer.op === "flatten") {
      requireSameBytes(ir, layer);
      shared.aliases[layer.output] = layer.inputs[0];
    } else if (IN_PLACE_OPS.has(layer.op) && canOverwriteInput(ir, layer, index)) {
      shared.aliases[layer.output] = layer.inputs[0];
    }
  });
  return shared;

  function canOverwriteInput(ir: ModelIR, layer: LayerIR, index: number): boolean {
    const input = layer.inputs[0];
    if (!fitsInPlace(ir, layer.output, input)) return false;
    const root = storageRoot(input, shared);
    // Every tensor stored in the input's bytes must be dead after this layer.
    return Object.keys(intervals).every((name) =>
      storageRoot(name, shared) !== root || (intervals[name].last <= index && name !== ir.output)
    );
  }
}

/** The tensor whose bytes `name` is stored in: itself unless it is a view or an alias. */
export function storageRoot(name: string, shared: SharedStorage): string {
  let current = name;
  for (;;) {
    const next = shared.views[current]?.of ?? shared.aliases[current];
    if (next === undefined) return current;
    current = next;
  }
}

/** How many times each tensor is read, over all layers. */
function countReaders(ir: ModelIR): Map<string, number> {
  const readers = new Map<string, number>();
  for (const layer of ir.layers) {
    for (const input of layer.inputs) readers.set(input, (readers.get(input) ?? 0) + 1);
  }
  return readers;
}

/** Views of `concat`'s inputs in its output, or none if any input cannot be written there. */
function concatViews(
  ir: ModelIR,
  concat: LayerIR,
  readers: Map<string, number>,
  producers: Map<string, LayerIR>,
): Record<string, ViewPlacement> {
  const output = ir.tensors[concat.output];
  const [rows, channels] = output.shape;
  let channelOffset = 0;
  const views: Record<string, ViewPlacement> = {};
  let allViewable = true;
  for (const name of concat.inputs) {
    const input = ir.tensors[name];
    if (input.shape.length !== 2 || input.shape[0] !== rows) {
      throw new RangeError(
        `Layer "${concat.name}": input "${name}" has shape [${input.shape}], ` +
          `which does not concatenate into [${output.shape}]`,
      );
    }
    const viewable = producers.get(name)?.op === "conv1d" &&
      readers.get(name) === 1 &&
      name !== ir.output &&
      input.dtype === output.dtype &&
      input.dec === output.dec;
    allViewable &&= viewable;
    views[name] = { of: concat.output, channelOffset };
    channelOffset += input.shape[1];
  }
  if (output.shape.length !== 2 || channelOffset !== channels) {
    throw new RangeError(
      `Layer "${concat.name}": its inputs have ${channelOffset} channels in all, ` +
        `its output "${concat.output}" has shape [${output.shape}]`,
    );
  }
  return allViewable ? views : {};
}

/** Throws unless `layer`'s output has exactly its input's bytes (flatten reshapes only). */
function requireSameBytes(ir: ModelIR, layer: LayerIR): void {
  const [input] = layer.inputs;
  const inputBytes = tensorBytes(ir, input);
  const outputBytes = tensorBytes(ir, layer.output);
  const sameElement = elementBytes(input, ir.tensors[input]) ===
    elementBytes(layer.output, ir.tensors[layer.output]);
  if (inputBytes !== outputBytes || !sameElement) {
    throw new RangeError(
      `Layer "${layer.name}": flatten output "${layer.output}" (${outputBytes} bytes) ` +
        `does not match its input "${input}" (${inputBytes} bytes)`,
    );
  }
}

/**
 * True if `output` can sit at its input's offset: same element size, and no more bytes (a
 * relu's output has its input's size, a max-pool's is smaller).
 */
export function fitsInPlace(ir: ModelIR, output: string, input: string): boolean {
  return elementBytes(output, ir.tensors[output]) === elementBytes(input, ir.tensors[input]) &&
    tensorBytes(ir, output) <= tensorBytes(ir, input);
}
