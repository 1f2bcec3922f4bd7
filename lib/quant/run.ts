/**
 * One training run to planned float and int8 IRs, measured: the steps of
 * `deno task quantize` and of notebooks/03_quantization.ipynb, in one place.
 */
import type { tf } from "../backend/mod.ts";
import type { Dataset } from "../data/dataset.ts";
import type { ArchSpec } from "../model/spec.ts";
import type { ModelIR } from "../ir/ir.ts";
import { convertModel } from "../ir/convert.ts";
import { validateIR } from "../ir/validate.ts";
import { applyPlan, type MemoryPlan, planMemory } from "../plan/mod.ts";
import { quantize, type QuantizeOptions } from "./quantize.ts";
import { sqnrByLayer } from "./sqnr.ts";
import { compareFloatInt8, type FloatInt8Comparison } from "./evaluate.ts";
import { evenlySpaced, gatherSamples, segmentsOfSubjects } from "./segments.ts";

/** What {@linkcode quantizeRun} needs of a run directory (lib/train's `Run`). */
export interface RunLike {
  model: tf.LayersModel;
  spec: ArchSpec;
  config: { trainSubjects: string[]; validationSubjects: string[] };
  metrics: { threshold: number };
}

/** Options of {@linkcode quantizeRun}. */
export interface QuantizeRunOptions extends QuantizeOptions {
  /** Calibration segments, evenly spaced over the training subjects' segments. */
  calibrationSegments: number;
  /** Of those, how many the per-layer SQNR is measured on. */
  sqnrSegments: number;
  /** Validation segments to evaluate (evenly spaced; Infinity = all). */
  validationSegments: number;
}

/** Result of {@linkcode quantizeRun}. */
export interface QuantizeRunResult {
  floatIR: ModelIR;
  /** The int8 IR with the memory plan applied (offsets, concat views). */
  int8IR: ModelIR;
  plan: MemoryPlan;
  /** dB per layer (and the input) on the SQNR segments. */
  sqnrDb: Record<string, number>;
  /** Float vs int8 on the validation subjects, at the run's threshold. */
  validation: FloatInt8Comparison;
  calibrationCount: number;
  validationCount: number;
}

/**
 * Converts the run's model (threshold = the run's), calibrates and quantizes on segments of
 * its training subjects only, plans memory, and compares float and int8 on its validation
 * subjects.
 */
export function quantizeRun(
  run: RunLike,
  dataset: Dataset,
  options: QuantizeRunOptions,
): QuantizeRunResult {
  const floatIR = convertModel(run.model, run.spec, { threshold: run.metrics.threshold });
  const trainIndices = evenlySpaced(
    segmentsOfSubjects(dataset, run.config.trainSubjects),
    options.calibrationSegments,
  );
  const calibration = gatherSamples(dataset, trainIndices);
  const int8IR = quantize(floatIR, calibration, options);
  const plan = planMemory(int8IR);
  const planned = validateIR(applyPlan(int8IR, plan));
  const sqnrIndices = evenlySpaced(trainIndices, options.sqnrSegments);
  const sqnrDb = sqnrByLayer(floatIR, planned, gatherSamples(dataset, sqnrIndices));
  const validationIndices = evenlySpaced(
    segmentsOfSubjects(dataset, run.config.validationSubjects),
    options.validationSegments,
  );
  const validation = compareFloatInt8(
    floatIR,
    planned,
    gatherSamples(dataset, validationIndices),
    validationIndices.map((i) => dataset.labels[i]),
  );
  return {
    floatIR,
    int8IR: planned,
    plan,
    sqnrDb,
    validation,
    calibrationCount: trainIndices.length,
    validationCount: validationIndices.length,
  };
}
