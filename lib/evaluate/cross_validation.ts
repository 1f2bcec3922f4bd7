/**
 * The int8 view of a cross-validation: each fold's trained run quantized (calibrated on its own
 * training subjects only) and run by the int8 interpreter on its held-out subjects, then one
 * decision threshold for all folds from the pooled out-of-fold int8 outputs — the basis on
 * which the model search scores its candidates (lib/search), so that the two compare.
 */
import type { Dataset } from "../data/dataset.ts";
import { subset } from "../data/mod.ts";
import { decisionScore, predictClass, type RateZone } from "../interp/mod.ts";
import { binaryMetrics } from "../metrics/metrics.ts";
import { quantizeRun, type QuantizeRunOptions, type RunLike } from "../quant/mod.ts";
import { segmentsOfSubjects } from "../quant/segments.ts";
import { chooseThreshold, meanSd } from "../train/mod.ts";
import { type ClinicalEvaluation, evaluateClasses } from "./clinical.ts";
import { predictInt8 } from "./int8.ts";

/** The int8 cross-validation summary. */
export interface Int8CrossValidation {
  /** Chosen on the pooled out-of-fold int8 outputs (probability = output / 128). */
  threshold: number;
  /** Pooled out-of-fold metrics at that threshold, with the clinical view. */
  pooled: ClinicalEvaluation;
  /** Each fold's Fβ at the pooled threshold, their mean and sample sd. */
  fbetaByFold: number[];
  fbetaMean: number;
  fbetaSd: number;
}

/** Quantizes and evaluates every fold run of a cross-validation (see module doc). */
export function int8CrossValidation(
  runs: RunLike[],
  dataset: Dataset,
  options: Omit<QuantizeRunOptions, "validationSegments">,
): Int8CrossValidation {
  const folds = runs.map((run) => {
    // Only the int8 IR is used; validationSegments 1 keeps quantizeRun's own comparison cheap.
    const { int8IR } = quantizeRun(run, dataset, { ...options, validationSegments: 1 });
    const indices = segmentsOfSubjects(dataset, run.config.validationSubjects);
    const { outputs, zones } = predictInt8(int8IR, subset(dataset, indices));
    // The arch's decision in the zones the threshold does not decide.
    const { fastZone, belowGateThreshold } = int8IR;
    return {
      indices,
      outputs: Array.from(outputs),
      zones: Array.from(zones) as RateZone[],
      zoned: { fastZone, belowGateThreshold },
    };
  });
  const labels = folds.flatMap((f) => f.indices.map((i) => dataset.labels[i]));
  // With a gated arch, the gate and the other rate zones decide some segments whatever the threshold.
  const { threshold } = chooseThreshold(
    labels,
    folds.flatMap((f) => f.outputs.map((v, j) => decisionScore(f.zoned, v / 128, f.zones[j]))),
  );
  const classesOf = (f: typeof folds[number]) =>
    f.outputs.map((v, j) => predictClass({ threshold, ...f.zoned }, v, f.zones[j]));
  const fbetaByFold = folds.map((f) =>
    binaryMetrics(f.indices.map((i) => dataset.labels[i]), classesOf(f), 1).fbeta
  );
  const { mean, sd } = meanSd(fbetaByFold);
  return {
    threshold,
    pooled: evaluateClasses(
      subset(dataset, folds.flatMap((f) => f.indices)),
      folds.flatMap(classesOf),
    ),
    fbetaByFold,
    fbetaMean: mean,
    fbetaSd: sd,
  };
}
