/** Float and int8 models side by side on labelled segments: scores and Fβ at the IR threshold. */
import type { ModelIR } from "../ir/ir.ts";
import { type BinaryMetrics, binaryMetrics } from "../metrics/metrics.ts";
import { runFloat64 } from "../interp/run_float.ts";
import { runInt8 } from "../interp/run_int8.ts";
import {
  decisionScore,
  predictClass,
  quantizeInput,
  RATE_ZONE,
  rateZone,
  rateZoneOf,
} from "../interp/io.ts";
import { twiceMedianBeatInterval } from "../data/rate.ts";

/** Result of {@linkcode compareFloatInt8}. */
export interface FloatInt8Comparison {
  /** [n] float probabilities. */
  floatScores: Float64Array;
  /** [n] raw int8 outputs (probability × 128). */
  int8Outputs: Int8Array;
  /** Metrics of `probability ≥ threshold` and the rate gate on the float samples (float). */
  float: BinaryMetrics;
  /** Metrics of the int8 class decision, `predictClass` (the C side's rule). */
  int8: BinaryMetrics;
  /** Segments whose float and int8 classes differ. */
  disagreements: number;
}

/**
 * Runs both IRs on the segments in `samples` ([n × L] raw) with `labels` ([n] 0/1) and
 * measures each at the IR's threshold.
 */
export function compareFloatInt8(
  floatIR: ModelIR,
  int8IR: ModelIR,
  samples: Float32Array,
  labels: ArrayLike<number>,
): FloatInt8Comparison {
  const length = floatIR.tensors[floatIR.input].shape.reduce((a, b) => a * b, 1);
  const n = labels.length;
  if (samples.length !== n * length) {
    throw new RangeError(`${n} labels but ${samples.length / length} segments`);
  }
  const floatScores = new Float64Array(n);
  const int8Outputs = new Int8Array(n);
  const int8Classes = new Uint8Array(n);
  const floatClasses = new Uint8Array(n);
  // The float rate estimate only for a gated IR: it sorts every segment's magnitudes.
  const gated = floatIR.rateGateBpm !== undefined && floatIR.rateGateBpm !== null;
  let disagreements = 0;
  for (let i = 0; i < n; i++) {
    const segment = samples.subarray(i * length, (i + 1) * length);
    floatScores[i] = runFloat64(floatIR, segment).get(floatIR.output)![0];
    const input = quantizeInput(int8IR, segment);
    int8Outputs[i] = runInt8(int8IR, input).output;
    int8Classes[i] = predictClass(int8IR, int8Outputs[i], rateZoneOf(int8IR, input));
    const floatZone = gated ? rateZone(floatIR, twiceMedianBeatInterval(segment)) : RATE_ZONE.open;
    floatClasses[i] = decisionScore(floatIR, floatScores[i], floatZone) >= floatIR.threshold
      ? 1
      : 0;
    if (floatClasses[i] !== int8Classes[i]) disagreements++;
  }
  return {
    floatScores,
    int8Outputs,
    float: binaryMetrics(labels, floatClasses, 1),
    int8: binaryMetrics(labels, int8Classes, 1),
    disagreements,
  };
}
