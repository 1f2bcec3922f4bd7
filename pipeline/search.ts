/**
 * `deno task search`: architecture and training-setting search scored by the contest formula
 * (lib/search). Parses options, runs or resumes the search, prints the best candidates and
 * writes `<out>/report.html` with the Pareto plot and the clinical view.
 */
import { join } from "node:path";
import {
  type CommandSpec,
  intOption,
  numberOption,
  parseCommand,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { pathExists } from "../lib/io/fs.ts";
import {
  type Candidate,
  candidateHyper,
  candidateId,
  candidateQuant,
  candidateSpec,
  changedCandidate,
  DEFAULT_MAX_MACS,
  formatTable,
  paretoFront,
  rankRows,
  readTable,
  runSearch,
  SEEDS,
  writeReport,
} from "../lib/search/mod.ts";
import { REPO_ROOT } from "./stage_cache.ts";

const DEFAULT_DATA = join(REPO_ROOT, "..", "shared", "iegm", "tinyml_contest_data_training.tar.gz");

const command: CommandSpec = {
  usage: "deno task search --out DIR [--budget N] [--folds K] [--seed S] [--workers W] [--quick]",
  summary: "Search architectures and training settings for the best contest score. Each " +
    "candidate: subject-wise K-fold CV in int8 (one threshold on the pooled out-of-fold " +
    "outputs), exact Cortex-M4 instructions and flash of its C firmware, the contest score. " +
    "Candidates are screened on the first folds and the promising ones get the full CV. " +
    "Results are appended to <out>/results.jsonl; rerunning the command resumes the search.",
  options: {
    out: { type: "string", value: "DIR", description: "Output folder.", default: "runs/search" },
    data: {
      type: "string",
      value: "PATH",
      description: "Data directory or archive.",
      default: DEFAULT_DATA,
    },
    index: { type: "string", value: "CSV", description: "Index CSV (default: the one in --data)." },
    budget: {
      type: "string",
      value: "N",
      description:
        "Candidates to screen: the hand-picked winner-like points first, then random draws.",
      default: "12",
    },
    folds: {
      type: "string",
      value: "K",
      description: "Subject-wise folds of the CV.",
      default: "5",
    },
    "screen-folds": {
      type: "string",
      value: "F",
      description: "Folds of the screening stage (the first F); F ≥ K screens nothing.",
      default: "2",
    },
    "promote-margin": {
      type: "string",
      value: "PTS",
      description: "Promote a screened candidate to the full CV when its score is within PTS " +
        "of the best screened score.",
      default: "1.5",
    },
    seed: {
      type: "string",
      value: "S",
      description: "Seed of folds, sampling and training.",
      default: "1",
    },
    workers: {
      type: "string",
      value: "W",
      description: "Candidates trained in parallel, one process each.",
      default: String(navigator.hardwareConcurrency),
    },
    "max-macs": {
      type: "string",
      value: "N",
      description: "Random draws above this many estimated MACs are skipped.",
      default: String(DEFAULT_MAX_MACS),
    },
    "max-instructions": {
      type: "string",
      value: "N",
      description: "Screened candidates above N Cortex-M4 instructions are not promoted.",
      default: "65000",
    },
    "train-stride": {
      type: "string",
      value: "N",
      description: "Train on every N-th segment of the training subjects (consecutive segments " +
        "share 96 % of their samples); validation always uses every held-out segment.",
      default: "1",
    },
    "max-epochs": {
      type: "string",
      value: "N",
      description: "Cap every candidate's epochs at N (default: the candidate's own).",
    },
    ids: {
      type: "string",
      value: "ID,ID…",
      description: "Evaluate these candidates instead of sampling: ids of the hand-picked seeds " +
        "or of rows in --from's table (e.g. the best ones again with other --train-stride).",
    },
    from: {
      type: "string",
      value: "DIR",
      description: "Another search folder whose results.jsonl --ids may name.",
    },
    with: {
      type: "string",
      value: "JSON",
      description: "With --ids: change these choices of every named candidate (new ids), e.g. " +
        `'{"keep":"average","averageEpochs":10,"learningRateSchedule":"cosine"}'.`,
    },
    quick: {
      type: "boolean",
      description: "Smoke run: 2 subjects per fold, 40 segments each, 1 epoch.",
    },
    "no-firmware": {
      type: "boolean",
      description: "Skip the C firmware (no latency, flash, score).",
    },
    report: {
      type: "boolean",
      description: "Only print the table and rewrite the report from results.jsonl.",
    },
    show: {
      type: "string",
      value: "ID",
      description: "Print candidate ID's ArchSpec, hyper-parameters and quantization options " +
        "as JSON (from results.jsonl) and exit.",
    },
    top: { type: "string", value: "N", description: "Rows in the printed table.", default: "10" },
    json: { type: "boolean", description: "Print the ranked rows as JSON instead of a table." },
  },
};

async function main(): Promise<void> {
  const args = parseCommand(command, Deno.args);
  const out = requireString(args, "out");
  const folds = intOption(args, "folds", 2, 60)!;
  const top = intOption(args, "top", 1)!;
  if (typeof args.show === "string") {
    const { rows } = await readTable(join(out, "results.jsonl"));
    const row = rows.find((r) => r.id === args.show);
    if (!row) throw new UsageError(`No candidate ${args.show} in ${join(out, "results.jsonl")}`);
    const c = row.candidate;
    const spec = candidateSpec(c);
    console.log(JSON.stringify(
      { id: row.id, candidate: c, spec, hyper: candidateHyper(c), quantize: candidateQuant(c) },
      null,
      2,
    ));
    return;
  }
  if (!args.report) {
    if (typeof args.with === "string" && typeof args.ids !== "string") {
      throw new UsageError("--with needs --ids");
    }
    const change = typeof args.with === "string" ? parseChange(args.with) : {};
    const candidates = typeof args.ids === "string"
      ? (await candidatesById(
        args.ids.split(","),
        typeof args.from === "string" ? args.from : null,
      ))
        .map((c) => usage(() => changedCandidate(c, change)))
      : undefined;
    await runSearch({
      candidates,
      out,
      data: requireString(args, "data"),
      index: typeof args.index === "string" ? args.index : undefined,
      budget: intOption(args, "budget", 1)!,
      folds,
      screenFolds: intOption(args, "screen-folds", 1)!,
      promoteMargin: numberOption(args, "promote-margin", 0)!,
      seed: intOption(args, "seed")!,
      workers: intOption(args, "workers", 1, 64)!,
      maxMacs: numberOption(args, "max-macs", 1)!,
      maxInstructions: intOption(args, "max-instructions", 1)!,
      trainStride: intOption(args, "train-stride", 1, 1000)!,
      maxEpochs: intOption(args, "max-epochs", 1),
      quick: args.quick === true,
      firmware: args["no-firmware"] !== true,
    });
  }
  const { rows, skipped } = await readTable(join(out, "results.jsonl"));
  for (const s of skipped) console.error(`results.jsonl line ${s.line} skipped: ${s.reason}`);
  const page = await writeReport(out, rows);
  if (args.json) {
    const front = new Set(paretoFront(rows).map((r) => `${r.id}/${r.stage}`));
    const ranked = rankRows(rows).slice(0, top).map((r) => ({
      ...r,
      pareto: front.has(`${r.id}/${r.stage}`),
    }));
    console.log(JSON.stringify({ report: page, rows: ranked }, null, 2));
  } else {
    console.log(formatTable(rows, top));
    console.log(`\nreport: ${page}`);
  }
}

/** The candidates named by `ids`, from the hand-picked seeds or from `from`'s table. */
async function candidatesById(ids: string[], from: string | null): Promise<Candidate[]> {
  const known = new Map(SEEDS.map((c) => [candidateId(c), c]));
  if (from) {
    const path = join(from, "results.jsonl");
    if (!await pathExists(path)) throw new UsageError(`--from ${from}: no ${path}`);
    for (const row of (await readTable(path)).rows) known.set(row.id, row.candidate);
  }
  return ids.map((id) => {
    const c = known.get(id.trim());
    if (!c) {
      throw new UsageError(
        `--ids: no candidate ${id} among the seeds${from ? ` or in ${from}/results.jsonl` : ""}`,
      );
    }
    return c;
  });
}

/** `f()`, with a RangeError turned into a UsageError naming --with. */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--with: ${error.message}`);
    throw error;
  }
}

/** The --with text as an object of candidate choices. */
function parseChange(text: string): Partial<Candidate> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--with is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`--with must be a JSON object of candidate choices, got ${text}`);
  }
  return value as Partial<Candidate>;
}

if (import.meta.main) runMain(main);
