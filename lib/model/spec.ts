/**
 * Architecture specs: plain data from which tfjs builds the model (build.ts), the IR converter
 * reads the layers, and the code generator learns what it must support. Adding an architecture
 * means adding a spec; nothing here may describe a layer the int8 path cannot express.
 *
 * Tensors are [time, channels] (channels last, batch omitted). A layer reads the tensors named
 * in `inputs` ("input" is the model's input, [inputLength, 1]) and produces one tensor named
 * after the layer.
 */

import type { FastZone } from "../ir/ir.ts";

/** The reserved name of the model's input tensor. */
export const INPUT = "input";

interface LayerBase {
  /** Unique layer name; also the tfjs layer name and the name of its output tensor. */
  name: string;
  /** Names of the tensors this layer reads. */
  inputs: string[];
}

export interface Conv1DSpec extends LayerBase {
  op: "conv1d";
  filters: number;
  kernel: number;
  stride: number;
  padding: "same" | "valid";
}
export interface BatchNormSpec extends LayerBase {
  op: "batchnorm";
}
export interface ReluSpec extends LayerBase {
  op: "relu";
}
export interface MaxPool1DSpec extends LayerBase {
  op: "maxpool1d";
  /** Window length; the stride equals the window ('valid' padding), as in Keras' default. */
  pool: number;
}
export interface ConcatSpec extends LayerBase {
  op: "concat";
}
export interface GruSpec extends LayerBase {
  op: "gru";
  units: number;
  returnSequences: boolean;
}
export interface FlattenSpec extends LayerBase {
  op: "flatten";
}
export interface DenseSpec extends LayerBase {
  op: "dense";
  units: number;
  activation: "linear" | "relu" | "sigmoid";
}
export interface DropoutSpec extends LayerBase {
  op: "dropout";
  rate: number;
}

export type LayerSpec =
  | Conv1DSpec
  | BatchNormSpec
  | ReluSpec
  | MaxPool1DSpec
  | ConcatSpec
  | GruSpec
  | FlattenSpec
  | DenseSpec
  | DropoutSpec;

export type LayerOp = LayerSpec["op"];

export interface ArchSpec {
  /** Architecture name, e.g. "nnom". */
  name: string;
  /** Samples per input segment. */
  inputLength: number;
  /** If set, inputs are clipped to [-inputClip, inputClip] before the first layer. */
  inputClip: number | null;
  /**
   * If true, each segment is then scaled by the power of two that brings its peak |x| into
   * [0.5, 1) (docs/int8-spec.md §3, lib/data/peak_gain.ts); absent = not.
   */
  peakNormalize?: boolean;
  /** Layers in execution order; each reads only tensors produced before it. */
  layers: LayerSpec[];
  /** Name of the layer whose output is the model's output: one probability of VA. */
  output: string;
  /**
   * The decision's rate gate (docs/int8-spec.md §14): VA only at an estimated rate of at least
   * this many bpm (an integer in [1, 300]) or none; absent = no gate. The run's threshold is
   * chosen with it applied, and the IR carries it.
   */
  rateGateBpm?: number;
  /**
   * With a rate gate: the fast zone (docs/int8-spec.md §14), where the decision compares the
   * output with a threshold of its own. The run's threshold is chosen for the rest, with the
   * zone applied, and the IR carries it. Absent = none.
   */
  fastZone?: FastZone;
  /**
   * With a rate gate: below it the output is compared with this threshold instead of never
   * being VA (docs/int8-spec.md §14); the IR carries it. Absent = never VA below the gate.
   */
  belowGateThreshold?: number;
}
