/**
 * The IEGM data layer: load the contest's segments from a directory or straight from a
 * `.tar.gz`, validated and cached, then split by subject.
 *
 * ```ts ignore
 * import { foldSplit, loadDataset, subjectFolds, summarize } from "./lib/data/mod.ts";
 *
 * const dataset = await loadDataset({ data: "../shared/iegm/tinyml_contest_data_training.tar.gz" });
 * console.log(summarize(dataset)); // { segments: 24588, subjects: 60, positives: 11837, ... }
 *
 * const folds = subjectFolds(dataset, 5, 1); // subject indices per fold, stratified by VA share
 * const { train, validation } = foldSplit(dataset, folds, 0); // segment indices
 * ```
 *
 * Problems in the data throw a {@linkcode DataError} naming the file and line.
 *
 * @module
 */
export * from "./dataset.ts";
export { DataError } from "./errors.ts";
export { DEFAULT_CACHE_DIR, loadDataset, LOADER_VERSION, type LoadOptions } from "./load.ts";
export { foldSplit, subjectFolds } from "./folds.ts";
export { evenlySpaced, quickSelection } from "./subsets.ts";
export {
  countBySubject,
  type DatasetSummary,
  formatSummary,
  type SubjectCounts,
  summarize,
} from "./summary.ts";
export { parseSegmentFileName, type SegmentName } from "./file_name.ts";
export { type IndexRow, parseIndexCsv } from "./index_csv.ts";
export { parseSegmentText } from "./segment_text.ts";
export {
  beatPositions,
  estimateRateBpm,
  REFRACTORY_SAMPLES,
  TWICE_SAMPLES_PER_MINUTE,
  twiceMedianBeatInterval,
} from "./rate.ts";
export { normalizePeaks, peakExponent } from "./peak_gain.ts";
export {
  amplitudeLog2Ratio,
  BEAT_WINDOW,
  beatMatch,
  MATCH_MAX_LAG,
  medianBeat,
} from "./morphology.ts";
export { readTarEntries, type TarEntry } from "./tar.ts";
export {
  histogram,
  median,
  peakToPeak,
  type PowerSpectrum,
  SAMPLE_RATE_HZ,
  type SegmentShift,
  segmentShift,
  welchSpectrum,
} from "./signal.ts";
