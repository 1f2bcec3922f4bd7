/** Multiply-accumulates and parameters per layer, read from the IR. */
import type { LayerIR, ModelIR } from "../ir/ir.ts";

/** A count per layer (by layer name, in execution order) and its total. */
export interface LayerCounts {
  byLayer: Record<string, number>;
  total: number;
}

/** Weights that are trained parameters; the rest (look-up tables) are derived constants. */
const PARAMETER_WEIGHTS = new Set(["kernel", "recurrent", "bias"]);

/**
 * Multiply-accumulates of one inference, per layer. Only products of a matrix or kernel with
 * the data count; element-wise products (the GRU's r ⊙ h and z-blend), activations and
 * max-pool comparisons do not.
 * - conv1d: positions × C_out × K × C_in, where positions = T_out × pool: with a fused pool the
 *   kernel computes only the conv positions some pool window covers (docs/int8-spec.md §5).
 *   Taps that fall in the zero padding are counted, as is usual.
 * - dense: N_in × N_out.
 * - gru: T × 3 × U × (N_in + U) (reset_after = false: one U × U product per gate and step).
 *
 * @example The nnom head: Dense 936 → 1
 * ```ts
 * import assert from "node:assert/strict";
 * import { countMacs } from "./mod.ts";
 * import type { ModelIR } from "../ir/ir.ts";
 *
 * const ir: ModelIR = {
 *   magic: "IEGM-IR", version: 1, arch: "example", form: "float",
 *   input: "x", inputClip: null, output: "y", threshold: 0.5,
 *   tensors: { x: { shape: [936], dtype: "float32" }, y: { shape: [1], dtype: "float32" } },
 *   layers: [{ name: "y", op: "dense", inputs: ["x"], output: "y", attrs: {}, weights: {} }],
 * };
 * assert.deepEqual(countMacs(ir), { byLayer: { y: 936 }, total: 936 });
 * ```
 */
export function countMacs(ir: ModelIR): LayerCounts {
  return tally(ir, (layer) => layerMacs(ir, layer));
}

/**
 * Trained parameters per layer: the elements of its kernel, recurrent kernel and bias (BN is
 * already folded into the convolutions; look-up tables are not parameters).
 */
export function countParams(ir: ModelIR): LayerCounts {
  return tally(ir, (layer) =>
    Object.entries(layer.weights)
      .filter(([name]) => PARAMETER_WEIGHTS.has(name))
      .reduce((sum, [, weight]) => sum + weight.shape.reduce((a, b) => a * b, 1), 0));
}

function tally(ir: ModelIR, count: (layer: LayerIR) => number): LayerCounts {
  const byLayer: Record<string, number> = {};
  for (const layer of ir.layers) byLayer[layer.name] = count(layer);
  return { byLayer, total: Object.values(byLayer).reduce((a, b) => a + b, 0) };
}

function layerMacs(ir: ModelIR, layer: LayerIR): number {
  const input = shapeOf(ir, layer, layer.inputs[0]);
  const output = shapeOf(ir, layer, layer.output);
  switch (layer.op) {
    case "conv1d": {
      const pool = Number(layer.attrs.pool ?? 1);
      const kernel = Number(layer.attrs.kernel);
      if (!(pool >= 1 && kernel >= 1)) {
        throw new RangeError(`Layer "${layer.name}": conv1d needs attrs kernel ≥ 1 and pool ≥ 1`);
      }
      const [rows, channelsOut] = output;
      return rows * pool * channelsOut * kernel * input[1];
    }
    case "dense":
      return input[0] * output[0];
    case "gru": {
      const units = Number(layer.attrs.units);
      const [steps, features] = input;
      return steps * 3 * units * (features + units);
    }
    default:
      return 0;
  }
}

function shapeOf(ir: ModelIR, layer: LayerIR, name: string): number[] {
  const tensor = ir.tensors[name];
  if (!tensor) throw new ReferenceError(`Layer "${layer.name}": no tensor "${name}"`);
  return tensor.shape;
}
