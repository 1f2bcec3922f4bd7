/** The int8 model's decisions on a dataset, by the TypeScript interpreter (the reference). */
import { type Dataset, segment } from "../data/dataset.ts";
import type { ModelIR } from "../ir/ir.ts";
import { predictClass, quantizeInput, rateZoneOf, runInt8 } from "../interp/mod.ts";

export interface Int8Predictions {
  /** [size] the raw int8 output of each segment (probability = output / 128). */
  outputs: Int8Array;
  /** [size] each segment's rate zone (RATE_ZONE, spec §14; always OPEN without a gate). */
  zones: Uint8Array;
  /** [size] 1 = VA, by the IR's integer threshold rule and rate zones. */
  classes: Uint8Array;
}

/** Runs the int8 interpreter on every segment of `dataset`. */
export function predictInt8(ir: ModelIR, dataset: Dataset): Int8Predictions {
  const outputs = new Int8Array(dataset.size);
  const zones = new Uint8Array(dataset.size);
  const classes = new Uint8Array(dataset.size);
  for (let i = 0; i < dataset.size; i++) {
    const input = quantizeInput(ir, segment(dataset, i));
    outputs[i] = runInt8(ir, input).output;
    const zone = rateZoneOf(ir, input);
    zones[i] = zone;
    classes[i] = predictClass(ir, outputs[i], zone);
  }
  return { outputs, zones, classes };
}
