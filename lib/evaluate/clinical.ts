/**
 * The clinical view of a model's decisions: besides the contest's Fβ, the share of each rhythm's
 * segments classified correctly (a missed VF and a flagged SVT are different failures) and Fβ
 * per subject (errors concentrate in a few patients), and each rhythm's decisions by rate zone
 * (which rates of a non-VA rhythm the model takes for VA).
 */
import { type Dataset, RHYTHMS, segment } from "../data/dataset.ts";
import { type BinaryMetrics, binaryMetrics } from "../metrics/mod.ts";
import { estimateRateBpm } from "../data/rate.ts";
import { NO_RATE, RATE_ZONES, type RateZone, rateZone } from "./rate_zones.ts";

/** Segments of one rhythm in one rate zone, and how many of them were classified correctly. */
export interface ZoneCount {
  segments: number;
  correct: number;
}

export interface ClinicalEvaluation extends BinaryMetrics {
  /** For each rhythm present: the share of its segments classified correctly. */
  recallByRhythm: Record<string, number>;
  /** For each subject: Fβ over its segments, or null when it has no VA segment (Fβ undefined). */
  fbetaBySubject: Record<string, number | null>;
  /**
   * For each rhythm present, for each rate zone it has segments in (lib/evaluate/rate_zones.ts, in
   * zone order): its segments there and how many were classified correctly.
   */
  correctByRateZone: Record<string, Partial<Record<RateZone, ZoneCount>>>;
}

/** Evaluates `classes` (1 = VA, one per segment of `dataset`) against the dataset's labels. */
export function evaluateClasses(dataset: Dataset, classes: ArrayLike<number>): ClinicalEvaluation {
  if (classes.length !== dataset.size) {
    throw new RangeError(`${classes.length} decisions for ${dataset.size} segments`);
  }
  const overall = binaryMetrics(dataset.labels, classes, 1);
  const recallByRhythm: Record<string, number> = {};
  RHYTHMS.forEach((rhythm, r) => {
    let total = 0, correct = 0;
    for (let i = 0; i < dataset.size; i++) {
      if (dataset.rhythms[i] !== r) continue;
      total++;
      if (classes[i] === dataset.labels[i]) correct++;
    }
    if (total > 0) recallByRhythm[rhythm] = correct / total;
  });
  const fbetaBySubject: Record<string, number | null> = {};
  dataset.subjectNames.forEach((name, s) => {
    const labels: number[] = [], decided: number[] = [];
    for (let i = 0; i < dataset.size; i++) {
      if (dataset.subjects[i] !== s) continue;
      labels.push(dataset.labels[i]);
      decided.push(classes[i]);
    }
    if (labels.length === 0) return;
    fbetaBySubject[name] = labels.includes(1) ? binaryMetrics(labels, decided, 1).fbeta : null;
  });
  return {
    ...overall,
    recallByRhythm,
    fbetaBySubject,
    correctByRateZone: byRateZone(dataset, classes),
  };
}

/** One subject's segments of one rhythm, and how many of them were misclassified. */
export interface ErrorBlock {
  subject: string;
  rhythm: string;
  wrong: number;
  segments: number;
}

/**
 * Every subject-and-rhythm pair with a misclassified segment, most errors first (ties by subject,
 * then rhythm): errors come a patient's rhythm at a time, and this names the blocks.
 *
 * @example
 * ```ts ignore
 * const [worst] = errorBlocks(dataset, classes); // e.g. { subject: "S56", rhythm: "SVT", wrong: 295, segments: 295 }
 * ```
 */
export function errorBlocks(dataset: Dataset, classes: ArrayLike<number>): ErrorBlock[] {
  if (classes.length !== dataset.size) {
    throw new RangeError(`${classes.length} decisions for ${dataset.size} segments`);
  }
  const blocks = new Map<string, ErrorBlock>();
  for (let i = 0; i < dataset.size; i++) {
    const subject = dataset.subjectNames[dataset.subjects[i]], rhythm = RHYTHMS[dataset.rhythms[i]];
    const key = `${subject} ${rhythm}`;
    const block = blocks.get(key) ?? { subject, rhythm, wrong: 0, segments: 0 };
    block.segments++;
    if (classes[i] !== dataset.labels[i]) block.wrong++;
    blocks.set(key, block);
  }
  return [...blocks.values()].filter((b) => b.wrong > 0).sort((a, b) =>
    b.wrong - a.wrong || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) ||
    RHYTHMS.indexOf(a.rhythm as never) - RHYTHMS.indexOf(b.rhythm as never)
  );
}

function byRateZone(dataset: Dataset, classes: ArrayLike<number>) {
  const zones = [...RATE_ZONES, NO_RATE] as RateZone[];
  // [rhythm][zone]: segments and correct decisions, filled in one pass over the dataset.
  const counts = RHYTHMS.map(() => zones.map(() => ({ segments: 0, correct: 0 })));
  for (let i = 0; i < dataset.size; i++) {
    const zone = zones.indexOf(rateZone(estimateRateBpm(segment(dataset, i))));
    const count = counts[dataset.rhythms[i]][zone];
    count.segments++;
    if (classes[i] === dataset.labels[i]) count.correct++;
  }
  const result: ClinicalEvaluation["correctByRateZone"] = {};
  RHYTHMS.forEach((rhythm, r) => {
    const present = zones.flatMap((zone, z) => counts[r][z].segments ? [[zone, counts[r][z]]] : []);
    if (present.length > 0) result[rhythm] = Object.fromEntries(present);
  });
  return result;
}

/**
 * The rate-zone view as a table: a row per rhythm, a column per zone present, each cell the
 * correct share and the segment count ("0.83 of 391"), blank where the rhythm has no segment.
 *
 * @example
 * ```ts
 * import { rateZoneTable } from "./clinical.ts";
 * const { head, rows } = rateZoneTable({ SR: { "<100": { segments: 4, correct: 3 } } });
 * if (head.join() !== "rhythm,<100" || rows[0].join() !== "SR,0.75 of 4") throw new Error();
 * ```
 */
export function rateZoneTable(
  view: ClinicalEvaluation["correctByRateZone"],
): { head: string[]; rows: string[][] } {
  const zones = ([...RATE_ZONES, NO_RATE] as RateZone[]).filter((zone) =>
    Object.values(view).some((counts) => counts[zone])
  );
  const rows = Object.entries(view).map(([rhythm, counts]) => [
    rhythm,
    ...zones.map((zone) => {
      const count = counts[zone];
      return count ? `${(count.correct / count.segments).toFixed(2)} of ${count.segments}` : "";
    }),
  ]);
  return { head: ["rhythm", ...zones], rows };
}

/** {@linkcode rateZoneTable} as aligned text lines, for the commands' readable output. */
export function rateZoneText(view: ClinicalEvaluation["correctByRateZone"]): string {
  const { head, rows } = rateZoneTable(view);
  const widths = head.map((_, c) => Math.max(...[head, ...rows].map((row) => row[c].length)));
  return [head, ...rows].map((row) =>
    row.map((cell, c) => c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join("  ")
  ).join("\n");
}
