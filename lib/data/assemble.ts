/**
 * From read files and index rows to a Dataset: the rows' order is the Dataset's order.
 *
 * @module
 */
import { RHYTHMS, SEGMENT_LENGTH, VA_RHYTHMS } from "./dataset.ts";
import type { Dataset, DatasetSource } from "./dataset.ts";
import { DataError } from "./errors.ts";
import { compareSegmentNames, parseSegmentFileName } from "./file_name.ts";
import type { IndexRow } from "./index_csv.ts";
import type { SourceFiles } from "./sources.ts";

/**
 * Index rows for every segment file of `files`, labelled by rhythm, in the order of
 * compareSegmentNames (subject, rhythm, number): used when no index CSV is given or found.
 * Throws a DataError for a `*.txt` whose name is not a segment name.
 */
export function rowsFromFileNames(files: SourceFiles): IndexRow[] {
  const rows: IndexRow[] = [];
  for (const [file, segment] of files.segments) {
    const name = parseSegmentFileName(file, segment.path);
    const label = VA_RHYTHMS.has(name.rhythm) ? 1 : 0;
    rows.push({ line: 0, label, file, ...name });
  }
  return rows.sort(compareSegmentNames);
}

/**
 * The Dataset of `rows` (in their order) with samples from `files`. `indexPath` names the
 * index in errors: a row whose file is missing, or whose file failed to parse (that file's
 * own DataError is thrown).
 */
export function assembleDataset(
  files: SourceFiles,
  rows: readonly IndexRow[],
  indexPath: string,
  source: DatasetSource,
): Dataset {
  const size = rows.length;
  const samples = new Float32Array(size * SEGMENT_LENGTH);
  const labels = new Uint8Array(size);
  const rhythms = new Uint8Array(size);
  const subjects = new Uint16Array(size);
  const subjectNames = [...new Set(rows.map((row) => row.subject))].sort(compareSubjects);
  const subjectIndex = new Map(subjectNames.map((name, i) => [name, i]));
  rows.forEach((row, i) => {
    const segment = files.segments.get(row.file);
    if (segment === undefined) {
      throw new DataError(
        indexPath,
        `${row.file} is not in ${files.origin}`,
        row.line || undefined,
      );
    }
    if (segment.error) throw segment.error;
    samples.set(segment.values, i * SEGMENT_LENGTH);
    labels[i] = row.label;
    rhythms[i] = RHYTHMS.indexOf(row.rhythm);
    subjects[i] = subjectIndex.get(row.subject)!;
  });
  const fileNames = rows.map((row) => row.file);
  return { size, samples, labels, subjects, subjectNames, rhythms, files: fileNames, source };
}

/** "S2" before "S10": by number, then by name. */
function compareSubjects(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || (a < b ? -1 : a > b ? 1 : 0);
}
