/**
 * The int8 interpreter: runs an int8 IR on a quantized segment with the reference kernels of
 * int8_kernels.ts. Each IR is prepared once (weights to typed arrays, shifts from decs), and
 * the preparation is cached per IR object, so repeated runs only execute kernels.
 */
import type { LayerIR, ModelIR, TensorIR, WeightIR } from "../ir/ir.ts";
import { validateIR } from "../ir/validate.ts";
import { convOutputLength } from "../ir/geometry.ts";
import {
  concatS8,
  conv1dS8,
  denseS8,
  gruS8,
  maxpool1dS8,
  reluS8,
  sigmoidS8,
} from "./int8_kernels.ts";

/** Result of {@linkcode runInt8}. */
export interface Int8Result {
  /** The raw int8 output (dec 7): the probability times 128, in [0, 127]. */
  output: number;
  /** `output / 128`. */
  probability: number;
  /** Every tensor by name, the input included (int8; dense, row stride = own channels). */
  tensors: Record<string, Int8Array | Int16Array>;
}

type Step = (tensors: Record<string, Int8Array>) => Int8Array;

const prepared = new WeakMap<ModelIR, Step[]>();

/**
 * Runs the int8 IR `ir` on `input` (the quantized segment, see `quantizeInput`).
 * The IR is validated the first time it is run.
 *
 * @example
 * ```ts ignore
 * const { output, probability, tensors } = runInt8(ir, quantizeInput(ir, samples));
 * ```
 */
export function runInt8(ir: ModelIR, input: Int8Array): Int8Result {
  let steps = prepared.get(ir);
  if (!steps) {
    if (ir.form !== "int8") throw new TypeError(`runInt8 needs an int8 IR, got form "${ir.form}"`);
    validateIR(ir);
    steps = ir.layers.map((layer) => prepareLayer(ir, layer));
    prepared.set(ir, steps);
  }
  const expected = ir.tensors[ir.input].shape.reduce((a, b) => a * b, 1);
  if (input.length !== expected) {
    throw new RangeError(`Input holds ${input.length} values, the model needs ${expected}`);
  }
  const tensors: Record<string, Int8Array> = { [ir.input]: input };
  for (let i = 0; i < steps.length; i++) tensors[ir.layers[i].output] = steps[i](tensors);
  const output = tensors[ir.output][0];
  return { output, probability: output / 128, tensors };
}

function prepareLayer(ir: ModelIR, layer: LayerIR): Step {
  const inT = ir.tensors[layer.inputs[0]];
  const outT = ir.tensors[layer.output];
  const outSize = outT.shape.reduce((a, b) => a * b, 1);
  const [input] = layer.inputs;
  const a = layer.attrs;
  switch (layer.op) {
    case "conv1d": {
      const [tIn, cIn] = inT.shape;
      const cOut = outT.shape[1];
      const k = a.kernel as number;
      const stride = a.stride as number;
      const pool = a.pool as number;
      const kernel = layer.weights.kernel;
      const params = {
        tIn,
        cIn,
        w: Int8Array.from(kernel.data),
        bias: Int32Array.from(layer.weights.bias.data),
        shift: Uint8Array.from(decsOf(kernel, cOut), (dw) => inT.dec! + dw - outT.dec!),
        cOut,
        k,
        stride,
        padBefore: a.padBefore as number,
        tOut: Math.floor(convOutputLength(tIn, k, stride, a.padding as string) / pool),
        pool,
        relu: a.activation === "relu",
      };
      return (t) => {
        const y = new Int8Array(outSize);
        conv1dS8({ ...params, x: t[input], y });
        return y;
      };
    }
    case "maxpool1d":
      return (t) => {
        const y = new Int8Array(outSize);
        maxpool1dS8(
          t[input],
          outT.shape[1],
          a.pool as number,
          a.stride as number,
          outT.shape[0],
          y,
        );
        return y;
      };
    case "relu":
      return (t) => {
        const y = new Int8Array(outSize);
        reluS8(t[input], y);
        return y;
      };
    case "flatten":
      return (t) => t[input].slice();
    case "concat": {
      const shapes = layer.inputs.map((n) => ir.tensors[n]);
      const channels = shapes.map((s) => s.shape[1]);
      const shifts = shapes.map((s) => s.dec! - outT.dec!);
      return (t) => {
        const y = new Int8Array(outSize);
        concatS8(layer.inputs.map((n) => t[n]), channels, shifts, outT.shape[0], y);
        return y;
      };
    }
    case "dense": {
      const nIn = inT.shape[0];
      const nOut = outT.shape[0];
      const activation = a.activation as "linear" | "relu" | "sigmoid";
      const preDec = activation === "sigmoid" ? a.preDec as number : 0;
      const target = activation === "sigmoid" ? preDec : outT.dec!;
      const params = {
        nIn,
        w: Int8Array.from(layer.weights.kernel.data),
        bias: Int32Array.from(layer.weights.bias.data),
        shift: Uint8Array.from(decsOf(layer.weights.kernel, nOut), (dw) => inT.dec! + dw - target),
        nOut,
        activation,
        table: activation === "sigmoid" ? Int16Array.from(layer.weights.sigmoidTable.data) : null,
        preDec,
      };
      return (t) => {
        const y = new Int8Array(outSize);
        denseS8({ ...params, x: t[input], y });
        return y;
      };
    }
    case "sigmoid": {
      const preDec = a.preDec as number;
      const table = Int16Array.from(layer.weights.sigmoidTable.data);
      return (t) => {
        const y = new Int8Array(outSize);
        sigmoidS8(t[input], inT.dec! - preDec, preDec, table, y);
        return y;
      };
    }
    case "gru":
      return prepareGru(layer, inT, outT, outSize);
  }
}

function prepareGru(layer: LayerIR, inT: TensorIR, outT: TensorIR, outSize: number): Step {
  const [t, nIn] = inT.shape;
  const units = layer.attrs.units as number;
  const w = layer.weights;
  const preDec = layer.attrs.preDec as number;
  const hardSigmoid = layer.attrs.recurrentActivation === "hard_sigmoid";
  const params = {
    t,
    nIn,
    units,
    w: Int8Array.from(w.kernel.data),
    r: Int8Array.from(w.recurrent.data),
    bias: Int32Array.from(w.bias.data),
    sx: Uint8Array.from(decsOf(w.kernel, 3 * units), (dW) => inT.dec! + dW - preDec),
    sr: Uint8Array.from(decsOf(w.recurrent, 3 * units), (dU) => 15 + dU - preDec),
    preDec,
    hardSigmoid,
    tanhTable: Int16Array.from(w.tanhTable.data),
    sigmoidTable: hardSigmoid ? null : Int16Array.from(w.sigmoidTable.data),
    outShift: 15 - outT.dec!,
    returnSequences: layer.attrs.returnSequences as boolean,
    state: new Int16Array(units),
    scratch: new Int16Array(2 * units),
  };
  const input = layer.inputs[0];
  return (tensors) => {
    const y = new Int8Array(outSize);
    gruS8({ ...params, x: tensors[input], y });
    return y;
  };
}

/** One dec per output channel (a scalar dec repeated). */
function decsOf(weight: WeightIR, channels: number): number[] {
  const dec = weight.dec!;
  return Array.isArray(dec) ? dec : new Array(channels).fill(dec);
}
