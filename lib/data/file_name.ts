/**
 * Segment file names: `<subject>-<rhythm>-<n>.txt`, e.g. `S66-VT-114.txt`.
 *
 * @module
 */
import { type Rhythm, RHYTHMS } from "./dataset.ts";
import { DataError } from "./errors.ts";

/** What a segment's file name says about it. */
export interface SegmentName {
  /** Subject, e.g. "S66". */
  subject: string;
  /** Rhythm code, one of RHYTHMS. */
  rhythm: Rhythm;
  /** Segment number within the subject's recording of that rhythm (not contiguous). */
  number: number;
}

const PATTERN = /^(S\d+)-([A-Za-z]+)-(\d+)\.txt$/;

/**
 * Parses a segment file name (a base name, without folders). Throws a DataError naming the
 * file (as `shownAs`, e.g. its full path; default the name itself) when the name does not
 * follow the pattern or the rhythm is not one of RHYTHMS.
 *
 * @example
 * ```ts
 * import { parseSegmentFileName } from "./file_name.ts";
 * const name = parseSegmentFileName("S66-VT-114.txt");
 * if (name.subject !== "S66" || name.rhythm !== "VT" || name.number !== 114) throw new Error();
 * ```
 */
export function parseSegmentFileName(fileName: string, shownAs = fileName): SegmentName {
  const match = PATTERN.exec(fileName);
  if (match === null) {
    throw new DataError(
      shownAs,
      "file name does not follow <subject>-<rhythm>-<n>.txt (e.g. S66-VT-114.txt)",
    );
  }
  const rhythm = match[2] as Rhythm;
  if (!RHYTHMS.includes(rhythm)) {
    throw new DataError(shownAs, `unknown rhythm "${match[2]}" (known: ${RHYTHMS.join(", ")})`);
  }
  return { subject: match[1], rhythm, number: Number(match[3]) };
}

/**
 * Orders segment names by subject number, rhythm (in RHYTHMS order) and segment number, so
 * that consecutive (overlapping) segments of one recording sit next to each other.
 */
export function compareSegmentNames(a: SegmentName, b: SegmentName): number {
  return Number(a.subject.slice(1)) - Number(b.subject.slice(1)) ||
    (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) ||
    RHYTHMS.indexOf(a.rhythm) - RHYTHMS.indexOf(b.rhythm) ||
    a.number - b.number;
}
