/** Progress reports of a training run: a bar on a terminal, one line per epoch otherwise. */
import type { EpochRecord } from "./history.ts";

/** Receives training progress; the trainer calls these in order for each epoch. */
export interface ProgressReporter {
  epochStart(epoch: number, epochs: number, steps: number): void;
  /** After each step: `done` steps of the epoch and samples trained so far in it. */
  step(done: number, samples: number, loss: number): void;
  epochEnd(record: EpochRecord, improved: boolean): void;
  /** A free-form message (early stop, restored checkpoint). */
  note(message: string): void;
}

/** Reports nothing. */
export const quietProgress: ProgressReporter = {
  epochStart() {},
  step() {},
  epochEnd() {},
  note() {},
};

const encoder = new TextEncoder();

/** One summary line per epoch, e.g. for a log file. */
export class LineProgress implements ProgressReporter {
  #prefix: string;
  constructor(prefix = "") {
    this.#prefix = prefix;
  }
  epochStart(): void {}
  step(): void {}
  epochEnd(record: EpochRecord, improved: boolean): void {
    console.error(this.#prefix + summaryLine(record, improved));
  }
  note(message: string): void {
    console.error(this.#prefix + message);
  }
}

/** A bar redrawn in place with samples/s and ETA, then the epoch's summary line. */
export class TerminalProgress implements ProgressReporter {
  #prefix: string;
  #epoch = 0;
  #epochs = 0;
  #steps = 0;
  #started = 0;
  #lastDraw = 0;

  constructor(prefix = "") {
    this.#prefix = prefix;
  }

  epochStart(epoch: number, epochs: number, steps: number): void {
    this.#epoch = epoch;
    this.#epochs = epochs;
    this.#steps = steps;
    this.#started = performance.now();
    this.#lastDraw = 0;
  }

  step(done: number, samples: number, loss: number): void {
    const now = performance.now();
    // Redrawing at most 10 times a second keeps the terminal cheap.
    if (done < this.#steps && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const seconds = (now - this.#started) / 1000;
    const rate = samples / Math.max(seconds, 1e-9);
    const eta = done > 0 ? seconds / done * (this.#steps - done) : 0;
    const width = 30;
    const filled = Math.round(width * done / this.#steps);
    const bar = "=".repeat(filled) + " ".repeat(width - filled);
    const text =
      `${this.#prefix}epoch ${this.#epoch}/${this.#epochs} [${bar}] ${done}/${this.#steps}` +
      ` loss ${loss.toFixed(4)} ${rate.toFixed(0)} samples/s ETA ${eta.toFixed(0)} s`;
    Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${text}`));
  }

  epochEnd(record: EpochRecord, improved: boolean): void {
    Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K`));
    console.error(this.#prefix + summaryLine(record, improved));
  }

  note(message: string): void {
    console.error(this.#prefix + message);
  }
}

/** The reporter for this process: quiet, a terminal bar, or lines (stderr not a terminal). */
export function progressFor(quiet: boolean, prefix = ""): ProgressReporter {
  if (quiet) return quietProgress;
  return Deno.stderr.isTerminal() ? new TerminalProgress(prefix) : new LineProgress(prefix);
}

/**
 * "epoch 3/20 loss 0.1234 val loss 0.2345 Fβ 0.9612 acc … | Fβ 0.9701 at 0.4 38.1 s 574
 * samples/s *": metrics at 0.5, then the best grid threshold's Fβ; * = new best epoch.
 */
export function summaryLine(record: EpochRecord, improved: boolean): string {
  const v = record.validation;
  return `epoch ${record.epoch}/${record.epochs} loss ${record.loss.toFixed(4)}` +
    ` val loss ${v.loss.toFixed(4)} Fβ ${v.fbeta.toFixed(4)} acc ${v.accuracy.toFixed(4)}` +
    ` P ${v.precision.toFixed(4)} R ${v.recall.toFixed(4)}` +
    ` | Fβ ${v.bestThresholdFbeta.toFixed(4)} at ${v.bestThreshold}` +
    ` ${record.seconds.toFixed(1)} s ${record.samplesPerSecond.toFixed(0)} samples/s` +
    (improved ? " *" : "");
}
