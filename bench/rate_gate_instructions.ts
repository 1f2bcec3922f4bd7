/**
 * Cortex-M4 instructions per call of the rate gate's estimator
 * iegm_twice_median_beat_interval_s8 (docs/int8-spec.md §14): the reference
 * (firmware/runtime/ref/rate_gate_s8.c) against the DSP version (firmware/runtime/m4/), each
 * built into firmware/m4/rate_gate_check.c and counted exactly under QEMU (lib/firmware
 * exec_count.ts: every instruction between the marker functions around one call) on real
 * segments of the shared archive at both input decs the tests use, with the peak stack of the
 * calls. Target: the m4 version ≤ 12,000 instructions per call at -Os (the model's whole budget,
 * gate included, is ≤ 65,000).
 *
 *   ./node_modules/.bin/deno run -A bench/rate_gate_instructions.ts [--segments 12] [--optimize=-O2]
 *
 * The check program's helpers are lib/firmware/rate_gate.ts.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type CommandSpec, intOption, parseCommand, runMain, UsageError } from "../lib/cli/args.ts";
import { loadDataset, segment } from "../lib/data/mod.ts";
import { buildRateGateImage, countRateGateCall, runRateGate } from "../lib/firmware/rate_gate.ts";
import type { KernelSet } from "../lib/firmware/runtime.ts";
import { quantizeInput } from "../lib/interp/mod.ts";
import type { ModelIR } from "../lib/ir/ir.ts";

// ------------------------------------------------------------------------------ the benchmark

const ARCHIVE = Deno.env.get("IEGM_ARCHIVE") ??
  fileURLToPath(new URL("../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url));

/** Input decs of the tests: 5 (twoblock's and threeblock's input), 7 (nnom's, saturating). */
const DECS = [5, 7];

const command: CommandSpec = {
  usage: "./node_modules/.bin/deno run -A bench/rate_gate_instructions.ts [options]",
  summary: "Cortex-M4 instructions per rate-gate call, reference vs m4, on real segments.",
  options: {
    segments: {
      type: "string",
      value: "N",
      description: "Real segments per input dec, evenly spaced over the archive.",
      default: "12",
    },
    optimize: {
      type: "string",
      value: "LEVEL",
      description: "-Os or -O2 (written --optimize=-O2).",
      default: "-Os",
    },
  },
};

/** The int8 input of a model whose input tensor has `dec` (all quantizeInput reads). */
function inputIR(dec: number): ModelIR {
  return {
    form: "int8",
    input: "x",
    inputClip: null,
    tensors: { x: { dec, dtype: "int8", shape: [1250, 1] } },
  } as unknown as ModelIR;
}

/** Runs `tasks` with at most `limit` at a time; results in order. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function summary(counts: number[]): string {
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const fmt = (v: number) => Math.round(v).toLocaleString("en-US").padStart(7);
  return `${fmt(Math.min(...counts))} ${fmt(mean)} ${fmt(Math.max(...counts))}`;
}

if (import.meta.main) {
  await runMain(async () => {
    const args = parseCommand(command, Deno.args);
    const perDec = intOption(args, "segments", 1, 24_588)!;
    const optimize = args.optimize;
    if (optimize !== "-Os" && optimize !== "-O2") {
      throw new UsageError(`--optimize must be -Os or -O2, got "${optimize}"`);
    }
    const dataset = await loadDataset({ data: ARCHIVE });
    const picks = Array.from(
      { length: Math.min(perDec, dataset.size) },
      (_, j) => Math.floor((j + 0.5) * dataset.size / Math.min(perDec, dataset.size)),
    );
    const byDec = DECS.map((dec) =>
      picks.map((i) => quantizeInput(inputIR(dec), segment(dataset, i)))
    );
    const kernels: KernelSet[] = ["reference", "m4"];
    const elves = await Promise.all(kernels.map((k) => buildRateGateImage(k, optimize)));
    const lanes = Math.max(1, navigator.hardwareConcurrency - 1);
    console.log(
      `Instructions per call of iegm_twice_median_beat_interval_s8 (Cortex-M4, ${optimize}, ` +
        `exact count under QEMU), ${picks.length} real segments per input dec:`,
    );
    console.log(`${"".padEnd(22)}${"min".padStart(7)} ${"mean".padStart(7)} ${"max".padStart(7)}`);
    const all: number[][] = kernels.map(() => []);
    for (const [d, dec] of DECS.entries()) {
      for (const [k, kernel] of kernels.entries()) {
        const counts = await pooled(
          byDec[d].map((x) => () => countRateGateCall(elves[k], x)),
          lanes,
        );
        all[k].push(...counts);
        console.log(`${`${kernel}, dec ${dec}`.padEnd(22)}${summary(counts)}`);
      }
    }
    for (const [k, kernel] of kernels.entries()) {
      console.log(`${`${kernel}, both decs`.padEnd(22)}${summary(all[k])}`);
    }
    const ratio = all[0].reduce((a, b) => a + b, 0) / all[1].reduce((a, b) => a + b, 0);
    console.log(`The m4 version takes 1/${ratio.toFixed(1)} of the reference's instructions.`);
    const stacks = await Promise.all(
      elves.map(async (elf) => (await runRateGate(elf, byDec.flat())).stackBytes),
    );
    console.log(`Peak stack per call: ${kernels.map((k, i) => `${k} ${stacks[i]} B`).join(", ")}`);
  });
}
