/**
 * IRs for the planner and report tests: the nnom graph as the converter leaves it (BN folded,
 * conv → relu → maxpool fused, dropout gone), and random graphs from a seeded generator.
 */
import type { DType, LayerIR, ModelIR, TensorIR, WeightIR } from "../../lib/ir/ir.ts";
import { samePadBefore } from "../../lib/ir/geometry.ts";

/** A zero-filled weight of `shape`. */
function zeros(shape: number[], dtype: DType): WeightIR {
  return { shape, dtype, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0) };
}

/**
 * The nnom arch after conversion, int8 form: layers b5, b9, b13 (conv + relu + pool 4 fused),
 * concat, mix (conv + relu + pool 2 fused), gru, flatten, out (dense + sigmoid).
 */
export function nnomIR(): ModelIR {
  const tensors: Record<string, TensorIR> = {};
  const layers: LayerIR[] = [];
  const tensor = (name: string, shape: number[]) => {
    tensors[name] = { shape, dtype: "int8", dec: 5 };
  };
  tensor("input", [1250, 1]);
  const conv = (
    name: string,
    input: string,
    filters: number,
    kernel: number,
    stride: number,
    pool: number,
  ) => {
    const [length, channels] = tensors[input].shape;
    tensor(name, [Math.floor(Math.ceil(length / stride) / pool), filters]);
    layers.push({
      name,
      op: "conv1d",
      inputs: [input],
      output: name,
      attrs: {
        kernel,
        stride,
        padding: "same",
        padBefore: samePadBefore(length, kernel, stride),
        activation: "relu",
        pool,
      },
      weights: {
        kernel: zeros([filters, kernel, channels], "int8"),
        bias: zeros([filters], "int32"),
      },
    });
  };
  conv("b5", "input", 8, 5, 2, 4);
  conv("b9", "input", 4, 9, 2, 4);
  conv("b13", "input", 4, 13, 2, 4);
  tensor("concat", [156, 16]);
  layers.push({
    name: "concat",
    op: "concat",
    inputs: ["b5", "b9", "b13"],
    output: "concat",
    attrs: {},
    weights: {},
  });
  conv("mix", "concat", 4, 3, 1, 2);
  tensor("gru", [78, 12]);
  layers.push({
    name: "gru",
    op: "gru",
    inputs: ["mix"],
    output: "gru",
    attrs: {
      units: 12,
      returnSequences: true,
      recurrentActivation: "hard_sigmoid",
      activation: "tanh",
    },
    weights: {
      kernel: zeros([3, 12, 4], "int8"),
      recurrent: zeros([3, 12, 12], "int8"),
      bias: zeros([3, 12], "int32"),
    },
  });
  tensor("flatten", [936]);
  layers.push({
    name: "flatten",
    op: "flatten",
    inputs: ["gru"],
    output: "flatten",
    attrs: {},
    weights: {},
  });
  tensor("out", [1]);
  layers.push({
    name: "out",
    op: "dense",
    inputs: ["flatten"],
    output: "out",
    attrs: { activation: "sigmoid" },
    weights: { kernel: zeros([1, 936], "int8"), bias: zeros([1], "int32") },
  });
  return {
    magic: "IEGM-IR",
    version: 1,
    arch: "nnom",
    form: "int8",
    input: "input",
    inputClip: 1,
    output: "out",
    threshold: 0.5,
    tensors,
    layers,
  };
}

/** Seeded uniform numbers in [0, 1) (lib/random, which does not start tfjs). */
export { mulberry32 as seededRandom } from "../../lib/random/mulberry32.ts";

/**
 * A random, well-formed graph of 3–14 layers drawn from `random`: convolutions (often several
 * from one tensor with equal lengths, then concatenated), concats of arbitrary producers,
 * relu, sigmoid, max-pool, flatten, dense and GRU, tensors read many times or never. Shapes are
 * only as consistent as the planner needs (rows and channels, not conv geometry).
 */
export function randomGraph(random: () => number): ModelIR {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const form = random() < 0.7 ? "int8" : "float";
  const dtype: DType = form === "int8" ? "int8" : "float32";
  const tensors: Record<string, TensorIR> = {};
  const layers: LayerIR[] = [];
  const addTensor = (shape: number[]) => {
    const name = `t${Object.keys(tensors).length}`;
    tensors[name] = { shape, dtype, ...(form === "int8" ? { dec: int(4, 5) } : {}) };
    return name;
  };
  const addLayer = (op: LayerIR["op"], inputs: string[], shape: number[], attrs = {}) => {
    const output = addTensor(shape);
    layers.push({ name: `l${layers.length}_${op}`, op, inputs, output, attrs, weights: {} });
    return output;
  };
  const sequences = () => Object.keys(tensors).filter((name) => tensors[name].shape.length === 2);
  const flats = () => Object.keys(tensors).filter((name) => tensors[name].shape.length === 1);
  const input = addTensor([int(4, 40), int(1, 3)]);
  const target = int(3, 14);
  while (layers.length < target) {
    const choice = random();
    if (choice < 0.3) {
      // Branches from one tensor, concatenated: the in-place concat case.
      const source = pick(sequences());
      const rows = Math.max(1, Math.floor(tensors[source].shape[0] / pick([1, 2])));
      const branches = Array.from(
        { length: int(2, 3) },
        () => addLayer("conv1d", [source], [rows, int(1, 5)]),
      );
      const channels = branches.reduce((sum, name) => sum + tensors[name].shape[1], 0);
      if (random() < 0.8) addLayer("concat", branches, [rows, channels]);
    } else if (choice < 0.4) {
      const rows = tensors[pick(sequences())].shape[0];
      const same = sequences().filter((name) => tensors[name].shape[0] === rows);
      const parts = Array.from({ length: int(1, 3) }, () => pick(same));
      const unique = [...new Set(parts)];
      const channels = unique.reduce((sum, name) => sum + tensors[name].shape[1], 0);
      addLayer("concat", unique, [rows, channels]);
    } else if (choice < 0.5) {
      const source = pick([...sequences(), ...flats()]);
      addLayer(pick(["relu", "sigmoid"]), [source], [...tensors[source].shape]);
    } else if (choice < 0.55) {
      const source = pick(sequences());
      const [rows, channels] = tensors[source].shape;
      addLayer("maxpool1d", [source], [Math.max(1, Math.floor(rows / 2)), channels]);
    } else if (choice < 0.65) {
      const source = pick(sequences());
      addLayer("flatten", [source], [tensors[source].shape[0] * tensors[source].shape[1]]);
    } else if (choice < 0.8 && flats().length > 0) {
      addLayer("dense", [pick(flats())], [int(1, 20)]);
    } else if (choice < 0.9) {
      const source = pick(sequences());
      const units = int(1, 8);
      const sequence = random() < 0.5;
      addLayer("gru", [source], sequence ? [tensors[source].shape[0], units] : [units], {
        units,
        returnSequences: sequence,
      });
    } else {
      addLayer("conv1d", [pick(sequences())], [int(1, 30), int(1, 6)]);
    }
  }
  return {
    magic: "IEGM-IR",
    version: 1,
    arch: "random",
    form,
    input,
    inputClip: null,
    output: layers[layers.length - 1].output,
    threshold: 0.5,
    tensors,
    layers,
  };
}
