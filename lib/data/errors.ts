/**
 * The one error class for problems in the data: a malformed segment, a bad index row, a
 * missing file, a broken archive. It always names the file at fault, and the line when there
 * is one, so a user can open the file and look.
 *
 * @module
 */

/**
 * A problem in the IEGM data (not in the code or the call): `file` is the file at fault (a
 * segment, an index CSV, an archive) and `line` the 1-based line when the problem has one.
 * The message starts with `file:line: `, like a compiler's.
 *
 * @example
 * ```ts
 * import { DataError } from "./errors.ts";
 * const error = new DataError("S01-VT-3.txt", "has 1249 values, expected 1250");
 * if (error.message !== "S01-VT-3.txt: has 1249 values, expected 1250") throw error;
 * ```
 */
export class DataError extends Error {
  override name = "DataError";
  /** The file at fault (as the user named it, or its path inside an archive). */
  readonly file: string;
  /** The 1-based line at fault, when the problem is on one line. */
  readonly line?: number;

  constructor(file: string, message: string, line?: number, options?: ErrorOptions) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${message}`, options);
    this.file = file;
    if (line !== undefined) this.line = line;
  }
}
