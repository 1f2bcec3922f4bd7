/**
 * `deno task bench:train`: training and inference segments/s of the nnom arch, side by side —
 * tfjs wasm with stock layers, tfjs wasm with the fused kernels (on one thread, and data-parallel
 * over every core: lib/train/data_parallel.ts), and PyTorch on CPU with one
 * thread and with every core when Debian's python3-torch is installed — with each figure's
 * ratio to PyTorch on one thread. Every variant runs in its own process (one
 * tfjs/PyTorch instance each, timed inside after warm-up), the variants alternate round by
 * round so that load from elsewhere spreads over all of them, and the figures are medians.
 *
 *   deno task bench:train [--rounds 4] [--batches 20] [--json]
 */
import { type CommandSpec, intOption, parseCommand, runMain } from "../lib/cli/args.ts";

const command: CommandSpec = {
  usage: "deno task bench:train [--rounds N] [--batches N] [--json]",
  summary: "nnom training and inference speed: tfjs wasm stock and fused vs PyTorch CPU.",
  options: {
    rounds: { type: "string", value: "N", description: "Alternating rounds.", default: "4" },
    batches: {
      type: "string",
      value: "N",
      description: "Timed batches of 256 per figure.",
      default: "20",
    },
    json: { type: "boolean", description: "Print the medians as one JSON object." },
  },
};

interface Figures {
  train_per_s: number;
  infer_per_s: number;
}

interface Variant {
  name: string;
  command: string[];
}

const DENO = Deno.execPath();
const HERE = new URL(".", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";

function variants(batches: number, torch: boolean): Variant[] {
  const tfjs = (...flags: string[]): string[] => [
    DENO,
    "run",
    "-A",
    `${HERE}tfjs_train_speed.ts`,
    `--batches=${batches}`,
    ...flags,
  ];
  const pytorch = (threads: number): string[] => [
    PYTHON,
    `${HERE}torch_nnom.py`,
    `--threads=${threads}`,
    `--batches=${batches}`,
  ];
  const cores = navigator.hardwareConcurrency;
  return [
    { name: "tfjs wasm, stock layers", command: tfjs() },
    { name: "tfjs wasm, fused kernels", command: tfjs("--fused") },
    {
      name: `tfjs fused, ${cores} workers (data-parallel)`,
      command: tfjs("--fused", `--workers=${cores}`),
    },
    ...(torch
      ? [
        { name: "PyTorch CPU, 1 thread", command: pytorch(1) },
        { name: `PyTorch CPU, ${cores} threads`, command: pytorch(cores) },
      ]
      : []),
  ];
}

async function hasTorch(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(PYTHON, {
      args: ["-c", "import torch"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

async function measure(variant: Variant): Promise<Figures> {
  const [program, ...args] = variant.command;
  const { success, stdout, stderr } = await new Deno.Command(program, { args }).output();
  const text = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
  if (!success) {
    throw new Error(`${variant.name} failed:\n${new TextDecoder().decode(stderr)}`);
  }
  return JSON.parse(text) as Figures;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const rounds = intOption(args, "rounds", 1)!;
  const batches = intOption(args, "batches", 1)!;
  const torch = await hasTorch();
  if (!torch) {
    console.error(
      "bench:train: no PyTorch (Debian: apt-get install python3-torch); tfjs figures only",
    );
  }
  const list = variants(batches, torch);
  const results = new Map(list.map((v) => [v.name, [] as Figures[]]));
  for (let round = 1; round <= rounds; round++) {
    for (const variant of list) {
      const figures = await measure(variant);
      results.get(variant.name)!.push(figures);
      console.error(
        `round ${round}/${rounds} ${variant.name}: train ${figures.train_per_s.toFixed(0)}/s, ` +
          `infer ${figures.infer_per_s.toFixed(0)}/s`,
      );
    }
  }
  const medians = list.map((v) => ({
    name: v.name,
    train_per_s: median(results.get(v.name)!.map((f) => f.train_per_s)),
    infer_per_s: median(results.get(v.name)!.map((f) => f.infer_per_s)),
  }));
  const reference = torch ? medians.find((m) => m.name === "PyTorch CPU, 1 thread")! : null;
  const rows = medians.map((m) => ({
    ...m,
    train_vs_torch_1: reference ? m.train_per_s / reference.train_per_s : null,
    infer_vs_torch_1: reference ? m.infer_per_s / reference.infer_per_s : null,
  }));
  if (args.json) {
    console.log(JSON.stringify({ rounds, batch: 256, batches, variants: rows }));
    return;
  }
  const ratio = (r: number | null) => (r === null ? "" : `${r.toFixed(2)}×`);
  console.log(`nnom, batch 256, medians of ${rounds} alternating rounds (segments/s)`);
  console.log(`${"variant".padEnd(38)}  train/s  vs torch-1   infer/s  vs torch-1`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(38)}${r.train_per_s.toFixed(0).padStart(9)}${
        ratio(r.train_vs_torch_1).padStart(12)
      }${r.infer_per_s.toFixed(0).padStart(10)}${ratio(r.infer_vs_torch_1).padStart(12)}`,
    );
  }
});
