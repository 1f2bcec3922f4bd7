/**
 * Counts that describe a Dataset: per rhythm, per subject, overall.
 *
 * @module
 */
import { type Dataset, RHYTHMS } from "./dataset.ts";

/** What `deno task data --summary --json` prints. */
export interface DatasetSummary {
  segments: number;
  /** Subjects with at least one segment. */
  subjects: number;
  /** Segments labelled 1 (ventricular arrhythmia). */
  positives: number;
  /** Segments per rhythm present, most frequent first (ties in RHYTHMS order). */
  rhythms: Record<string, number>;
}

/**
 * The summary of `dataset`.
 *
 * @example
 * ```ts
 * import { summarize } from "./summary.ts";
 * const summary = summarize({
 *   size: 3, samples: new Float32Array(3 * 1250), labels: new Uint8Array([1, 1, 0]),
 *   subjects: new Uint16Array([0, 0, 1]), subjectNames: ["S01", "S02"],
 *   rhythms: new Uint8Array([5, 5, 0]), files: ["a", "b", "c"],
 * });
 * if (JSON.stringify(summary) !== '{"segments":3,"subjects":2,"positives":2,"rhythms":{"VT":2,"SR":1}}') {
 *   throw new Error(JSON.stringify(summary));
 * }
 * ```
 */
export function summarize(dataset: Dataset): DatasetSummary {
  const perRhythm = new Array<number>(RHYTHMS.length).fill(0);
  let positives = 0;
  for (let i = 0; i < dataset.size; i++) {
    perRhythm[dataset.rhythms[i]]++;
    positives += dataset.labels[i];
  }
  const order = [...RHYTHMS.keys()].filter((r) => perRhythm[r] > 0)
    .sort((a, b) => perRhythm[b] - perRhythm[a] || a - b);
  return {
    segments: dataset.size,
    subjects: new Set(dataset.subjects).size,
    positives,
    rhythms: Object.fromEntries(order.map((r) => [RHYTHMS[r], perRhythm[r]])),
  };
}

/** Segment counts of one subject. */
export interface SubjectCounts {
  subject: string;
  segments: number;
  /** Segments labelled 1. */
  positives: number;
}

/** Counts per subject present in `dataset`, in `subjectNames` order. */
export function countBySubject(dataset: Dataset): SubjectCounts[] {
  const segments = new Array<number>(dataset.subjectNames.length).fill(0);
  const positives = new Array<number>(dataset.subjectNames.length).fill(0);
  for (let i = 0; i < dataset.size; i++) {
    segments[dataset.subjects[i]]++;
    positives[dataset.subjects[i]] += dataset.labels[i];
  }
  return dataset.subjectNames
    .map((subject, s) => ({ subject, segments: segments[s], positives: positives[s] }))
    .filter((counts) => counts.segments > 0);
}

/** A readable, multi-line rendering of a summary (for terminals). */
export function formatSummary(summary: DatasetSummary): string {
  const percent = (n: number) => `${(100 * n / Math.max(1, summary.segments)).toFixed(1)} %`;
  const width = Math.max(...Object.values(summary.rhythms).map((n) => String(n).length), 1);
  return [
    `${summary.segments} segments from ${summary.subjects} subjects`,
    `${summary.positives} ventricular arrhythmia (label 1): ${percent(summary.positives)}`,
    "Per rhythm:",
    ...Object.entries(summary.rhythms).map(([rhythm, n]) =>
      `  ${rhythm.padEnd(4)} ${String(n).padStart(width)}  ${percent(n).padStart(6)}`
    ),
  ].join("\n");
}
