/** The named architectures. */
import type { ArchSpec, LayerSpec } from "./spec.ts";
import { INPUT } from "./spec.ts";

/** Conv1D → BatchNorm → ReLU → MaxPool, the seed's repeated block. */
function convBlock(
  prefix: string,
  input: string,
  filters: number,
  kernel: number,
  stride: number,
  pool: number,
): LayerSpec[] {
  return [
    {
      op: "conv1d",
      name: `${prefix}_conv`,
      inputs: [input],
      filters,
      kernel,
      stride,
      padding: "same",
    },
    { op: "batchnorm", name: `${prefix}_bn`, inputs: [`${prefix}_conv`] },
    { op: "relu", name: `${prefix}_relu`, inputs: [`${prefix}_bn`] },
    { op: "maxpool1d", name: `${prefix}_pool`, inputs: [`${prefix}_relu`], pool },
  ];
}

/**
 * The NNoM team's contest entry: three Conv1D branches on the raw input, concatenated
 * (156 × 16), one more conv block (78 × 4), GRU 12 returning sequences, Dense 1 sigmoid.
 * The published description gives no dropout rates; we use 0.2 before the GRU and before the
 * dense head, and record that here as our choice.
 */
export const nnom: ArchSpec = {
  name: "nnom",
  inputLength: 1250,
  inputClip: 1,
  layers: [
    ...convBlock("b5", INPUT, 8, 5, 2, 4),
    ...convBlock("b9", INPUT, 4, 9, 2, 4),
    ...convBlock("b13", INPUT, 4, 13, 2, 4),
    { op: "concat", name: "concat", inputs: ["b5_pool", "b9_pool", "b13_pool"] },
    ...convBlock("mix", "concat", 4, 3, 1, 2),
    { op: "dropout", name: "drop_gru", inputs: ["mix_pool"], rate: 0.2 },
    { op: "gru", name: "gru", inputs: ["drop_gru"], units: 12, returnSequences: true },
    { op: "flatten", name: "flatten", inputs: ["gru"] },
    { op: "dropout", name: "drop_head", inputs: ["flatten"], rate: 0.2 },
    { op: "dense", name: "out", inputs: ["drop_head"], units: 1, activation: "sigmoid" },
  ],
  output: "out",
};

/** The contest winner's shape: one wide strided convolution and a small dense head. */
export const compact: ArchSpec = {
  name: "compact",
  inputLength: 1250,
  inputClip: null,
  layers: [
    {
      op: "conv1d",
      name: "conv",
      inputs: [INPUT],
      filters: 3,
      kernel: 85,
      stride: 32,
      padding: "valid",
    },
    { op: "batchnorm", name: "bn", inputs: ["conv"] },
    { op: "relu", name: "relu", inputs: ["bn"] },
    { op: "flatten", name: "flatten", inputs: ["relu"] },
    { op: "dense", name: "fc1", inputs: ["flatten"], units: 20, activation: "relu" },
    { op: "dense", name: "fc2", inputs: ["fc1"], units: 10, activation: "relu" },
    { op: "dense", name: "out", inputs: ["fc2"], units: 1, activation: "sigmoid" },
  ],
  output: "out",
};

/**
 * The model search's winner (lib/search candidate 2c3ef01532, docs/search.md): two valid
 * convolution blocks (6 filters k=15 stride 8 → max-pool 4 → 12 filters k=5 stride 2) and a
 * dense head of 16. About a quarter of nnom's Cortex-M4 instructions; it scored above nnom in
 * three repeated 5-fold CVs (README, "Model search"). tests/search/space_test.ts holds it equal
 * to the candidate's spec.
 */
export const twoblock: ArchSpec = {
  name: "twoblock",
  inputLength: 1250,
  inputClip: null,
  layers: [
    {
      op: "conv1d",
      name: "b1_conv",
      inputs: [INPUT],
      filters: 6,
      kernel: 15,
      stride: 8,
      padding: "valid",
    },
    { op: "batchnorm", name: "b1_bn", inputs: ["b1_conv"] },
    { op: "relu", name: "b1_relu", inputs: ["b1_bn"] },
    { op: "maxpool1d", name: "b1_pool", inputs: ["b1_relu"], pool: 4 },
    {
      op: "conv1d",
      name: "b2_conv",
      inputs: ["b1_pool"],
      filters: 12,
      kernel: 5,
      stride: 2,
      padding: "valid",
    },
    { op: "batchnorm", name: "b2_bn", inputs: ["b2_conv"] },
    { op: "relu", name: "b2_relu", inputs: ["b2_bn"] },
    { op: "flatten", name: "flatten", inputs: ["b2_relu"] },
    { op: "dense", name: "fc1", inputs: ["flatten"], units: 16, activation: "relu" },
    { op: "dense", name: "out", inputs: ["fc1"], units: 1, activation: "sigmoid" },
  ],
  output: "out",
};

export const ARCHS: Readonly<Record<string, ArchSpec>> = { twoblock, nnom, compact };

/** The spec named `name`, or a RangeError listing the known ones. */
export function archByName(name: string): ArchSpec {
  const spec = ARCHS[name];
  if (!spec) {
    throw new RangeError(`Unknown arch "${name}"; known: ${Object.keys(ARCHS).join(", ")}`);
  }
  return spec;
}
