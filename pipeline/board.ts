/**
 * `deno task board`: scores a quantized model the way the contest did, over the board's serial
 * line: the board image runs under QEMU's mps2-an386, and a host client that follows the
 * contest's host script byte for byte sends every segment and reads the class and the
 * estimated inference time. Checks every class against the TypeScript int8 interpreter.
 * Parses options and calls lib/board.
 */
import {
  type CommandSpec,
  intOption,
  parseCommand,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { type Dataset, loadDataset, subset } from "../lib/data/mod.ts";
import { DEFAULT_MODEL, resolveModel, validationSubjectsOf } from "../lib/models/mod.ts";
import { evenlySpaced, segmentsOfSubjects } from "../lib/quant/segments.ts";
import {
  boardQemuArgs,
  type BoardScore,
  buildBoardImage,
  readSegmentTexts,
  scoreOnBoard,
} from "../lib/board/mod.ts";
import { CYCLES_PER_INSTRUCTION } from "../lib/metrics/mod.ts";
import { requireToolsFor } from "../lib/firmware/toolchain.ts";

const DEFAULT_DATA =
  new URL("../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url)
    .pathname;

const command: CommandSpec = {
  usage:
    "deno task board [--data <dir|archive>] [--index <csv>] [--model DIR|NAME] [--boards N]\n" +
    "       deno task board --serve [--model DIR|NAME]",
  summary: "Score a quantized model over the emulated board's serial line (QEMU mps2-an386, " +
    "the contest's protocol): confusion matrix, accuracy, precision, sensitivity, Fβ, average " +
    "estimated inference time and the estimated contest score; every class is checked " +
    "against the TypeScript int8 interpreter.",
  options: {
    data: {
      type: "string",
      value: "PATH",
      description: "IEGM data directory or .tar.gz archive.",
      default: DEFAULT_DATA,
    },
    index: {
      type: "string",
      value: "CSV",
      description: "Index CSV of the segments to send (default: every segment of the subjects " +
        "the model's training run held out, when its run is beside the IR; else every segment).",
    },
    segments: {
      type: "string",
      value: "N",
      description: "Send only N of those segments, evenly spaced (0 = all).",
      default: "0",
    },
    model: {
      type: "string",
      value: "DIR|NAME",
      description: "A quantize or pipeline output directory, or a committed model's name.",
      default: DEFAULT_MODEL,
    },
    boards: {
      type: "string",
      value: "N",
      description: "Emulated boards run side by side, one QEMU each.",
      default: "3",
    },
    json: { type: "boolean", description: "Print one JSON object instead of the report." },
    serve: {
      type: "boolean",
      description: "Run the board for another host (e.g. the contest's validation.py): QEMU " +
        "prints UART0's pty path, holds the board in reset until you type `cont` at its " +
        "(qemu) prompt, and runs until you type `quit`.",
    },
  },
};

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const { path, ir } = await resolveModel(args.model as string).catch((error) => {
    throw new UsageError((error as Error).message);
  });
  await requireToolsFor("m4");
  if (args.serve) return await serve(await buildBoardImage(ir));
  const data = requireString(args, "data");
  const boards = intOption(args, "boards", 1, 16)!;
  const dataset = await chooseSegments(
    data,
    typeof args.index === "string" ? args.index : undefined,
    path,
    intOption(args, "segments", 0)!,
  );
  const texts = await readSegmentTexts(data, dataset.files);
  let shown = 0;
  const result = await scoreOnBoard(ir, dataset, texts, {
    boards,
    onProgress: (done, total) => {
      if (args.json || !Deno.stderr.isTerminal()) return;
      if (done === total || done - shown >= 25) {
        shown = done;
        Deno.stderr.writeSync(new TextEncoder().encode(`\r[board] ${done}/${total} segments`));
        if (done === total) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
      }
    },
  });
  console.log(args.json ? JSON.stringify(result) : readable(result, path, boards));
  if (result.mismatches.length > 0 || result.protocolErrors.length > 0) Deno.exit(1);
});

/**
 * The segments of `index`, or without one the held-out subjects' of the model at `irPath`
 * (every segment when its training run is not beside it); `count` of them evenly spaced.
 */
async function chooseSegments(
  data: string,
  index: string | undefined,
  irPath: string,
  count: number,
): Promise<Dataset> {
  const dataset = await loadDataset({ data, index });
  const subjects = index === undefined ? await validationSubjectsOf(irPath) : null;
  const all = subjects
    ? segmentsOfSubjects(dataset, subjects)
    : Array.from({ length: dataset.size }, (_, i) => i);
  return subset(dataset, count > 0 ? evenlySpaced(all, count) : all);
}

/** Runs QEMU in the foreground with UART0 on a pty and the monitor on this terminal. */
async function serve(elf: string): Promise<void> {
  const args = boardQemuArgs(elf, "pty", true);
  console.log(
    `board image ${elf}\nqemu-system-arm ${args.join(" ")}\n` +
      "Open the pty printed below with the host script (e.g. validation.py --com /dev/pts/N), " +
      "then type `cont` at the (qemu) prompt; `quit` ends.",
  );
  const status = await new Deno.Command("qemu-system-arm", { args }).spawn().status;
  if (!status.success) throw new Error(`qemu-system-arm exited with ${status.code}`);
}

function readable(r: BoardScore, path: string, boards: number): string {
  const m = r.metrics;
  const lines = [
    `model ${path}; board image ${r.elf} (flash ${r.flashBytes} bytes)`,
    `${r.segments} segments over the serial line in ${r.wallSeconds.toFixed(1)} s ` +
    `(${(r.segments / r.wallSeconds).toFixed(2)} segments/s, ${boards} board${
      boards > 1 ? "s" : ""
    })`,
    "confusion matrix (rows: label 0, 1; columns: predicted 0, 1):",
    `  [[${m.tn} ${m.fp}]`,
    `   [${m.fn} ${m.tp}]]`,
    `accuracy ${m.accuracy.toFixed(4)}  precision ${m.precision.toFixed(4)}  ` +
    `sensitivity ${m.recall.toFixed(4)}  Fβ (β = 2) ${m.fbeta.toFixed(4)}`,
    `average time ${r.averageMs.toFixed(3)} ms (estimate for the 80 MHz board: executed ` +
    `instructions × ${CYCLES_PER_INSTRUCTION} cycles)`,
    `estimated contest score ${r.score.toFixed(2)}`,
    `board vs interpreter mismatches: ${r.mismatches.length}; protocol errors: ${r.protocolErrors.length}`,
    ...[...r.mismatches, ...r.protocolErrors].slice(0, 20).map((e) => `  ${e.file}: ${e.message}`),
  ];
  return lines.join("\n");
}
