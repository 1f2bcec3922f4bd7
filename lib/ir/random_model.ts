/**
 * Random small int8 models for the equivalence check of the TypeScript interpreter and the C
 * runtime: every supported op, random shapes, decs, shifts and weights, seeded. A model is
 * valid by construction (validateIR accepts it): every shift is in [0, 30], pre-activation decs
 * in [1, 12], GRU output decs in [7, 15], |bias| ≤ 2^29. Occasional extremes (shift 0 or 30,
 * bias ±2^29, weights at −128) exercise saturation and rounding edges.
 *
 * Structure: one to three conv1d branches on the input (concatenated when more than one, with
 * equal decs so the planner writes them in place, or unequal ones so the concat kernel
 * requantizes), optionally a conv1d with separate relu and maxpool1d layers, optionally a GRU
 * (returning sequences or not), flatten, zero to two hidden dense layers, and a head that is a
 * dense sigmoid or a dense linear followed by a sigmoid op.
 */
import type { LayerIR, ModelIR, TensorIR, WeightIR } from "./ir.ts";
import { IR_MAGIC, IR_VERSION } from "./ir.ts";
import { convOutputLength, samePadBefore } from "./geometry.ts";
import { mulberry32 } from "../random/mulberry32.ts";

/** A seeded generator of 32-bit uniform numbers (mulberry32). */
export class Random {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer uniform in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** The Q0.15 table of f over x = −8 + j/16, j = 0..256 (docs/int8-spec.md §12). */
export function q15Table(f: (x: number) => number): number[] {
  return Array.from({ length: 257 }, (_, j) => {
    const v = Math.floor(f(-8 + j / 16) * 32768 + 0.5);
    return Math.min(Math.max(v, -32768), 32767);
  });
}

const sigmoidTable = () => q15Table((x) => 1 / (1 + Math.exp(-x)));
const tanhTable = () => q15Table(Math.tanh);

class Builder {
  readonly tensors: Record<string, TensorIR> = {};
  readonly layers: LayerIR[] = [];
  private count = 0;

  constructor(readonly rng: Random) {}

  tensor(shape: number[], dec: number): string {
    const name = `t${this.count++}`;
    this.tensors[name] = { shape, dtype: "int8", dec };
    return name;
  }

  layer(
    op: LayerIR["op"],
    inputs: string[],
    output: string,
    attrs: LayerIR["attrs"],
    weights: Record<string, WeightIR> = {},
  ): string {
    this.layers.push({ name: `${op}_${this.layers.length}`, op, inputs, output, attrs, weights });
    return output;
  }

  dec(name: string): number {
    return this.tensors[name].dec as number;
  }

  shape(name: string): number[] {
    return this.tensors[name].shape;
  }

  int8s(n: number): number[] {
    const extreme = this.rng.chance(0.05);
    return Array.from(
      { length: n },
      () => (extreme ? this.rng.pick([-128, 127]) : this.rng.int(-128, 127)),
    );
  }

  /** A requantization shift; mostly moderate, sometimes the extremes 0 and 30. */
  shift(maxNatural: number): number {
    const r = this.rng.next();
    if (r < 0.05) return 0;
    if (r < 0.08) return 30;
    return this.rng.int(Math.max(0, maxNatural - 6), maxNatural + 2);
  }

  /** Biases of `n` channels at the accumulator's scale; mostly near 2^shift, rarely ±2^29. */
  biases(n: number, shift: number): number[] {
    const bound = 2 ** Math.min(29, shift + 7);
    return Array.from({ length: n }, () => {
      if (this.rng.chance(0.03)) return this.rng.pick([-(2 ** 29), 2 ** 29]);
      return this.rng.int(-bound, bound);
    });
  }
}

/** Natural shift for an accumulator of `terms` int8 products: keeps outputs mostly in range. */
function naturalShift(terms: number): number {
  return 7 + Math.ceil(Math.log2(Math.sqrt(terms) + 1));
}

function conv(
  b: Builder,
  x: string,
  opts: Omit<ConvShape, "length" | "channels"> & { outDec?: number },
): string {
  const { rng } = b;
  const [tIn, cIn] = b.shape(x);
  const dx = b.dec(x);
  const tConv = convOutputLength(tIn, opts.kernel, opts.stride, opts.padding);
  const pool = Math.min(opts.pool, tConv); // at least one output row
  const tOut = Math.floor(tConv / pool);
  const perChannel = rng.chance(0.4);
  const shiftBase = b.shift(naturalShift(opts.kernel * cIn));
  let outDec = opts.outDec;
  // Weight decs chosen so that every channel's shift dx + dw − dy lands in [0, 30].
  const baseDw = rng.int(0, 9);
  if (outDec === undefined) outDec = dx + baseDw - shiftBase;
  const decs = Array.from({ length: opts.filters }, () => {
    const dw = perChannel ? baseDw + rng.int(-2, 2) : baseDw;
    const s = dx + dw - outDec!;
    return s < 0 ? outDec! - dx : s > 30 ? outDec! - dx + 30 : dw;
  });
  const kernel: WeightIR = {
    shape: [opts.filters, opts.kernel, cIn],
    dtype: "int8",
    data: b.int8s(opts.filters * opts.kernel * cIn),
    dec: perChannel ? decs : decs[0],
  };
  const shiftMax = Math.max(...decs.map((dw) => dx + dw - outDec!));
  const bias: WeightIR = {
    shape: [opts.filters],
    dtype: "int32",
    data: b.biases(opts.filters, shiftMax),
    dec: perChannel ? decs.map((dw) => dx + dw) : dx + decs[0],
  };
  const y = b.tensor([tOut, opts.filters], outDec);
  return b.layer("conv1d", [x], y, {
    kernel: opts.kernel,
    stride: opts.stride,
    padding: opts.padding,
    padBefore: opts.padding === "same" ? samePadBefore(tIn, opts.kernel, opts.stride) : 0,
    activation: opts.activation,
    pool,
  }, { kernel, bias });
}

function dense(
  b: Builder,
  x: string,
  units: number,
  activation: "linear" | "relu" | "sigmoid",
  minOutDec = -4,
): string {
  const { rng } = b;
  const [nIn] = b.shape(x);
  const dx = b.dec(x);
  const kernel: WeightIR = {
    shape: [units, nIn],
    dtype: "int8",
    data: b.int8s(units * nIn),
    dec: 0,
  };
  if (activation === "sigmoid") {
    // dx can be high after a chain of layers: dx + dw ≤ 42 and preDec ≥ dx + dw − 30 keep the
    // shift dx + dw − preDec in [0, 30].
    const dw = Math.max(Math.min(rng.int(0, 8), 42 - dx), 1 - dx);
    const preDec = rng.int(Math.max(1, dx + dw - 30), Math.min(12, dx + dw));
    kernel.dec = dw;
    const shift = dx + dw - preDec;
    const bias: WeightIR = {
      shape: [units],
      dtype: "int32",
      data: b.biases(units, shift),
      dec: dx + dw,
    };
    const table: WeightIR = { shape: [257], dtype: "int16", data: sigmoidTable(), dec: 15 };
    const y = b.tensor([units], 7);
    return b.layer("dense", [x], y, { activation, preDec }, { kernel, bias, sigmoidTable: table });
  }
  const s = b.shift(naturalShift(nIn));
  const dw = Math.max(rng.int(0, 9), minOutDec + s - dx, s - dx - 20);
  kernel.dec = dw;
  const bias: WeightIR = { shape: [units], dtype: "int32", data: b.biases(units, s), dec: dx + dw };
  const y = b.tensor([units], dx + dw - s);
  return b.layer("dense", [x], y, { activation }, { kernel, bias });
}

function gru(b: Builder, x: string): string {
  const { rng } = b;
  const [t, nIn] = b.shape(x);
  const units = rng.int(1, 6);
  const dx = b.dec(x);
  const dW = Math.max(rng.int(0, 8), 1 - dx);
  const dU = rng.int(0, 8);
  const preDec = rng.int(1, Math.min(12, dx + dW, 15 + dU));
  const recurrentActivation = rng.chance(0.6) ? "hard_sigmoid" : "sigmoid";
  const returnSequences = rng.chance(0.6);
  const weights: Record<string, WeightIR> = {
    kernel: { shape: [3, units, nIn], dtype: "int8", data: b.int8s(3 * units * nIn), dec: dW },
    recurrent: {
      shape: [3, units, units],
      dtype: "int8",
      data: b.int8s(3 * units * units),
      dec: dU,
    },
    bias: {
      shape: [3, units],
      dtype: "int32",
      data: b.biases(3 * units, dx + dW - preDec + preDec - 1),
      dec: dx + dW,
    },
    tanhTable: { shape: [257], dtype: "int16", data: tanhTable(), dec: 15 },
  };
  if (recurrentActivation === "sigmoid") {
    weights.sigmoidTable = { shape: [257], dtype: "int16", data: sigmoidTable(), dec: 15 };
  }
  const y = b.tensor(returnSequences ? [t, units] : [units], rng.int(7, 15));
  return b.layer("gru", [x], y, {
    units,
    returnSequences,
    recurrentActivation,
    activation: "tanh",
    preDec,
  }, weights);
}

/**
 * A random valid int8 model from `seed` (same seed, same model). The input is [T, 1] with
 * T ∈ [8, 48], or for one model in four T ∈ [49, 320] (long enough for the Cortex-M4 kernels'
 * chunked paths); the output is [N] with N ∈ [1, 3], dec 7.
 */
export function randomModel(seed: number): ModelIR {
  const rng = new Random(seed);
  const b = new Builder(rng);
  const input = b.tensor([rng.chance(0.25) ? rng.int(49, 320) : rng.int(8, 48), 1], rng.int(0, 9));
  let x = input;

  // Parallel convolution branches on the input, concatenated. Strides 4 and 8 and kernels up to
  // 16 reach the M4 kernels' whole-word and sliding paths (twoblock's first conv: 8 and 15).
  const branches = rng.int(1, 3);
  const stride = rng.pick([1, 1, 2, 2, 3, 4, 8]);
  const pool = rng.pick([1, 1, 2, 3, 4]);
  const padding = branches > 1 || rng.chance(0.5) ? "same" : "valid";
  const sharedDec = rng.chance(0.7) ? rng.int(-2, 10) : undefined;
  const outs: string[] = [];
  for (let i = 0; i < branches; i++) {
    outs.push(conv(b, x, {
      filters: rng.int(1, 8),
      kernel: rng.int(1, Math.min(rng.chance(0.3) ? 16 : 7, b.shape(x)[0])),
      stride,
      padding,
      pool,
      activation: rng.chance(0.7) ? "relu" : "linear",
      outDec: sharedDec ?? rng.int(-2, 10),
    }));
  }
  if (outs.length > 1) {
    const dec = Math.min(...outs.map((o) => b.dec(o)));
    const channels = outs.reduce((sum, o) => sum + b.shape(o)[1], 0);
    x = b.layer("concat", outs, b.tensor([b.shape(outs[0])[0], channels], dec), {});
  } else {
    x = outs[0];
  }

  // A convolution with separate activation and pooling layers, over all the branches' channels
  // (up to 24: windows up to 24·K bytes, up to 12 filters, as twoblock's second conv: 6·5, 12).
  if (rng.chance(0.5) && b.shape(x)[0] >= 3) {
    x = conv(b, x, {
      filters: rng.int(1, 12),
      kernel: rng.int(1, Math.min(rng.chance(0.2) ? 12 : 5, b.shape(x)[0])),
      stride: rng.int(1, 2),
      padding: rng.pick(["same", "valid"] as const),
      pool: 1,
      activation: "linear",
    });
    if (rng.chance(0.7)) x = b.layer("relu", [x], b.tensor(b.shape(x), b.dec(x)), {});
    const [t, c] = b.shape(x);
    if (rng.chance(0.7) && t >= 2) {
      const p = rng.int(2, Math.min(3, t));
      const s = rng.int(1, p);
      x = b.layer("maxpool1d", [x], b.tensor([Math.floor((t - p) / s) + 1, c], b.dec(x)), {
        pool: p,
        stride: s,
      });
    }
  }

  if (rng.chance(0.6)) x = gru(b, x);
  if (b.shape(x).length === 2) {
    const [t, c] = b.shape(x);
    x = b.layer("flatten", [x], b.tensor([t * c], b.dec(x)), {});
  }
  for (let i = rng.int(0, 2); i > 0; i--) {
    x = dense(b, x, rng.int(1, 8), rng.pick(["linear", "relu"] as const));
  }

  const units = rng.int(1, 3);
  if (rng.chance(0.5)) {
    x = dense(b, x, units, "sigmoid");
  } else {
    x = dense(b, x, units, "linear", 1);
    const preDec = rng.int(1, Math.min(12, b.dec(x)));
    const table: WeightIR = { shape: [257], dtype: "int16", data: sigmoidTable(), dec: 15 };
    x = b.layer("sigmoid", [x], b.tensor(b.shape(x), 7), { preDec }, { sigmoidTable: table });
  }
  return {
    magic: IR_MAGIC,
    version: IR_VERSION,
    arch: `random-${seed}`,
    form: "int8",
    input,
    inputClip: null,
    output: x,
    threshold: Math.round(rng.next() * 100) / 100,
    tensors: b.tensors,
    layers: b.layers,
  };
}

/** The shape of randomConvModel's convolution. */
export interface ConvShape {
  /** Input rows T and channels C_in. */
  length: number;
  channels: number;
  filters: number;
  kernel: number;
  stride: number;
  padding: "same" | "valid";
  pool: number;
  activation: "linear" | "relu";
}

/**
 * A random valid int8 model around one convolution of a chosen shape: input [length,
 * channels] → conv1d → flatten → dense sigmoid (one unit). Weights, decs and shifts are drawn
 * from `seed` as in randomModel; for checking kernels on shapes random models rarely reach.
 */
export function randomConvModel(seed: number, shape: ConvShape): ModelIR {
  const rng = new Random(seed);
  const b = new Builder(rng);
  const input = b.tensor([shape.length, shape.channels], rng.int(0, 9));
  let x = conv(b, input, shape);
  const [t, c] = b.shape(x);
  x = b.layer("flatten", [x], b.tensor([t * c], b.dec(x)), {});
  x = dense(b, x, 1, "sigmoid");
  return {
    magic: IR_MAGIC,
    version: IR_VERSION,
    arch: `random-conv-${seed}`,
    form: "int8",
    input,
    inputClip: null,
    output: x,
    threshold: 0.5,
    tensors: b.tensors,
    layers: b.layers,
  };
}

/**
 * Random int8 inputs of `length` for case `index`: the first cases are the extremes (all −128,
 * all 127, zeros, alternating −128/127), then uniform noise and small-amplitude noise.
 */
export function randomInput(rng: Random, length: number, index: number): Int8Array {
  const x = new Int8Array(length);
  switch (index) {
    case 0:
      return x.fill(-128);
    case 1:
      return x.fill(127);
    case 2:
      return x;
    case 3:
      return x.map((_, i) => (i % 2 ? 127 : -128));
  }
  const amplitude = rng.pick([4, 16, 128]);
  for (let i = 0; i < length; i++) {
    x[i] = Math.max(-128, Math.min(127, rng.int(-amplitude, amplitude - 1)));
  }
  return x;
}
