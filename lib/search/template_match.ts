/**
 * A study of what an implant's morphology check would add to a candidate: each patient gets a
 * template, the median beat of a few of its own sinus-rhythm (SR) segments, and a segment the
 * candidate flags as VA is withheld when its median beat matches that template (same shape, and
 * amplitude within a bound): conducted rhythms (SVT, sinus tachycardia) should look like sinus
 * beats, ventricular ones should not. The candidate's out-of-fold decisions come from its search
 * folder; the template needs no training, so every segment keeps a model that never saw its
 * subject. This changes the task's contract (the device must store a template per patient), so
 * it is a study, not a decision the search or the firmware makes.
 */
import {
  amplitudeLog2Ratio,
  beatMatch,
  type Dataset,
  median,
  medianBeat,
  parseSegmentFileName,
  RHYTHMS,
  segment,
} from "../data/mod.ts";
import { type BinaryMetrics, binaryMetrics } from "../metrics/mod.ts";

/** SR segments in a template. */
export const TEMPLATE_SEGMENTS = 2;

/**
 * How far apart, in file numbers, two segments of one recording must be to share no sample:
 * consecutive numbers start 50 samples apart and a segment is 1,250 samples long.
 */
export const NON_OVERLAPPING_STEP = 25;

/** A patient's sinus template: the median beat of some of its SR segments. */
export interface SinusTemplate {
  beat: Float64Array;
  /** Dataset indices of the SR segments it was built from. */
  segments: number[];
}

/**
 * Each subject's template (by subject index): the median beat of its first TEMPLATE_SEGMENTS SR
 * segments in file-number order that share no sample, as a device would record a few beats of
 * sinus rhythm at implant. Subjects without SR, or whose SR segments hold fewer than two whole
 * beats, get none.
 */
export function sinusTemplates(dataset: Dataset): Map<number, SinusTemplate> {
  const sr = RHYTHMS.indexOf("SR");
  const bySubject = new Map<number, { number: number; index: number }[]>();
  for (let i = 0; i < dataset.size; i++) {
    if (dataset.rhythms[i] !== sr) continue;
    const list = bySubject.get(dataset.subjects[i]) ?? [];
    list.push({ number: parseSegmentFileName(dataset.files[i]).number, index: i });
    bySubject.set(dataset.subjects[i], list);
  }
  const templates = new Map<number, SinusTemplate>();
  for (const [subject, list] of bySubject) {
    list.sort((a, b) => a.number - b.number);
    const chosen: typeof list = [];
    for (const entry of list) {
      if (chosen.length === TEMPLATE_SEGMENTS) break;
      const last = chosen.at(-1);
      if (!last || entry.number - last.number >= NON_OVERLAPPING_STEP) chosen.push(entry);
    }
    const segments = chosen.map((c) => c.index);
    const beat = medianBeat(segments.map((i) => segment(dataset, i)));
    if (beat) templates.set(subject, { beat, segments });
  }
  return templates;
}

/** How segment i's median beat compares with its subject's template. */
export interface TemplateMatch {
  /** beatMatch: the largest correlation over small shifts, in [−1, 1]. */
  match: number;
  /** log2 of its amplitude over the template's. */
  amplitudeLog2: number;
}

/**
 * The template match of each segment of `indices` (dataset indices), or null when its subject has
 * no template or it has fewer than two whole beats.
 */
export function templateMatches(
  dataset: Dataset,
  indices: readonly number[],
  templates: ReadonlyMap<number, SinusTemplate>,
): (TemplateMatch | null)[] {
  return indices.map((i) => {
    const template = templates.get(dataset.subjects[i]);
    const beat = template && medianBeat([segment(dataset, i)]);
    if (!template || !beat) return null;
    return {
      match: beatMatch(beat, template.beat),
      amplitudeLog2: amplitudeLog2Ratio(beat, template.beat),
    };
  });
}

/**
 * Whether segment i shares samples with a segment of its subject's template (the same SR
 * recording, fewer than NON_OVERLAPPING_STEP numbers apart): the study leaves those out, so that
 * no segment is compared with itself.
 */
export function overlapsTemplate(
  dataset: Dataset,
  i: number,
  templates: ReadonlyMap<number, SinusTemplate>,
): boolean {
  const template = templates.get(dataset.subjects[i]);
  if (!template || dataset.rhythms[i] !== RHYTHMS.indexOf("SR")) return false;
  const number = parseSegmentFileName(dataset.files[i]).number;
  return template.segments.some((t) =>
    Math.abs(parseSegmentFileName(dataset.files[t]).number - number) < NON_OVERLAPPING_STEP
  );
}

/** Withhold a VA decision when the match is at least minMatch and |amplitudeLog2| at most maxAmplitudeLog2. */
export interface MorphologyVeto {
  minMatch: number;
  maxAmplitudeLog2: number;
}

/** The vetoes the study tries: four match bounds, each with three amplitude bounds. */
export const VETO_GRID: readonly MorphologyVeto[] = [0.9, 0.95, 0.97, 0.99].flatMap((minMatch) =>
  [0.25, 0.5, Infinity].map((maxAmplitudeLog2) => ({ minMatch, maxAmplitudeLog2 }))
);

/** `classes` with every VA decision that `veto` withholds turned to 0; null matches keep theirs. */
export function applyVeto(
  classes: readonly (0 | 1)[],
  matches: readonly (TemplateMatch | null)[],
  veto: MorphologyVeto,
): (0 | 1)[] {
  return classes.map((c, j) => {
    const m = matches[j];
    const withheld = c === 1 && m !== null && m.match >= veto.minMatch &&
      Math.abs(m.amplitudeLog2) <= veto.maxAmplitudeLog2;
    return withheld ? 0 : c;
  });
}

/** Binary metrics and each rhythm's share classified correctly. */
export type StudyMetrics = BinaryMetrics & { recallByRhythm: Record<string, number> };

/**
 * The metrics of `classes` for the segments `indices` of `dataset`: lib/evaluate's
 * evaluateClasses without its rate zones, which would copy every segment and estimate its rate
 * once per veto.
 */
export function studyMetrics(
  dataset: Dataset,
  indices: readonly number[],
  classes: readonly (0 | 1)[],
): StudyMetrics {
  const labels = indices.map((i) => dataset.labels[i]);
  const counts = RHYTHMS.map(() => ({ segments: 0, correct: 0 }));
  indices.forEach((i, j) => {
    const count = counts[dataset.rhythms[i]];
    count.segments++;
    if (classes[j] === labels[j]) count.correct++;
  });
  const recallByRhythm: Record<string, number> = {};
  RHYTHMS.forEach((r, k) => {
    if (counts[k].segments > 0) recallByRhythm[r] = counts[k].correct / counts[k].segments;
  });
  return { ...binaryMetrics(labels, classes, 1), recallByRhythm };
}

/** A subject's segments of one rhythm that the candidate flags as VA, and how they match. */
export interface MatchBlock {
  subject: string;
  rhythm: string;
  /** Flagged segments with a match. */
  flagged: number;
  medianMatch: number;
  medianAmplitudeLog2: number;
}

/**
 * Per subject and rhythm, the median match and amplitude of the segments `classes` flags as VA
 * (those with a match), sorted by subject then rhythm order: where a veto could act, and what it
 * would have to tell apart.
 */
export function matchBlocks(
  dataset: Dataset,
  indices: readonly number[],
  classes: readonly (0 | 1)[],
  matches: readonly (TemplateMatch | null)[],
): MatchBlock[] {
  const groups = new Map<string, { subject: number; rhythm: number; found: TemplateMatch[] }>();
  indices.forEach((i, j) => {
    const m = matches[j];
    if (classes[j] !== 1 || m === null) return;
    const key = `${dataset.subjects[i]} ${dataset.rhythms[i]}`;
    const group = groups.get(key) ??
      { subject: dataset.subjects[i], rhythm: dataset.rhythms[i], found: [] };
    group.found.push(m);
    groups.set(key, group);
  });
  return [...groups.values()]
    .sort((a, b) => a.subject - b.subject || a.rhythm - b.rhythm)
    .map((g) => ({
      subject: dataset.subjectNames[g.subject],
      rhythm: RHYTHMS[g.rhythm],
      flagged: g.found.length,
      medianMatch: median(g.found.map((m) => m.match)),
      medianAmplitudeLog2: median(g.found.map((m) => m.amplitudeLog2)),
    }));
}
