/**
 * A quantized model on an IEGM set, the way `deno task evaluate` reports it: the TypeScript
 * int8 interpreter's decisions with the clinical view, the host C build's outputs checked
 * against them on every segment, and — when the arm toolchain and QEMU are installed — the
 * Cortex-M4 figures and the estimated contest score.
 */
import type { Dataset } from "../data/dataset.ts";
import type { ModelIR } from "../ir/ir.ts";
import { measureWhereAvailable, quantizeDataset } from "../firmware/mod.ts";
import { planMemory } from "../plan/mod.ts";
import { countMacs, countParams } from "../report/mod.ts";
import { type ClinicalEvaluation, evaluateClasses } from "./clinical.ts";
import { predictInt8 } from "./int8.ts";

/** Segments also run on the emulated Cortex-M4 (each is a full emulated inference). */
const M4_SEGMENTS = 2;

/** The JSON `deno task evaluate --json` prints (snake_case, as the issue fixes it). */
export interface ModelEvaluation {
  n: number;
  tp: number;
  fn: number;
  fp: number;
  tn: number;
  fbeta: number;
  accuracy: number;
  precision: number;
  recall: number;
  recall_by_rhythm: Record<string, number>;
  fbeta_by_subject: Record<string, number | null>;
  /** Each rhythm's segments and correct decisions per rate zone (lib/evaluate/rate_zones.ts). */
  correct_by_rate_zone: ClinicalEvaluation["correctByRateZone"];
  /** Segments whose host C output differs from the TypeScript interpreter's (or M4's from host). */
  mismatches_ts_vs_c: number;
  model: { arch: string; params: number; macs: number; ram_bytes: number };
  /** Only when the Cortex-M4 toolchain and QEMU are present. */
  mcu?: { instructions_per_inference: number; latency_ms_est: number; flash_bytes: number };
  score_est: number | null;
}

/** Evaluates `ir` on every segment of `dataset` (see the module doc). */
export async function evaluateModel(ir: ModelIR, dataset: Dataset): Promise<ModelEvaluation> {
  const { outputs, classes } = predictInt8(ir, dataset);
  const clinical = evaluateClasses(dataset, classes);
  const firmware = await measureWhereAvailable(ir, {
    segments: quantizeDataset(ir, dataset),
    m4Segments: M4_SEGMENTS,
    expected: outputs,
    optimize: "-Os",
    kernels: "m4",
  });
  return {
    n: clinical.n,
    tp: clinical.tp,
    fn: clinical.fn,
    fp: clinical.fp,
    tn: clinical.tn,
    fbeta: clinical.fbeta,
    accuracy: clinical.accuracy,
    precision: clinical.precision,
    recall: clinical.recall,
    recall_by_rhythm: clinical.recallByRhythm,
    fbeta_by_subject: clinical.fbetaBySubject,
    correct_by_rate_zone: clinical.correctByRateZone,
    mismatches_ts_vs_c: firmware.disagreements,
    model: {
      arch: ir.arch,
      params: countParams(ir).total,
      macs: countMacs(ir).total,
      ram_bytes: planMemory(ir).totalBytes,
    },
    ...(firmware.m4
      ? {
        mcu: {
          instructions_per_inference: firmware.m4.instructions,
          latency_ms_est: firmware.m4.latencyMs,
          flash_bytes: firmware.m4.size.flash,
        },
      }
      : {}),
    score_est: firmware.m4 ? firmware.m4.score : null,
  };
}
