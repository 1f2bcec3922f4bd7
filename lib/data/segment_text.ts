/**
 * Segment files: one decimal number per line (LF or CRLF), exactly SEGMENT_LENGTH lines.
 *
 * The parser works on the raw bytes, because the whole training set is ~30 M numbers and a
 * string per line would dominate the load time. The common form `-0.0017181` is parsed
 * digit by digit; anything else (an exponent, surrounding spaces) goes through `Number()`.
 *
 * @module
 */
import { SEGMENT_LENGTH } from "./dataset.ts";
import { DataError } from "./errors.ts";

const LF = 10, CR = 13, MINUS = 45, PLUS = 43, DOT = 46, ZERO = 48, NINE = 57;
/** Exact powers of ten: mantissa / 10^k is then correctly rounded, equal to Number(text). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits a double holds exactly (2^53 ≈ 9.007e15); longer numbers take the Number() path. */
const MAX_FAST_DIGITS = 15;
/** What the Number() fallback accepts: a plain decimal, optionally with exponent and spaces. */
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const decoder = new TextDecoder();

/**
 * Parses the bytes of one segment file into `out` (length SEGMENT_LENGTH). Throws a DataError
 * naming `file` and the line when a line is not a finite decimal number (an empty line
 * included), and naming `file` alone when the count of numbers is not SEGMENT_LENGTH.
 * A final newline is optional.
 *
 * @example
 * ```ts
 * import { parseSegmentText } from "./segment_text.ts";
 * const text = Array.from({ length: 1250 }, (_, i) => (i / 1e4).toFixed(7)).join("\n") + "\n";
 * const out = new Float32Array(1250);
 * parseSegmentText(new TextEncoder().encode(text), out, "S01-SR-1.txt");
 * if (out[1249] !== Math.fround(0.1249)) throw new Error(String(out[1249]));
 * ```
 */
export function parseSegmentText(bytes: Uint8Array, out: Float32Array, file: string): void {
  if (out.length !== SEGMENT_LENGTH) {
    throw new RangeError(`Output must hold ${SEGMENT_LENGTH} samples, got ${out.length}`);
  }
  const end = bytes.length;
  let count = 0;
  let pos = 0;
  while (pos < end) {
    let lineEnd = bytes.indexOf(LF, pos);
    if (lineEnd < 0) lineEnd = end;
    const stop = lineEnd > pos && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    let value = parseFast(bytes, pos, stop);
    if (Number.isNaN(value)) value = parseSlow(bytes, pos, stop, file, count + 1);
    // Lines past the end are still checked, so a stray blank line is reported as such.
    if (count < SEGMENT_LENGTH) out[count] = value;
    count++;
    pos = lineEnd + 1;
  }
  if (count !== SEGMENT_LENGTH) {
    throw new DataError(file, `has ${count} values, expected ${SEGMENT_LENGTH}`);
  }
}

/** `[-+]?digits[.digits]` in bytes[start, stop), or NaN when the line has any other form. */
function parseFast(bytes: Uint8Array, start: number, stop: number): number {
  let i = start;
  let negative = false;
  if (i < stop && (bytes[i] === MINUS || bytes[i] === PLUS)) negative = bytes[i++] === MINUS;
  let mantissa = 0;
  let digits = 0;
  let decimals = 0;
  let seenDot = false;
  for (; i < stop; i++) {
    const c = bytes[i];
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      if (seenDot) decimals++;
    } else if (c === DOT && !seenDot) {
      seenDot = true;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > MAX_FAST_DIGITS) return NaN;
  const value = mantissa / POWERS_OF_TEN[decimals];
  return negative ? -value : value;
}

/** The Number() path for unusual but valid lines; throws a DataError for invalid ones. */
function parseSlow(
  bytes: Uint8Array,
  start: number,
  stop: number,
  file: string,
  line: number,
): number {
  const text = decoder.decode(bytes.subarray(start, stop));
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new DataError(
      file,
      text.trim() === "" ? "empty line, expected a number" : `"${shown}" is not a finite number`,
      line,
    );
  }
  return value;
}
