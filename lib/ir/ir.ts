/**
 * The model IR (contract 4): a versioned JSON graph that is the only input of the
 * interpreters, the planner, the reports and the code generator. Float and int8 forms share
 * this schema; quantization fills in `dec` on tensors and replaces float weights by integer
 * ones. The int8 arithmetic each op follows is specified in docs/int8-spec.md.
 *
 * Layouts (batch omitted, channels last):
 * - sequence tensors are [T, C]; flat tensors are [N].
 * - conv1d: weights.kernel [Cout, K, Cin], weights.bias [Cout].
 * - dense: weights.kernel [Out, In], weights.bias [Out].
 * - gru: weights.kernel [3, units, in], weights.recurrent [3, units, units],
 *   weights.bias [3, units]; gate order z (update), r (reset), h (candidate), as in tfjs.
 */

export const IR_MAGIC = "IEGM-IR";
export const IR_VERSION = 1;

/** Element types of tensors and weights. */
export type DType = "float32" | "int8" | "int16" | "int32";

/** An activation tensor. */
export interface TensorIR {
  /** [T, C] or [N]. */
  shape: number[];
  dtype: DType;
  /** int forms only: fractional bits, real = q · 2^-dec. */
  dec?: number;
  /** Set by the planner: byte offset in the arena. */
  offset?: number;
  /**
   * Set by the planner for in-place concatenation: this [T, C] tensor is stored inside tensor
   * `of` ([T, C_of]) at channels [channelOffset, channelOffset + C), so its rows are C_of
   * elements apart. Its producer writes with that row stride and the concat is a no-op.
   */
  view?: { of: string; channelOffset: number };
}

/** A constant (weights, biases, tables). `data` is row-major in `shape`. */
export interface WeightIR {
  shape: number[];
  dtype: DType;
  data: number[];
  /** int forms only: one dec for the tensor, or one per output channel (first axis). */
  dec?: number | number[];
}

export type OpIR =
  | "conv1d"
  | "relu"
  | "maxpool1d"
  | "concat"
  | "flatten"
  | "dense"
  | "gru"
  | "sigmoid";

/** One layer. Attributes by op:
 * - conv1d: kernel, stride, padding ("same" | "valid"), padBefore (tfjs' rule), activation
 *   ("linear" | "relu"), pool (a fused max-pool window and stride; 1 = none); BatchNorm is
 *   already folded into kernel and bias.
 * - maxpool1d: pool, stride.
 * - concat: along channels.
 * - dense: activation ("linear" | "relu" | "sigmoid").
 * - gru: units, returnSequences, recurrentActivation ("hard_sigmoid" | "sigmoid"),
 *   activation ("tanh").
 * - sigmoid: none.
 */
export interface LayerIR {
  name: string;
  op: OpIR;
  /** Names of tensors read, in order. */
  inputs: string[];
  /** Name of the tensor written. */
  output: string;
  attrs: Record<string, number | string | boolean>;
  weights: Record<string, WeightIR>;
}

/** A rate zone with a threshold of its own (ModelIR.fastZone, ArchSpec.fastZone). */
export interface FastZone {
  /** The zone's lowest rate, bpm. */
  bpm: number;
  /** The decision threshold on the output probability inside the zone. */
  threshold: number;
}

export interface ModelIR {
  magic: typeof IR_MAGIC;
  version: typeof IR_VERSION;
  /** The ArchSpec name this came from. */
  arch: string;
  form: "float" | "int8";
  /** Input tensor name; its float values are clipped to [-inputClip, inputClip] first. */
  input: string;
  inputClip: number | null;
  /** After clipping, each segment is peak-normalized (spec §3); absent = false. */
  peakNormalize?: boolean;
  /** Output tensor name: the probability of VA (int8 form: a graded int8 probability). */
  output: string;
  /** Decision threshold on the output probability, chosen on validation. */
  threshold: number;
  /**
   * The rate gate (docs/int8-spec.md §14): VA only when the segment's estimated rate is at least
   * this many bpm (an integer in [1, 300]) or cannot be estimated. Absent or null = no gate;
   * optional so that IRs from before it keep their meaning.
   */
  rateGateBpm?: number | null;
  /**
   * The fast zone (docs/int8-spec.md §14), only with a rate gate: at an estimated rate of at
   * least `bpm` (an integer in [rateGateBpm, 300]) the output is compared with `threshold`
   * instead of the model's `threshold`. Absent or null = none.
   */
  fastZone?: FastZone | null;
  /**
   * Only with a rate gate (docs/int8-spec.md §14): below the gate, the output is compared with
   * this threshold instead of never being VA, so a network sure enough overrules a rate estimate
   * that undercounts fibrillation. Absent or null = never VA below the gate.
   */
  belowGateThreshold?: number | null;
  tensors: Record<string, TensorIR>;
  /** Layers in execution order. */
  layers: LayerIR[];
}
