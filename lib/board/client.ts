/**
 * The host side of the contest's board protocol, step for step as the published host script
 * (`validation.py` of tinymlcontest2022_demo_evaluation) does it, over a SerialLine:
 *
 * 1. wait until ≥ 5 bytes are buffered; read them all; reset the input buffer; expect "begin";
 * 2. send the 1,250 numbers, each followed by a space;
 * 3. wait until ≥ 2 bytes; sleep 10 ms; read them all; reset; expect "ok";
 * 4. sleep 20 ms; send "200 "; sleep 10 ms;
 * 5. wait until ≥ 10 bytes; read exactly 10; reset; split at the comma: class, seconds.
 *
 * Where the script would silently go on (a reply other than "begin" or "ok"), this client
 * throws a BoardProtocolError: a scoring run must have zero protocol errors.
 *
 * One step differs unless `discardAfterReply` is set: after the reply the client keeps a
 * "begin" (or its start) that the board sent right behind it, where the script discards it and
 * then waits for ever. So a board image without the pause before "begin" (lib/board's scoring
 * image) can be scored without racing the host's reset; any other byte after the reply is a
 * protocol error.
 *
 * @module
 */
import type { SerialLine } from "./serial_line.ts";

/** The board's reply broke the protocol. */
export class BoardProtocolError extends Error {
  override name = "BoardProtocolError";
}

/** The board's answer for one segment. */
export type BoardReply =
  /** An inference: class 0/1 and the estimated seconds it took on the 80 MHz board. */
  | { kind: "result"; reply: string; predicted: 0 | 1; seconds: number }
  /**
   * The board rejected the input: "N" sample `index` is not a number; "T" the line went quiet
   * after `index` samples (images built with the sample timeout).
   */
  | { kind: "error"; reply: string; code: "N" | "T"; index: number };

/** The host script's pauses, in ms (defaults: the script's own). */
export interface HostPauses {
  afterOk: number;
  before200: number;
  after200: number;
}

/** validation.py's sleeps: 10 ms after "ok" arrives, 20 ms before "200 ", 10 ms after. */
export const VALIDATION_PY_PAUSES: HostPauses = { afterOk: 10, before200: 20, after200: 10 };

/** Options of {@linkcode exchangeSegment}. */
export interface ExchangeOptions {
  pauses?: HostPauses;
  /** Longest wait for any one reply before giving up (the script waits for ever). */
  timeoutMs?: number;
  /**
   * Discard every byte after the 10-byte reply, as the script does (default false: keep a
   * "begin" sent right behind the reply; see the module doc).
   */
  discardAfterReply?: boolean;
}

const RESULT = /^([01]),(\d\.\d{6})$/;
const ERROR = /^E([NT]),(\d{7})$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const decoder = new TextDecoder();

/**
 * Runs one protocol round: sends `samples` (the host's text, e.g. from hostSegmentText) and
 * returns the board's 10-byte answer, parsed. Throws a BoardProtocolError when the board
 * sends anything the script does not expect, or a SerialLineError when it goes silent.
 */
export async function exchangeSegment(
  line: SerialLine,
  samples: string,
  options: ExchangeOptions = {},
): Promise<BoardReply> {
  const pauses = options.pauses ?? VALIDATION_PY_PAUSES;
  const timeoutMs = options.timeoutMs ?? 30_000;
  await line.waitFor(5, '"begin"', timeoutMs);
  const begin = decoder.decode(line.readAll());
  line.resetInputBuffer();
  if (begin.trim() !== "begin") {
    throw new BoardProtocolError(`Expected "begin" from the board, got ${JSON.stringify(begin)}`);
  }
  await line.write(samples);
  await line.waitFor(2, '"ok"', timeoutMs);
  await sleep(pauses.afterOk);
  const ok = decoder.decode(line.readAll());
  line.resetInputBuffer();
  if (ok.trim() !== "ok") {
    throw new BoardProtocolError(`Expected "ok" from the board, got ${JSON.stringify(ok)}`);
  }
  await sleep(pauses.before200);
  await line.write("200 ");
  await sleep(pauses.after200);
  await line.waitFor(10, "10-byte result", timeoutMs);
  const reply = decoder.decode(line.read(10));
  const after = line.pending;
  if (options.discardAfterReply || !"begin".startsWith(after)) line.resetInputBuffer();
  const parsed = parseReply(reply);
  if (!options.discardAfterReply && !"begin".startsWith(after)) {
    throw new BoardProtocolError(
      `Unexpected bytes from the board after its reply ${JSON.stringify(reply)}: ` +
        JSON.stringify(after),
    );
  }
  return parsed;
}

/**
 * Parses the board's 10-byte answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseReply } from "./client.ts";
 * assert.deepEqual(parseReply("1,0.000812"), {
 *   kind: "result", reply: "1,0.000812", predicted: 1, seconds: 0.000812,
 * });
 * assert.deepEqual(parseReply("EN,0000042"), {
 *   kind: "error", reply: "EN,0000042", code: "N", index: 42,
 * });
 * ```
 */
export function parseReply(reply: string): BoardReply {
  const result = RESULT.exec(reply);
  if (result) {
    return { kind: "result", reply, predicted: result[1] === "1" ? 1 : 0, seconds: +result[2] };
  }
  const error = ERROR.exec(reply);
  if (error) return { kind: "error", reply, code: error[1] as "N" | "T", index: +error[2] };
  throw new BoardProtocolError(
    `Expected "<class>,<seconds>" (10 bytes) from the board, got ${JSON.stringify(reply)}`,
  );
}
