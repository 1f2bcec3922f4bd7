/**
 * Sizes and lifetimes of activation tensors, read from the IR alone. Both the planners and the
 * checker start from here, so a plan is judged against the graph, not against itself.
 */
import type { DType, ModelIR, TensorIR } from "../ir/ir.ts";

/** Bytes of one element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
};

/** The layers during which a tensor must stay intact, as inclusive layer indices. */
export interface LiveInterval {
  first: number;
  last: number;
}

/** Bytes of one element of `tensor`, or a TypeError naming it for an unknown dtype. */
export function elementBytes(name: string, tensor: TensorIR): number {
  const size = DTYPE_BYTES[tensor.dtype];
  if (!size) throw new TypeError(`Tensor "${name}": unknown dtype "${tensor.dtype}"`);
  return size;
}

/** Bytes of all elements of the tensor `name` of `ir`. */
export function tensorBytes(ir: ModelIR, name: string): number {
  const tensor = ir.tensors[name];
  if (!tensor) throw new ReferenceError(`Tensor "${name}" is not in the IR's tensors`);
  const count = tensor.shape.reduce((product, dim) => product * dim, 1);
  if (!Number.isInteger(count) || count <= 0) {
    throw new RangeError(`Tensor "${name}": shape [${tensor.shape}] has no elements`);
  }
  return count * elementBytes(name, tensor);
}

/**
 * Live interval of every tensor of `ir`: from the layer that writes it to the last layer that
 * reads it. The model input is written by the caller before layer 0, so it lives from 0; the
 * model output is read by the caller after the last layer, so it lives to the end. A tensor no
 * layer reads still needs its bytes while its writer runs.
 *
 * Throws, naming the layer and tensor, if a layer reads a tensor not written before it, writes
 * a tensor twice, or names a tensor missing from `ir.tensors`; or if a tensor of `ir.tensors`
 * is never written.
 */
export function liveIntervals(ir: ModelIR): Record<string, LiveInterval> {
  if (ir.layers.length === 0) throw new RangeError("The IR has no layers");
  if (!ir.tensors[ir.input]) throw new ReferenceError(`Model input "${ir.input}" has no tensor`);
  const intervals: Record<string, LiveInterval> = { [ir.input]: { first: 0, last: 0 } };
  ir.layers.forEach((layer, index) => {
    for (const input of layer.inputs) {
      const interval = intervals[input];
      if (!interval) {
        throw new ReferenceError(
          `Layer "${layer.name}" reads tensor "${input}", which no earlier layer writes`,
        );
      }
      interval.last = index;
    }
    if (intervals[layer.output]) {
      throw new RangeError(
        `Layer "${layer.name}" writes tensor "${layer.output}", which is already written`,
      );
    }
    if (!ir.tensors[layer.output]) {
      throw new ReferenceError(
        `Layer "${layer.name}" writes tensor "${layer.output}", which is not in the IR's tensors`,
      );
    }
    intervals[layer.output] = { first: index, last: index };
  });
  const output = intervals[ir.output];
  if (!output) throw new ReferenceError(`Model output "${ir.output}" is written by no layer`);
  output.last = ir.layers.length - 1;
  for (const name of Object.keys(ir.tensors)) {
    if (!intervals[name]) throw new ReferenceError(`Tensor "${name}" is written by no layer`);
  }
  return intervals;
}

/** `value` rounded up to a multiple of `alignment`. */
export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
