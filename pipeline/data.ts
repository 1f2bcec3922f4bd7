/**
 * `deno task data`: load (and cache) an IEGM dataset, print its summary and subject folds.
 *
 * @module
 */
import {
  countBySubject,
  type Dataset,
  foldSplit,
  formatSummary,
  loadDataset,
  subjectFolds,
  summarize,
} from "../lib/data/mod.ts";
import {
  type CommandSpec,
  intOption,
  parseCommand,
  requireString,
  runMain,
} from "../lib/cli/mod.ts";

const command: CommandSpec = {
  usage: "deno task data --data <dir|archive> [options]",
  summary: "Loads and validates IEGM segments (a folder or a .tar.gz, read without unpacking), " +
    "caches them, and prints a summary, per-subject counts or subject-wise folds.",
  options: {
    data: { type: "string", value: "PATH", description: "Folder or .tar.gz with the segments." },
    index: {
      type: "string",
      value: "CSV",
      description: "Index CSV (label,Filename): a file, or a path inside --data. " +
        "Default: the one data_indices/*.csv, else every *.txt.",
    },
    summary: { type: "boolean", description: "Print segment, subject and rhythm counts." },
    subjects: { type: "boolean", description: "Print segment and VA counts per subject." },
    folds: {
      type: "string",
      value: "K",
      description: "Print K subject-wise folds, stratified by VA share.",
    },
    seed: { type: "string", value: "S", description: "Seed of the fold assignment.", default: "1" },
    json: { type: "boolean", description: "Print one JSON object instead of text." },
    "cache-dir": {
      type: "string",
      value: "DIR",
      description: "Cache folder (default: data/cache).",
    },
    "no-cache": { type: "boolean", description: "Neither read nor write the cache." },
  },
};

/** One fold as printed. */
interface FoldReport {
  fold: number;
  subjects: string[];
  segments: number;
  positives: number;
}

function describeFolds(dataset: Dataset, k: number, seed: number): FoldReport[] {
  const folds = subjectFolds(dataset, k, seed);
  return folds.map((fold, i) => {
    const { validation } = foldSplit(dataset, folds, i);
    let positives = 0;
    for (const j of validation) positives += dataset.labels[j];
    const subjects = fold.map((s) => dataset.subjectNames[s]);
    return { fold: i, subjects, segments: validation.length, positives };
  });
}

async function main(): Promise<void> {
  const args = parseCommand(command, Deno.args);
  const data = requireString(args, "data");
  const k = intOption(args, "folds", 2, 65535);
  const seed = intOption(args, "seed", 0, 2 ** 32 - 1)!;
  const wantSummary = args.summary === true || (k === undefined && args.subjects !== true);
  const dataset = await loadDataset({
    data,
    index: args.index as string | undefined,
    cacheDir: args["cache-dir"] as string | undefined,
    cache: args["no-cache"] !== true,
  });
  const summary = wantSummary ? summarize(dataset) : undefined;
  const subjects = args.subjects === true ? countBySubject(dataset) : undefined;
  const folds = k === undefined ? undefined : describeFolds(dataset, k, seed);
  if (args.json) {
    console.log(
      JSON.stringify({
        ...summary,
        ...(subjects && { perSubject: subjects }),
        ...(folds && { folds }),
      }),
    );
    return;
  }
  const sections: string[] = [];
  if (summary) sections.push(formatSummary(summary));
  if (subjects) {
    sections.push(
      [
        "Subject  segments  VA",
        ...subjects.map((s) =>
          `${s.subject.padEnd(7)}  ${String(s.segments).padStart(8)}  ${
            String(s.positives).padStart(5)
          }`
        ),
      ].join("\n"),
    );
  }
  if (folds) {
    sections.push(
      [
        `${k} folds by subject (seed ${seed}):`,
        ...folds.map((f) =>
          `  fold ${f.fold}: ${f.segments} segments, ${
            (100 * f.positives / Math.max(1, f.segments)).toFixed(1)
          } % VA; ` +
          f.subjects.join(" ")
        ),
      ].join("\n"),
    );
  }
  console.log(sections.join("\n\n"));
}

if (import.meta.main) await runMain(main);
