/**
 * The search's results table: `results.jsonl`, one JSON object per line, one line per finished
 * (candidate, stage). Lines are only ever appended whole, in one write; a crash during that
 * write can leave a torn last line (no trailing newline, or unparsable), which
 * {@linkcode readTable} reports and skips and {@linkcode repairTable} cuts off before the next
 * append. Resuming a search = skipping the (id, stage) pairs already in the table with a result.
 */
import type { Candidate } from "./space.ts";
import type { CandidateResult } from "./evaluate_candidate.ts";
import { temporaryPath } from "../io/atomic.ts";

/** "screen": a few folds (successive halving's first rung); "full": every fold. */
export type Stage = "screen" | "full";

/** One line of results.jsonl. */
export interface TableRow {
  id: string;
  stage: Stage;
  candidate: Candidate;
  /** A one-line description of the architecture. */
  arch: string;
  /** Set when the candidate failed (diverged, unquantizable, …); then `result` is absent. */
  error?: string;
  result?: CandidateResult;
  finished_at: string;
}

/** The rows of a table, and what was wrong with it. */
export interface TableContents {
  rows: TableRow[];
  /** Line numbers (1-based) that did not parse, with the reason; a torn last line among them. */
  skipped: { line: number; reason: string }[];
  /** True when the last line lacks its newline or does not parse (a crash mid-append). */
  tornTail: boolean;
}

/** Reads `path` (a missing file is an empty table). Never throws on a malformed line. */
export async function readTable(path: string): Promise<TableContents> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { rows: [], skipped: [], tornTail: false };
    throw error;
  }
  return parseTable(text);
}

/** Parses the text of a table (see {@linkcode readTable}). */
export function parseTable(text: string): TableContents {
  const lines = text.split("\n");
  const complete = text.endsWith("\n") || text === "";
  if (complete) lines.pop(); // the empty string after the final newline
  const rows: TableRow[] = [];
  const skipped: { line: number; reason: string }[] = [];
  let tornTail = !complete;
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    if (last && !complete) {
      skipped.push({ line: i + 1, reason: "torn last line (no newline): an interrupted append" });
      return;
    }
    if (line.trim() === "") return;
    try {
      const row = JSON.parse(line) as TableRow;
      if (typeof row.id !== "string" || (row.stage !== "screen" && row.stage !== "full")) {
        throw new SyntaxError("not a result row (id, stage)");
      }
      rows.push(row);
    } catch (error) {
      skipped.push({ line: i + 1, reason: (error as Error).message });
      if (last) tornTail = true;
    }
  });
  return { rows, skipped, tornTail };
}

/**
 * Cuts a torn last line off `path` (rewriting the file through a rename), so the next append
 * starts on a fresh line. Returns true if it cut something.
 */
export async function repairTable(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  const { tornTail } = parseTable(text);
  if (!tornTail) return false;
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const cut = body.lastIndexOf("\n");
  const kept = cut < 0 ? "" : body.slice(0, cut + 1);
  const tmp = temporaryPath(path);
  await Deno.writeTextFile(tmp, kept);
  await Deno.rename(tmp, path);
  return true;
}

/** Appends `row` as one whole line (a single write of the line and its newline). */
export async function appendRow(path: string, row: TableRow): Promise<void> {
  const line = JSON.stringify(row) + "\n";
  const file = await Deno.open(path, { append: true, create: true, write: true });
  try {
    const bytes = new TextEncoder().encode(line);
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } finally {
    file.close();
  }
}

/** The key of a finished (candidate, stage). */
export function rowKey(id: string, stage: Stage): string {
  return `${id}/${stage}`;
}

/**
 * Keys of every (candidate, stage) in `rows` that finished with a result, for resuming. Failed
 * rows stay in the table but are tried again (a failure may come from the machine, such as a
 * killed worker, rather than from the candidate).
 */
export function finishedKeys(rows: readonly TableRow[]): Set<string> {
  return new Set(rows.filter((r) => r.result !== undefined).map((r) => rowKey(r.id, r.stage)));
}

/**
 * Rows ranked best first: full-CV rows before screening rows, then by contest score (or, without
 * M4 figures, by int8 Fβ); failed rows last. For each candidate only its most complete row.
 */
export function rankRows(rows: readonly TableRow[]): TableRow[] {
  const best = new Map<string, TableRow>();
  for (const row of rows) {
    const seen = best.get(row.id);
    if (!seen || (seen.stage === "screen" && row.stage === "full") || (seen.error && !row.error)) {
      best.set(row.id, row);
    }
  }
  const value = (r: TableRow) =>
    r.result ? (r.result.score ?? r.result.fbeta_int8 * 100) : -Infinity;
  return [...best.values()].sort((a, b) =>
    (a.stage === b.stage ? 0 : a.stage === "full" ? -1 : 1) || value(b) - value(a)
  );
}
