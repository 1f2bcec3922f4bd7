/**
 * Scoring over the serial line: every segment of a dataset sent to emulated boards by the
 * protocol client, the boards' classes and times collected, checked against the TypeScript
 * int8 interpreter (the reference `deno task evaluate` uses), and summed up in the contest's
 * figures.
 *
 * @module
 */
import type { Dataset } from "../data/mod.ts";
import type { ModelIR } from "../ir/ir.ts";
import { predictInt8 } from "../evaluate/int8.ts";
import { type BinaryMetrics, contestScore, metricsOf } from "../metrics/mod.ts";
import { imageSize } from "../firmware/size.ts";
import { BUILD_DIR } from "../firmware/compile.ts";
import { buildBoardImage } from "./build.ts";
import { startBoard } from "./qemu_board.ts";
import { exchangeSegment, type HostPauses } from "./client.ts";
import { hostSegmentText } from "./host_text.ts";

/** Options of {@linkcode scoreOnBoard}. */
export interface BoardScoreOptions {
  /** Emulated boards run side by side, each with its own QEMU (default 1). */
  boards?: number;
  /** The host's pauses (default: validation.py's). */
  pauses?: HostPauses;
  buildDir?: string;
  /** Called after each segment with the count done. */
  onProgress?: (done: number, total: number) => void;
}

/** A segment where the board and the interpreter disagree, or the board refused the input. */
export interface BoardIssue {
  file: string;
  message: string;
}

/** What a scoring run over the serial line measured. */
export interface BoardScore {
  elf: string;
  flashBytes: number;
  metrics: BinaryMetrics;
  /** Mean of the boards' reported seconds, in ms (an estimate: see docs/board-protocol.md). */
  averageMs: number;
  /** 100·Fβ + 20·Ln + 20·Mn with the board image's flash. */
  score: number;
  /** Segments whose class differs from the interpreter's. */
  mismatches: BoardIssue[];
  /** Segments the board answered with an error code, and protocol failures. */
  protocolErrors: BoardIssue[];
  segments: number;
  wallSeconds: number;
}

/**
 * Scores `ir` on `dataset` over the emulated serial line. `texts[i]` is segment i's file text
 * (readSegmentTexts). QEMU is always stopped before this returns or throws.
 */
export async function scoreOnBoard(
  ir: ModelIR,
  dataset: Dataset,
  texts: readonly string[],
  options: BoardScoreOptions = {},
): Promise<BoardScore> {
  const buildDir = options.buildDir ?? BUILD_DIR;
  // No pause before "begin": the client keeps a "begin" sent right behind the reply. The
  // image is otherwise the one --serve runs for the contest's script (same size).
  const elf = await buildBoardImage(ir, buildDir, { beginDelayMs: 0, sampleTimeout: false });
  const flashBytes = (await imageSize(elf)).flash;
  const reference = predictInt8(ir, dataset).classes;
  const predicted = new Int8Array(dataset.size).fill(-1);
  const seconds = new Float64Array(dataset.size);
  const mismatches: BoardIssue[] = [];
  const protocolErrors: BoardIssue[] = [];
  const started = performance.now();
  let next = 0, done = 0, failed = false;
  const worker = async () => {
    const board = await startBoard(elf, buildDir);
    try {
      while (next < dataset.size && !failed) {
        const i = next++;
        const file = dataset.files[i];
        const reply = await exchangeSegment(board.line, hostSegmentText(texts[i], file), {
          pauses: options.pauses,
        });
        if (reply.kind === "error") {
          protocolErrors.push({ file, message: `the board answered ${reply.reply}` });
        } else {
          predicted[i] = reply.predicted;
          seconds[i] = reply.seconds;
          if (reply.predicted !== reference[i]) {
            mismatches.push({
              file,
              message: `board class ${reply.predicted}, interpreter class ${reference[i]}`,
            });
          }
        }
        options.onProgress?.(++done, dataset.size);
      }
    } catch (error) {
      failed = true; // the other boards stop after their current segment
      throw error;
    } finally {
      await board.close();
    }
  };
  const boards = Math.max(1, Math.min(options.boards ?? 1, dataset.size));
  // Every worker must finish (and close its QEMU) before a failure is reported: with
  // Promise.all the command would exit on the first error and leave the other boards running.
  const settled = await Promise.allSettled(Array.from({ length: boards }, worker));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  const wallSeconds = (performance.now() - started) / 1000;
  let tp = 0, fn = 0, fp = 0, tn = 0, answered = 0, total = 0;
  for (let i = 0; i < dataset.size; i++) {
    if (predicted[i] < 0) continue;
    answered++;
    total += seconds[i];
    if (dataset.labels[i] === 1) predicted[i] === 1 ? tp++ : fn++;
    else predicted[i] === 1 ? fp++ : tn++;
  }
  const metrics = metricsOf({ tp, fn, fp, tn });
  const averageMs = answered > 0 ? 1000 * total / answered : NaN;
  return {
    elf,
    flashBytes,
    metrics,
    averageMs,
    score: contestScore(metrics.fbeta, averageMs, flashBytes),
    mismatches,
    protocolErrors,
    segments: dataset.size,
    wallSeconds,
  };
}
