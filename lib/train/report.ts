/**
 * Tables for inspecting runs (the training notebook's plots): learning curves, Fβ against the
 * threshold, the precision–recall curve and accuracy per rhythm. Plain rows, ready for
 * lib/plot's chart builders.
 */
import { join } from "node:path";
import { RHYTHMS, VA_RHYTHMS } from "../data/dataset.ts";
import { binaryMetrics } from "../metrics/metrics.ts";
import { foldDirName } from "./cv.ts";
import type { EpochRecord, ValidationPredictions } from "./history.ts";
import { loadHistory, loadValidation } from "./run_dir.ts";

/** The run directories of `dir`: its `fold-<i>` folders if it is a CV output, else `dir` itself. */
export async function runDirsOf(dir: string): Promise<string[]> {
  const folds: string[] = [];
  for (let i = 0;; i++) {
    const fold = join(dir, foldDirName(i));
    try {
      await Deno.stat(join(fold, "metrics.json"));
    } catch {
      break;
    }
    folds.push(fold);
  }
  return folds.length > 0 ? folds : [dir];
}

/** One row per epoch and metric: { run, epoch, metric, value } (training loss, validation loss, Fβ). */
export function learningCurveRows(
  runs: readonly { name: string; history: readonly EpochRecord[] }[],
): { run: string; epoch: number; metric: string; value: number }[] {
  return runs.flatMap(({ name, history }) =>
    history.flatMap((r) => [
      { run: name, epoch: r.epoch, metric: "training loss", value: r.loss },
      { run: name, epoch: r.epoch, metric: "validation loss", value: r.validation.loss },
      { run: name, epoch: r.epoch, metric: "validation Fβ (0.5)", value: r.validation.fbeta },
    ])
  );
}

/** Histories and validation predictions of every run under `dir`, predictions pooled. */
export async function loadRunsForReport(dir: string): Promise<{
  histories: { name: string; history: EpochRecord[] }[];
  pooled: ValidationPredictions;
}> {
  const dirs = await runDirsOf(dir);
  const histories = [];
  const parts: ValidationPredictions[] = [];
  for (const d of dirs) {
    histories.push({ name: d.split("/").pop()!, history: await loadHistory(d) });
    parts.push(await loadValidation(d));
  }
  const pooled: ValidationPredictions = {
    files: parts.flatMap((p) => p.files),
    subjects: parts.flatMap((p) => p.subjects),
    rhythms: parts.flatMap((p) => p.rhythms),
    labels: parts.flatMap((p) => p.labels),
    scores: parts.flatMap((p) => p.scores),
  };
  return { histories, pooled };
}

/** Fβ, precision and recall at each threshold 0.01 … 0.99. */
export function thresholdCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { threshold: number; fbeta: number; precision: number; recall: number }[] {
  return Array.from({ length: 99 }, (_, i) => {
    const threshold = (i + 1) / 100;
    const m = binaryMetrics(labels, scores, threshold);
    return { threshold, fbeta: m.fbeta, precision: m.precision, recall: m.recall };
  });
}

/**
 * Per rhythm, the share of its segments classified correctly at `threshold`: recall for the VA
 * rhythms, the share left unflagged for the others.
 */
export function accuracyByRhythm(
  predictions: ValidationPredictions,
  threshold: number,
): { rhythm: string; va: boolean; segments: number; correct: number; share: number }[] {
  return RHYTHMS.map((rhythm) => {
    const va = VA_RHYTHMS.has(rhythm);
    let segments = 0;
    let correct = 0;
    predictions.rhythms.forEach((r, i) => {
      if (r !== rhythm) return;
      segments++;
      if ((predictions.scores[i] >= threshold) === va) correct++;
    });
    return { rhythm, va, segments, correct, share: segments > 0 ? correct / segments : 0 };
  }).filter((row) => row.segments > 0);
}
