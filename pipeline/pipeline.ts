/**
 * `deno task pipeline`: data → train → quantize → evaluate → codegen → firmware → report, each
 * stage cached by a content hash of its inputs, options and code (pipeline/stage_cache.ts) and
 * skipped when unchanged. Parses options and calls the stages; no ML logic here.
 */
import { join } from "node:path";
import { sweepStaleTemporaries } from "../lib/io/atomic.ts";
import { type CommandSpec, intOption, parseCommand, runMain, UsageError } from "../lib/cli/args.ts";
import { archByName, ARCHS } from "../lib/model/mod.ts";
import { DEFAULT_MODEL } from "../lib/models/mod.ts";
import { REPO_ROOT, runStage, type StageResult } from "./stage_cache.ts";
import { shipModel } from "./ship.ts";
import { loadPipelineDataset, type PipelineOptions, type StageContext } from "./stages/context.ts";
import { dataStage } from "./stages/data.ts";
import { trainStage } from "./stages/train.ts";
import { quantizeStage } from "./stages/quantize.ts";
import { evaluateStage } from "./stages/evaluate.ts";
import { codegenStage } from "./stages/codegen.ts";
import { firmwareStage } from "./stages/firmware.ts";
import { reportStage } from "./stages/report.ts";

type Build = (context: StageContext, dir: string) => Promise<Record<string, unknown>>;

interface Stage {
  name: string;
  build: Build;
  /** The options this stage's output depends on (upstream stages' keys are added). */
  options: (o: PipelineOptions) => unknown;
  /** Source folders the stage runs, relative to the repository. */
  code: string[];
}

/** The stages in order. Each depends on every stage before it. */
const STAGES: Stage[] = [
  {
    name: "data",
    build: dataStage,
    options: (o) => ({ folds: o.folds, seed: o.seed, quick: o.quick }),
    code: ["lib/data", "pipeline/stages/data.ts"],
  },
  {
    name: "train",
    build: trainStage,
    options: (o) => ({ arch: o.arch, seed: o.seed, fold: o.fold, epochs: o.epochs ?? null }),
    code: [
      "lib/train",
      "lib/fused",
      "lib/model",
      "lib/backend",
      "lib/metrics",
      "pipeline/stages/train.ts",
    ],
  },
  {
    name: "quantize",
    build: quantizeStage,
    options: (o) => ({ calib: o.calib, perChannel: o.perChannel }),
    code: ["lib/ir", "lib/quant", "lib/interp", "lib/plan", "pipeline/stages/quantize.ts"],
  },
  {
    name: "evaluate",
    build: evaluateStage,
    options: () => ({}),
    code: ["lib/evaluate", "lib/interp", "pipeline/stages/evaluate.ts"],
  },
  {
    name: "codegen",
    build: codegenStage,
    options: () => ({}),
    code: ["lib/codegen", "lib/plan", "pipeline/stages/codegen.ts"],
  },
  {
    name: "firmware",
    build: firmwareStage,
    options: () => ({}),
    code: ["lib/firmware", "lib/codegen", "firmware", "pipeline/stages/firmware.ts"],
  },
  {
    name: "report",
    build: reportStage,
    options: () => ({}),
    code: ["lib/report", "lib/plot", "pipeline/stages/report.ts"],
  },
];

const DEFAULT_DATA = join(REPO_ROOT, "..", "shared", "iegm", "tinyml_contest_data_training.tar.gz");

const command: CommandSpec = {
  usage: "deno task pipeline [options]",
  summary: "Run every stage from the IEGM archive to the measured firmware and a report: " +
    STAGES.map((s) => s.name).join(" → ") +
    ". A stage whose inputs, options and code are unchanged is skipped.",
  options: {
    data: {
      type: "string",
      value: "PATH",
      description: "IEGM data directory or .tar.gz archive.",
      default: DEFAULT_DATA,
    },
    index: { type: "string", value: "CSV", description: "Index CSV (default: the one in --data)." },
    arch: {
      type: "string",
      value: "NAME",
      description: `Architecture (${Object.keys(ARCHS).join(", ")}).`,
      default: DEFAULT_MODEL, // the shipped default model is the default arch's
    },
    seed: {
      type: "string",
      value: "N",
      description: "Seed of folds, weights and shuffling.",
      default: "1",
    },
    folds: { type: "string", value: "K", description: "Subject-wise folds.", default: "5" },
    fold: {
      type: "string",
      value: "I",
      description: "The fold held out for validation.",
      default: "0",
    },
    epochs: { type: "string", value: "N", description: "Training epochs (default: the arch's)." },
    calib: {
      type: "string",
      value: "max|kld",
      description: "Activation calibration.",
      default: "max",
    },
    scales: {
      type: "string",
      value: "per-channel|per-tensor",
      description:
        "Weight scales: one per output channel of conv1d and per GRU gate row, or one per " +
        "tensor (per-channel keeps int8 Fβ within 0.002 of float on nnom; per-tensor lost 0.017).",
      default: "per-channel",
    },
    quick: {
      type: "boolean",
      description: "Smoke run: 2 subjects per fold, 40 segments each, one epoch (for CI).",
    },
    force: { type: "boolean", description: "Rebuild every stage." },
    from: {
      type: "string",
      value: "STAGE",
      description: `Rebuild from this stage on (${STAGES.map((s) => s.name).join(", ")}).`,
    },
    out: {
      type: "string",
      value: "DIR",
      description: "Where the stages write (default: runs/pipeline, or runs/pipeline-quick).",
    },
    quiet: { type: "boolean", description: "No per-epoch progress." },
    json: { type: "boolean", description: "Print the report's JSON at the end." },
    ship: {
      type: "string",
      value: "NAME",
      description: "Copy the run's model, IRs, C and report into models/NAME (committed models).",
    },
  },
};

function parseOptions(args: Record<string, string | boolean | undefined>): PipelineOptions {
  const arch = args.arch as string;
  try {
    archByName(arch);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const calib = args.calib;
  if (calib !== "max" && calib !== "kld") {
    throw new UsageError(`--calib must be "max" or "kld", got "${calib}"`);
  }
  const scales = args.scales;
  if (scales !== "per-channel" && scales !== "per-tensor") {
    throw new UsageError(`--scales must be "per-channel" or "per-tensor", got "${scales}"`);
  }
  const folds = intOption(args, "folds", 2, 60)!;
  const quick = args.quick === true;
  return {
    data: args.data as string,
    index: args.index as string | undefined,
    arch,
    seed: intOption(args, "seed", 0)!,
    folds,
    fold: intOption(args, "fold", 0, folds - 1)!,
    epochs: intOption(args, "epochs", 1),
    calib,
    perChannel: scales === "per-channel",
    quick,
    out: (args.out as string | undefined) ??
      join(REPO_ROOT, "runs", quick ? "pipeline-quick" : "pipeline"),
    quiet: args.quiet === true,
  };
}

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const options = parseOptions(args);
  const from = args.from as string | undefined;
  const fromIndex = from === undefined ? STAGES.length : STAGES.findIndex((s) => s.name === from);
  if (fromIndex < 0) {
    throw new UsageError(
      `Unknown stage "${from}"; stages: ${STAGES.map((s) => s.name).join(", ")}`,
    );
  }
  const started = performance.now();
  for (const path of await sweepStaleTemporaries(options.out)) {
    console.error(`[pipeline] removed ${path}, left by a pipeline that was killed mid-stage`);
  }
  const dataset = await loadPipelineDataset(options);
  const context: StageContext = { options, dataset, results: new Map<string, StageResult>() };
  let upstream: string[] = [dataset.source?.key ?? options.data];
  for (const [i, stage] of STAGES.entries()) {
    const t0 = performance.now();
    const result = await runStage(
      stage.name,
      {
        root: options.out,
        inputs: { options: stage.options(options), upstream },
        code: stage.code,
        force: args.force === true || i >= fromIndex,
      },
      (dir) => stage.build(context, dir),
    );
    context.results.set(stage.name, result);
    upstream = [...upstream, result.key];
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.error(
      `[pipeline] ${stage.name}: ${
        result.skipped ? "unchanged, skipped" : `built in ${seconds} s`
      }`,
    );
  }
  const total = ((performance.now() - started) / 1000).toFixed(1);
  console.error(
    `[pipeline] done in ${total} s; report: ${join(options.out, "report", "report.html")}`,
  );
  if (typeof args.ship === "string") {
    console.error(`[pipeline] shipped to ${await shipModel(options.out, args.ship)}`);
  }
  if (args.json) console.log(await Deno.readTextFile(join(options.out, "report", "report.json")));
});
