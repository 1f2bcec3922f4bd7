/** The float interpreter: runs a float IR on a raw segment, equal to tfjs within 1e-5. */
import type { LayerIR, ModelIR } from "../ir/ir.ts";
import { validateIR } from "../ir/validate.ts";
import { convOutputLength } from "../ir/geometry.ts";
import { peakExponent } from "../data/peak_gain.ts";
import {
  concatF,
  conv1dF,
  denseF,
  gruF,
  hardSigmoid,
  maxpool1dF,
  sigmoid,
} from "./float_kernels.ts";

/** Result of {@linkcode runFloat}. */
export interface FloatResult {
  /** The model's output probability. */
  probability: number;
  /** Every tensor by name, the clipped input included. */
  tensors: Record<string, Float32Array>;
}

type Step = (tensors: Map<string, Float64Array>) => Float64Array;

const prepared = new WeakMap<ModelIR, Step[]>();

/**
 * Runs the float IR on `input`, the raw segment (clipped here to ±inputClip and peak-normalized
 * if the IR says so, as in training).
 *
 * @example
 * ```ts ignore
 * const { probability, tensors } = runFloat(ir, samples);
 * ```
 */
export function runFloat(ir: ModelIR, input: Float32Array): FloatResult {
  const tensors = runFloat64(ir, input);
  const out: Record<string, Float32Array> = {};
  for (const [name, values] of tensors) out[name] = Float32Array.from(values);
  return { probability: tensors.get(ir.output)![0], tensors: out };
}

/** {@linkcode runFloat} with float64 tensors (for calibration and SQNR, without rounding). */
export function runFloat64(ir: ModelIR, input: Float32Array): Map<string, Float64Array> {
  let steps = prepared.get(ir);
  if (!steps) {
    if (ir.form !== "float") {
      throw new TypeError(`runFloat needs a float IR, got form "${ir.form}"`);
    }
    validateIR(ir);
    steps = ir.layers.map((layer) => prepareLayer(ir, layer));
    prepared.set(ir, steps);
  }
  const expected = ir.tensors[ir.input].shape.reduce((a, b) => a * b, 1);
  if (input.length !== expected) {
    throw new RangeError(`Input holds ${input.length} values, the model needs ${expected}`);
  }
  const c = ir.inputClip;
  const x = Float64Array.from(input, (v) => (c === null ? v : v > c ? c : v < -c ? -c : v));
  if (ir.peakNormalize) {
    const gain = 2 ** -peakExponent(x);
    for (let i = 0; i < x.length; i++) x[i] *= gain;
  }
  const tensors = new Map<string, Float64Array>([[ir.input, x]]);
  for (let i = 0; i < steps.length; i++) tensors.set(ir.layers[i].output, steps[i](tensors));
  return tensors;
}

function prepareLayer(ir: ModelIR, layer: LayerIR): Step {
  const inShape = ir.tensors[layer.inputs[0]].shape;
  const outShape = ir.tensors[layer.output].shape;
  const a = layer.attrs;
  const weight = (name: string) => Float64Array.from(layer.weights[name].data);
  const input = layer.inputs[0];
  switch (layer.op) {
    case "conv1d": {
      const [tIn, cIn] = inShape;
      const w = weight("kernel");
      const b = weight("bias");
      const k = a.kernel as number;
      const stride = a.stride as number;
      const pool = a.pool as number;
      const tOut = Math.floor(convOutputLength(tIn, k, stride, a.padding as string) / pool);
      return (t) =>
        conv1dF(
          t.get(input)!,
          tIn,
          cIn,
          w,
          b,
          outShape[1],
          k,
          stride,
          a.padBefore as number,
          tOut,
          pool,
          a.activation === "relu",
        );
    }
    case "relu":
      return (t) => t.get(input)!.map((v) => (v < 0 ? 0 : v));
    case "maxpool1d":
      return (t) =>
        maxpool1dF(t.get(input)!, outShape[1], a.pool as number, a.stride as number, outShape[0]);
    case "concat": {
      const channels = layer.inputs.map((n) => ir.tensors[n].shape[1]);
      return (t) => concatF(layer.inputs.map((n) => t.get(n)!), channels, outShape[0]);
    }
    case "flatten":
      return (t) => t.get(input)!.slice();
    case "dense": {
      const w = weight("kernel");
      const b = weight("bias");
      return (t) => denseF(t.get(input)!, w, b, outShape[0], a.activation as string);
    }
    case "sigmoid":
      return (t) => t.get(input)!.map(sigmoid);
    case "gru": {
      const w = weight("kernel");
      const r = weight("recurrent");
      const b = weight("bias");
      const act = a.recurrentActivation === "hard_sigmoid" ? hardSigmoid : sigmoid;
      return (t) =>
        gruF(
          t.get(input)!,
          inShape[0],
          inShape[1],
          a.units as number,
          w,
          r,
          b,
          act,
          a.returnSequences as boolean,
        );
    }
  }
}
