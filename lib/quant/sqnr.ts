/** Signal-to-quantization-noise ratio of every layer's int8 output against the float one. */
import type { ModelIR } from "../ir/ir.ts";
import { runFloat64 } from "../interp/run_float.ts";
import { runInt8 } from "../interp/run_int8.ts";
import { quantizeInput } from "../interp/io.ts";

/**
 * SQNR in dB per layer (keyed by layer name, plus the input tensor's name), over the segments
 * in `inputs` ([n × L] raw samples): `10·log10(Σ f² / Σ (f − q·2^−dec)²)`, summed over all
 * segments and elements. Infinity when the int8 output is exact.
 */
export function sqnrByLayer(
  floatIR: ModelIR,
  int8IR: ModelIR,
  inputs: Float32Array,
): Record<string, number> {
  const length = floatIR.tensors[floatIR.input].shape.reduce((a, b) => a * b, 1);
  const names = [floatIR.input, ...floatIR.layers.map((l) => l.output)];
  const keys = [floatIR.input, ...floatIR.layers.map((l) => l.name)];
  const signal = new Float64Array(names.length);
  const noise = new Float64Array(names.length);
  for (let i = 0; i + length <= inputs.length; i += length) {
    const segment = inputs.subarray(i, i + length);
    const f = runFloat64(floatIR, segment);
    const q = runInt8(int8IR, quantizeInput(int8IR, segment)).tensors;
    names.forEach((name, k) => {
      const fv = f.get(name)!;
      const qv = q[name];
      const step = 2 ** -int8IR.tensors[name].dec!;
      for (let j = 0; j < fv.length; j++) {
        signal[k] += fv[j] * fv[j];
        noise[k] += (fv[j] - qv[j] * step) ** 2;
      }
    });
  }
  const result: Record<string, number> = {};
  keys.forEach((key, k) => (result[key] = 10 * Math.log10(signal[k] / noise[k])));
  return result;
}
