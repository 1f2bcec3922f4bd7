/** Builds the C programs' segment files from a Dataset with the int8 interpreter's input rule. */
import type { ModelIR } from "../ir/ir.ts";
import type { Dataset } from "../data/dataset.ts";
import { segment } from "../data/dataset.ts";
import { quantizeInput } from "../interp/mod.ts";
import type { SegmentSet } from "./segment_file.ts";

/** The quantized inputs (docs/int8-spec.md §3) and labels of every segment of `dataset`. */
export function quantizeDataset(ir: ModelIR, dataset: Dataset): SegmentSet {
  const length = ir.tensors[ir.input].shape.reduce((a, b) => a * b, 1);
  const inputs = new Int8Array(dataset.size * length);
  for (let i = 0; i < dataset.size; i++) {
    const samples = segment(dataset, i);
    if (samples.length !== length) {
      throw new RangeError(
        `Segment ${dataset.files[i]} has ${samples.length} samples, the model needs ${length}`,
      );
    }
    inputs.set(quantizeInput(ir, samples), i * length);
  }
  return { count: dataset.size, length, inputs, labels: dataset.labels.slice() };
}

/** The first `count` segments of `set` (all when count ≥ set.count). */
export function firstSegments(set: SegmentSet, count: number): SegmentSet {
  const n = Math.min(count, set.count);
  return {
    count: n,
    length: set.length,
    inputs: set.inputs.slice(0, n * set.length),
    labels: set.labels.slice(0, n),
  };
}
