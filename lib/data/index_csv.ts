/**
 * Index CSVs: a header `label,Filename`, then one row per segment, e.g. `1,S66-VT-114.txt`.
 *
 * @module
 */
import { VA_RHYTHMS } from "./dataset.ts";
import { DataError } from "./errors.ts";
import { parseSegmentFileName, type SegmentName } from "./file_name.ts";

/** One row of an index CSV, with what its file name says. */
export interface IndexRow extends SegmentName {
  /** 1-based line in the CSV. */
  line: number;
  /** 1 = ventricular arrhythmia. */
  label: 0 | 1;
  /** Segment file name, e.g. "S66-VT-114.txt". */
  file: string;
}

const HEADER = "label,Filename";

/**
 * Parses and checks an index CSV. `path` names the CSV in errors. Each row must have a label
 * of 0 or 1 that agrees with the rhythm in its file name (VT, VFb, VFt → 1; others → 0), and
 * no file may be listed twice. Lines may end in LF or CRLF; blank lines are allowed only at
 * the end. Throws a DataError naming the CSV and the line at fault.
 *
 * @example
 * ```ts
 * import { parseIndexCsv } from "./index_csv.ts";
 * const rows = parseIndexCsv("label,Filename\n1,S66-VT-114.txt\n0,S01-SR-2.txt\n", "i.csv");
 * if (rows.length !== 2 || rows[1].rhythm !== "SR" || rows[1].line !== 3) throw new Error();
 * ```
 */
export function parseIndexCsv(text: string, path: string): IndexRow[] {
  const lines = text.split("\n").map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new DataError(path, `is empty, expected the header "${HEADER}"`);
  if (lines[0].trim() !== HEADER) {
    throw new DataError(path, `header is "${lines[0]}", expected "${HEADER}"`, 1);
  }
  const rows: IndexRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const fields = lines[i].split(",").map((field) => field.trim());
    if (fields.length !== 2) {
      throw new DataError(path, `expected 2 fields (label,Filename), got ${fields.length}`, line);
    }
    const [labelText, file] = fields;
    if (labelText !== "0" && labelText !== "1") {
      throw new DataError(path, `label "${labelText}" is neither 0 nor 1`, line);
    }
    if (file.includes("/") || file.includes("\\")) {
      throw new DataError(path, `"${file}" is a path; the index lists bare file names`, line);
    }
    let name: SegmentName;
    try {
      name = parseSegmentFileName(file);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      throw new DataError(path, error.message, line, { cause: error });
    }
    const label = labelText === "1" ? 1 : 0;
    const expected = VA_RHYTHMS.has(name.rhythm) ? 1 : 0;
    if (label !== expected) {
      throw new DataError(
        path,
        `label ${label} contradicts rhythm ${name.rhythm} of ${file} (expected ${expected})`,
        line,
      );
    }
    const first = firstLineOf.get(file);
    if (first !== undefined) {
      throw new DataError(path, `${file} is listed twice (first on line ${first})`, line);
    }
    firstLineOf.set(file, line);
    rows.push({ line, label, file, ...name });
  }
  return rows;
}
