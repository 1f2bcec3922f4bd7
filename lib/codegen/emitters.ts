/**
 * The op → emitter table: how each IR op becomes a call of a runtime kernel
 * (firmware/runtime/include/iegm_kernels.h). An emitter reads one layer of a validated,
 * planned int8 IR, declares the constants it needs through the context, and returns the C
 * statements of the layer's body (none for a layer the plan made a no-op) and its MACs.
 * The arithmetic each kernel performs, and so every derived shift, is docs/int8-spec.md.
 */
import type { LayerIR, ModelIR, OpIR, WeightIR } from "../ir/ir.ts";
import type { CIntType } from "./c_syntax.ts";

/** What an emitter may ask of the generator. */
export interface EmitContext {
  readonly ir: ModelIR;
  readonly layer: LayerIR;
  /** A C expression of type `int8_t *` pointing at tensor `name`'s element [0, 0]. */
  pointer(name: string): string;
  /** Elements between rows of tensor `name` as stored (the parent's channels for a view). */
  rowStride(name: string): number;
  /** True if `name` is stored dense (not a view of a wider tensor). */
  isDense(name: string): boolean;
  /** Declares a constant array named after the layer and `suffix`; returns its C name. */
  constant(suffix: string, type: CIntType, values: ArrayLike<number>): string;
  /** C expressions of the GRU state (int16_t *) and scratch (int16_t *) buffers, checked to
   * hold at least the given element counts. */
  stateBuffer(elements: number): string;
  scratchBuffer(elements: number): string;
  /** Throws an Error naming the layer. */
  fail(message: string): never;
}

/** One layer's C: statements of its body (empty = nothing to run) and its multiply-accumulates. */
export interface EmittedLayer {
  statements: string[];
  macs: number;
}

export type Emitter = (ctx: EmitContext) => EmittedLayer;

function decOf(ctx: EmitContext, tensor: string): number {
  return ctx.ir.tensors[tensor].dec as number;
}

function weight(ctx: EmitContext, name: string): WeightIR {
  const w = ctx.layer.weights[name];
  if (!w) ctx.fail(`missing weight "${name}"`);
  return w;
}

/** One dec per output channel, from a per-tensor or per-channel weight dec. */
function channelDecs(w: WeightIR, channels: number): number[] {
  return Array.isArray(w.dec) ? w.dec : new Array(channels).fill(w.dec as number);
}

function shifts(ctx: EmitContext, decIn: number, decW: number[], decOut: number): number[] {
  return decW.map((dw, c) => {
    const s = decIn + dw - decOut;
    if (!(Number.isInteger(s) && s >= 0 && s <= 30)) {
      ctx.fail(`channel ${c}: shift ${s} is outside [0, 30]`);
    }
    return s;
  });
}

function requireDenseInput(ctx: EmitContext, name: string): void {
  if (!ctx.isDense(name)) ctx.fail(`input "${name}" is a view; this kernel reads dense tensors`);
}

function requireDenseOutput(ctx: EmitContext): void {
  if (!ctx.isDense(ctx.layer.output)) {
    ctx.fail(`output "${ctx.layer.output}" is a view; this kernel writes dense tensors`);
  }
}

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The conv1d kernel for a shape: a single-channel input at stride 2 (nnom's branches on the raw
 * segment) and windows of at most 16 bytes at steps of 4k + 2 bytes (a first conv at stride 6)
 * have kernels of their own, so that only the images with such a layer link them
 * (iegm_kernels.h states their shapes; they pass any other on to iegm_conv1d_s8).
 */
export function conv1dKernel(cIn: number, stride: number, k: number, pool: number): string {
  if (cIn === 1 && stride === 2 && k <= 16 && pool <= 4) return "iegm_conv1d_c1s2_s8";
  if ((stride * cIn) % 4 === 2 && k * cIn <= 16) return "iegm_conv1d_phased_s8";
  return "iegm_conv1d_s8";
}

const conv1d: Emitter = (ctx) => {
  const { layer, ir } = ctx;
  const x = layer.inputs[0];
  requireDenseInput(ctx, x);
  const [tIn, cIn] = ir.tensors[x].shape;
  const [tOut, cOut] = ir.tensors[layer.output].shape;
  const kernel = weight(ctx, "kernel");
  const k = kernel.shape[1];
  const pool = Number(layer.attrs.pool ?? 1);
  const shift = shifts(ctx, decOf(ctx, x), channelDecs(kernel, cOut), decOf(ctx, layer.output));
  const w = ctx.constant("kernel", "int8", kernel.data);
  const bias = ctx.constant("bias", "int32", weight(ctx, "bias").data);
  const sh = ctx.constant("shift", "uint8", shift);
  const relu = layer.attrs.activation === "relu" ? 1 : 0;
  const stride = Number(layer.attrs.stride);
  const padBefore = Number(layer.attrs.padBefore);
  const [y, yRowStride] = [ctx.pointer(layer.output), ctx.rowStride(layer.output)];
  const args = [ctx.pointer(x), tIn, cIn, w, bias, sh, cOut, k, stride, padBefore, tOut, pool];
  args.push(relu, y, yRowStride);
  return {
    statements: [`${conv1dKernel(cIn, stride, k, pool)}(${args.join(", ")});`],
    macs: tOut * pool * cOut * k * cIn,
  };
};

const maxpool1d: Emitter = (ctx) => {
  const { layer, ir } = ctx;
  const x = layer.inputs[0];
  requireDenseInput(ctx, x);
  const [tIn, c] = ir.tensors[x].shape;
  const [tOut] = ir.tensors[layer.output].shape;
  return {
    statements: [
      `iegm_maxpool1d_s8(${ctx.pointer(x)}, ${tIn}, ${c}, ${Number(layer.attrs.pool)}, ${
        Number(layer.attrs.stride)
      }, ${tOut}, ${ctx.pointer(layer.output)}, ${ctx.rowStride(layer.output)});`,
    ],
    macs: 0,
  };
};

const relu: Emitter = (ctx) => {
  const x = ctx.layer.inputs[0];
  requireDenseInput(ctx, x);
  requireDenseOutput(ctx);
  const n = elements(ctx.ir.tensors[x].shape);
  return {
    statements: [`iegm_relu_s8(${ctx.pointer(x)}, ${n}, ${ctx.pointer(ctx.layer.output)});`],
    macs: 0,
  };
};

const concat: Emitter = (ctx) => {
  const { layer, ir } = ctx;
  const output = layer.output;
  let channelOffset = 0;
  let inPlace = true;
  for (const name of layer.inputs) {
    const view = ir.tensors[name].view;
    inPlace &&= view?.of === output && view.channelOffset === channelOffset &&
      decOf(ctx, name) === decOf(ctx, output);
    channelOffset += ir.tensors[name].shape[1];
  }
  // The planner made every input a view of the output: the producers already wrote it.
  if (inPlace) return { statements: [], macs: 0 };
  for (const name of layer.inputs) requireDenseInput(ctx, name);
  const dy = decOf(ctx, output);
  const shift = ctx.constant(
    "shift",
    "uint8",
    layer.inputs.map((name) => {
      const s = decOf(ctx, name) - dy;
      if (!(s >= 0 && s <= 30)) ctx.fail(`input "${name}": shift ${s} is outside [0, 30]`);
      return s;
    }),
  );
  const channels = layer.inputs.map((n) => ir.tensors[n].shape[1]);
  return {
    statements: [
      `static const int channels[${channels.length}] = {${channels.join(", ")}};`,
      `const int8_t *const inputs[${layer.inputs.length}] = {${
        layer.inputs.map((n) => ctx.pointer(n)).join(", ")
      }};`,
      `iegm_concat_s8(${layer.inputs.length}, inputs, channels, ${shift}, ${
        ir.tensors[output].shape[0]
      }, ${ctx.pointer(output)}, ${ctx.rowStride(output)});`,
    ],
    macs: 0,
  };
};

const flatten: Emitter = (ctx) => {
  const { layer, ir } = ctx;
  const x = layer.inputs[0];
  requireDenseOutput(ctx);
  const shape = ir.tensors[x].shape;
  const [t, c] = shape.length === 2 ? shape : [1, shape[0]];
  const same = ctx.isDense(x) && ir.tensors[x].offset === ir.tensors[layer.output].offset;
  // [T, C] row-major already is the flat vector: nothing to run when the plan aliased them.
  if (same) return { statements: [], macs: 0 };
  return {
    statements: [
      `iegm_flatten_s8(${ctx.pointer(x)}, ${t}, ${c}, ${ctx.rowStride(x)}, ${
        ctx.pointer(layer.output)
      });`,
    ],
    macs: 0,
  };
};

const ACTIVATIONS: Record<string, string> = {
  linear: "IEGM_ACT_LINEAR",
  relu: "IEGM_ACT_RELU",
  sigmoid: "IEGM_ACT_SIGMOID",
};

const dense: Emitter = (ctx) => {
  const { layer } = ctx;
  const x = layer.inputs[0];
  requireDenseInput(ctx, x);
  requireDenseOutput(ctx);
  const kernel = weight(ctx, "kernel");
  const [nOut, nIn] = kernel.shape;
  const activation = String(layer.attrs.activation);
  const act = ACTIVATIONS[activation] ?? ctx.fail(`activation "${activation}" is not supported`);
  const sigmoid = activation === "sigmoid";
  const preDec = sigmoid ? Number(layer.attrs.preDec) : 0;
  const target = sigmoid ? preDec : decOf(ctx, layer.output);
  const shift = shifts(ctx, decOf(ctx, x), channelDecs(kernel, nOut), target);
  const w = ctx.constant("kernel", "int8", kernel.data);
  const bias = ctx.constant("bias", "int32", weight(ctx, "bias").data);
  const sh = ctx.constant("shift", "uint8", shift);
  const table = sigmoid
    ? ctx.constant("sigmoid_table", "int16", weight(ctx, "sigmoidTable").data)
    : "NULL";
  return {
    statements: [
      `iegm_dense_s8(${
        ctx.pointer(x)
      }, ${nIn}, ${w}, ${bias}, ${sh}, ${nOut}, ${act}, ${table}, ${preDec}, ${
        ctx.pointer(layer.output)
      });`,
    ],
    macs: nIn * nOut,
  };
};

const gru: Emitter = (ctx) => {
  const { layer, ir } = ctx;
  const x = layer.inputs[0];
  requireDenseInput(ctx, x);
  const [t, nIn] = ir.tensors[x].shape;
  const units = Number(layer.attrs.units);
  const kernel = weight(ctx, "kernel"), recurrent = weight(ctx, "recurrent");
  const preDec = Number(layer.attrs.preDec);
  const dx = decOf(ctx, x);
  // Per gate row g·U + u (docs/int8-spec.md §11); a per-tensor dec is the same for every row.
  const rows = 3 * units;
  const sx = channelDecs(kernel, rows).map((dw) => dx + dw - preDec);
  const sr = channelDecs(recurrent, rows).map((du) => 15 + du - preDec);
  const outShift = 15 - decOf(ctx, layer.output);
  for (const [what, values] of [["input", sx], ["recurrent", sr]] as const) {
    values.forEach((s, row) => {
      if (!(Number.isInteger(s) && s >= 0 && s <= 30)) {
        ctx.fail(`row ${row}: ${what} shift ${s} is outside [0, 30]`);
      }
    });
  }
  if (!(outShift >= 0 && outShift <= 8)) ctx.fail(`output shift ${outShift} is outside [0, 8]`);
  const hard = layer.attrs.recurrentActivation === "hard_sigmoid" ? 1 : 0;
  const returnSequences = layer.attrs.returnSequences === true ? 1 : 0;
  const w = ctx.constant("kernel", "int8", kernel.data);
  const r = ctx.constant("recurrent", "int8", recurrent.data);
  const bias = ctx.constant("bias", "int32", weight(ctx, "bias").data);
  const sxName = ctx.constant("input_shift", "uint8", sx);
  const srName = ctx.constant("recurrent_shift", "uint8", sr);
  const tanh = ctx.constant("tanh_table", "int16", weight(ctx, "tanhTable").data);
  const sigmoid = hard
    ? "NULL"
    : ctx.constant("sigmoid_table", "int16", weight(ctx, "sigmoidTable").data);
  const state = ctx.stateBuffer(units);
  const scratch = ctx.scratchBuffer(2 * units);
  return {
    statements: [
      `iegm_gru_s8(${
        ctx.pointer(x)
      }, ${t}, ${nIn}, ${units}, ${w}, ${r}, ${bias}, ${sxName}, ${srName}, ${preDec}, ${hard}, ${tanh}, ${sigmoid}, ${outShift}, ${returnSequences}, ${
        ctx.pointer(layer.output)
      }, ${ctx.rowStride(layer.output)}, ${state}, ${scratch});`,
    ],
    macs: t * 3 * units * (nIn + units),
  };
};

const sigmoid: Emitter = (ctx) => {
  const { layer, ir } = ctx;
  const x = layer.inputs[0];
  requireDenseInput(ctx, x);
  requireDenseOutput(ctx);
  const preDec = Number(layer.attrs.preDec);
  const inShift = decOf(ctx, x) - preDec;
  if (!(inShift >= 0 && inShift <= 30)) ctx.fail(`input shift ${inShift} is outside [0, 30]`);
  const table = ctx.constant("sigmoid_table", "int16", weight(ctx, "sigmoidTable").data);
  return {
    statements: [
      `iegm_sigmoid_s8(${ctx.pointer(x)}, ${
        elements(ir.tensors[x].shape)
      }, ${inShift}, ${preDec}, ${table}, ${ctx.pointer(layer.output)});`,
    ],
    macs: 0,
  };
};

/** The ops the code generator supports, and how each is emitted. */
export const EMITTERS: Readonly<Record<OpIR, Emitter>> = {
  conv1d,
  relu,
  maxpool1d,
  concat,
  flatten,
  dense,
  gru,
  sigmoid,
};
