/**
 * The error each int8 layer adds by itself: the float layer is run on the dequantized int8
 * input of that same layer, so upstream error is excluded (sqnrByLayer measures the sum).
 * This is how the int8 GRU's own error against the float GRU is measured.
 */
import type { LayerIR, ModelIR } from "../ir/ir.ts";
import { runFloat64 } from "../interp/run_float.ts";
import { runInt8 } from "../interp/run_int8.ts";
import { quantizeInput } from "../interp/io.ts";

/** Error of one layer's int8 output against its float output on the same input. */
export interface LayerError {
  /** 10·log10(Σ f² / Σ (f − q·2^−dec)²). */
  sqnrDb: number;
  /** Largest |f − q·2^−dec| over all elements. */
  maxAbsError: number;
  /** Mean |f − q·2^−dec|. */
  meanAbsError: number;
  /** One output step, 2^−dec. */
  step: number;
}

/**
 * Per single-input layer (concat is skipped): the int8 layer's error against the float layer
 * fed with the int8 layer's own input, dequantized, over the segments in `inputs` ([n × L]).
 */
export function isolatedLayerErrors(
  floatIR: ModelIR,
  int8IR: ModelIR,
  inputs: Float32Array,
): Record<string, LayerError> {
  const length = floatIR.tensors[floatIR.input].shape.reduce((a, b) => a * b, 1);
  const layers = floatIR.layers.filter((l) => l.inputs.length === 1);
  const probes = layers.map((layer) => singleLayerIR(floatIR, layer));
  const sums = layers.map(() => ({ signal: 0, noise: 0, abs: 0, max: 0, count: 0 }));
  for (let i = 0; i + length <= inputs.length; i += length) {
    const q = runInt8(int8IR, quantizeInput(int8IR, inputs.subarray(i, i + length))).tensors;
    layers.forEach((layer, k) => {
      const inStep = 2 ** -int8IR.tensors[layer.inputs[0]].dec!;
      const x = Float32Array.from(q[layer.inputs[0]], (v) => v * inStep);
      const f = runFloat64(probes[k], x).get(layer.output)!;
      const out = q[layer.output];
      const step = 2 ** -int8IR.tensors[layer.output].dec!;
      const s = sums[k];
      for (let j = 0; j < f.length; j++) {
        const e = Math.abs(f[j] - out[j] * step);
        s.signal += f[j] * f[j];
        s.noise += e * e;
        s.abs += e;
        s.max = Math.max(s.max, e);
        s.count++;
      }
    });
  }
  const result: Record<string, LayerError> = {};
  layers.forEach((layer, k) => {
    const s = sums[k];
    result[layer.name] = {
      sqnrDb: 10 * Math.log10(s.signal / s.noise),
      maxAbsError: s.max,
      meanAbsError: s.abs / s.count,
      step: 2 ** -int8IR.tensors[layer.output].dec!,
    };
  });
  return result;
}

/** A float IR holding only `layer`, whose input is the model input (unclipped). */
function singleLayerIR(ir: ModelIR, layer: LayerIR): ModelIR {
  const input = layer.inputs[0];
  return {
    ...ir,
    input,
    inputClip: null,
    output: layer.output,
    tensors: { [input]: ir.tensors[input], [layer.output]: ir.tensors[layer.output] },
    layers: [layer],
  };
}
