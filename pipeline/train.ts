/**
 * `deno task train`: trains an arch on subject-wise folds of the IEGM data into a run
 * directory (or, with --cv, every fold plus a cv.json). Parses options and calls lib/train.
 */
import { join } from "node:path";
import { type BackendName, setupBackend } from "../lib/backend/mod.ts";
import {
  type CommandSpec,
  intOption,
  numberOption,
  parseCommand,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { loadDataset, subjectFolds } from "../lib/data/mod.ts";
import { archByName, ARCHS } from "../lib/model/mod.ts";
import {
  crossValidate,
  defaultsFor,
  foldDirName,
  type FoldJob,
  type HyperParameters,
  parseAugmentation,
  parseClassWeights,
  progressFor,
  trainFold,
  withEpochs,
} from "../lib/train/mod.ts";

const command: CommandSpec = {
  usage: "deno task train --arch ARCH --data PATH --out DIR [options]",
  summary: "Train an arch on subject-wise folds of the IEGM data. Hyper-parameters not given " +
    "take the arch's defaults (lib/train/config.ts); everything used is recorded in the run's " +
    "config.json.",
  options: {
    arch: {
      type: "string",
      value: "ARCH",
      description: `Architecture: ${Object.keys(ARCHS).join(" | ")}.`,
    },
    data: { type: "string", value: "PATH", description: "Data directory or .tar.gz archive." },
    index: {
      type: "string",
      value: "CSV",
      description: "Index CSV (default: the one inside --data).",
    },
    "cache-dir": {
      type: "string",
      value: "DIR",
      description: "Dataset cache folder (default: data/cache).",
    },
    out: {
      type: "string",
      value: "DIR",
      description: "Run directory to write (with --cv: parent of fold-<i>/ and cv.json).",
    },
    folds: {
      type: "string",
      value: "K",
      description: "Number of subject-wise folds.",
      default: "5",
    },
    fold: { type: "string", value: "I", description: "Held-out fold, 0 to K−1.", default: "0" },
    cv: {
      type: "boolean",
      description:
        "Train every fold; report mean ± sd of validation Fβ; threshold from pooled out-of-fold predictions.",
    },
    seed: {
      type: "string",
      value: "S",
      description: "Seed of folds, initial weights, shuffling, dropout and augmentation.",
      default: "1",
    },
    epochs: { type: "string", value: "N", description: "Maximum epochs (default: per arch)." },
    "batch-size": { type: "string", value: "N", description: "Batch size (default: per arch)." },
    lr: { type: "string", value: "RATE", description: "Adam learning rate (default: per arch)." },
    patience: {
      type: "string",
      value: "N",
      description: "Early stop after N epochs without a better validation Fβ (default: per arch).",
    },
    keep: {
      type: "string",
      value: "RULE",
      description: "Weights kept: best-epoch (best validation Fβ, early stopping; the " +
        "validation Fβ is then optimistic) or average (the mean of the last --average-epochs " +
        "epochs, validation never consulted) (default: per arch).",
    },
    "average-epochs": {
      type: "string",
      value: "N",
      description: "With --keep average: how many final epochs to average (default: per arch).",
    },
    "lr-schedule": {
      type: "string",
      value: "NAME",
      description: "constant, or cosine (half a cosine from --lr down to 0) (default: per arch).",
    },
    augment: {
      type: "string",
      value: "LIST",
      description:
        "none, or a comma list of sign-flip, scale=S, noise=SD, shift=N, stretch=S, non-va-speedup=F (default: per arch).",
    },
    "class-weights": {
      type: "string",
      value: "W",
      description: "none, balanced, or NEG,POS (default: per arch).",
    },
    threshold: {
      type: "string",
      value: "T",
      description: "Decision threshold, fixed (0 < T < 1; the validation subjects only score " +
        "it), or choose (the best of the grid on validation; with --cv on the pooled " +
        "out-of-fold predictions) (default: per arch).",
    },
    backend: {
      type: "string",
      value: "NAME",
      description: "tfjs backend: wasm | cpu.",
      default: "wasm",
    },
    "no-fused": {
      type: "boolean",
      description: "Train on tfjs' stock layers instead of the fused kernels of lib/fused " +
        "(the same model to float rounding; slower). Recorded as fused in config.json.",
    },
    workers: {
      type: "string",
      value: "N",
      description: "Data-parallel replicas: each batch's gradient computed in N shards on N " +
        "threads (the main one and N − 1 workers), BatchNorm per shard. Recorded in config.json.",
      default: "1",
    },
    quiet: { type: "boolean", short: "q", description: "Print only the final result." },
  },
};

async function main(): Promise<void> {
  const args = parseCommand(command, Deno.args);
  const archName = requireString(args, "arch");
  if (!(archName in ARCHS)) {
    throw new UsageError(
      `--arch must be one of ${Object.keys(ARCHS).join(", ")}, got "${archName}"`,
    );
  }
  const spec = archByName(archName);
  const data = requireString(args, "data");
  const out = requireString(args, "out");
  const k = intOption(args, "folds", 2, 60)!;
  const fold = intOption(args, "fold", 0, k - 1)!;
  const seed = intOption(args, "seed", 0, 2 ** 31 - 1)!;
  const backendName = args.backend as string;
  if (backendName !== "wasm" && backendName !== "cpu") {
    throw new UsageError(`--backend must be wasm or cpu, got "${backendName}"`);
  }
  const quiet = args.quiet === true;
  const workers = intOption(args, "workers", 1, 64)!;
  const epochs = intOption(args, "epochs", 1, 10_000);
  const hyper = epochs === undefined
    ? defaultsFor(archName)
    : withEpochs(defaultsFor(archName), epochs);
  hyper.batchSize = intOption(args, "batch-size", 1, 65_536) ?? hyper.batchSize;
  hyper.learningRate = numberOption(args, "lr", 1e-7, 10) ?? hyper.learningRate;
  hyper.patience = intOption(args, "patience", 1, 10_000) ?? hyper.patience;
  if (typeof args.keep === "string") {
    if (args.keep !== "best-epoch" && args.keep !== "average") {
      throw new UsageError(`--keep must be best-epoch or average, got "${args.keep}"`);
    }
    hyper.keep = args.keep;
  }
  const averageEpochs = intOption(args, "average-epochs", 1, hyper.epochs);
  if ((hyper.keep ?? "best-epoch") === "best-epoch") {
    if (averageEpochs !== undefined) throw new UsageError("--average-epochs needs --keep average");
    delete hyper.averageEpochs;
  } else {
    hyper.averageEpochs = averageEpochs ?? hyper.averageEpochs;
  }
  if (typeof args["lr-schedule"] === "string") {
    const schedule = args["lr-schedule"];
    if (schedule !== "constant" && schedule !== "cosine") {
      throw new UsageError(`--lr-schedule must be constant or cosine, got "${schedule}"`);
    }
    hyper.learningRateSchedule = schedule;
  }
  if (args.threshold === "choose") delete hyper.threshold;
  else hyper.threshold = numberOption(args, "threshold", 1e-6, 1 - 1e-6) ?? hyper.threshold;
  if (typeof args.augment === "string") {
    hyper.augmentation = usage(() => parseAugmentation(args.augment as string));
  }

  const backend = await setupBackend(backendName as BackendName);
  const dataset = await loadDataset({
    data,
    index: args.index as string | undefined,
    cacheDir: args["cache-dir"] as string | undefined,
  });
  if (typeof args["class-weights"] === "string") {
    const text = args["class-weights"];
    hyper.classWeights = usage(() => parseClassWeights(text, dataset.labels));
  }
  const job: FoldJob = {
    spec,
    hyper: hyper as HyperParameters,
    seed,
    folds: subjectFolds(dataset, k, seed),
    data,
    backend,
    fused: args["no-fused"] !== true,
    workers,
  };
  if (!quiet) {
    console.error(
      `${dataset.size} segments, ${dataset.subjectNames.length} subjects, ${k} folds; backend ${backend}` +
        (job.fused ? ", fused kernels" : ", stock layers") +
        (workers > 1 ? `, ${workers} data-parallel replicas` : ""),
    );
  }

  if (args.cv) {
    const summary = await crossValidate(dataset, job, out, (i) => {
      if (!quiet) console.error(`fold ${i}/${k - 1} → ${join(out, foldDirName(i))}`);
      return progressFor(quiet, `[fold ${i}] `);
    });
    for (const f of summary.perFold) {
      console.log(
        `fold ${f.fold}: Fβ ${f.metrics.fbeta.toFixed(4)} (best epoch ${f.bestEpoch}; validation ${
          f.validationSubjects.join(" ")
        })`,
      );
    }
    console.log(
      `${archName} ${k}-fold CV: validation Fβ ${summary.fbetaMean.toFixed(4)} ± ${
        summary.fbetaSd.toFixed(4)
      }` +
        ` at ${
          job.hyper.threshold === undefined ? "pooled" : "fixed"
        } threshold ${summary.threshold}` +
        ` (at 0.5: ${summary.fbetaAtHalfMean.toFixed(4)} ± ${summary.fbetaAtHalfSd.toFixed(4)}); ${
          join(out, "cv.json")
        }`,
    );
    return;
  }
  const { result } = await trainFold(dataset, job, fold, out, progressFor(quiet));
  const m = result.metrics;
  console.log(
    `${archName} fold ${fold}/${k - 1}: validation Fβ ${m.fbeta.toFixed(4)} accuracy ${
      m.accuracy.toFixed(4)
    }` +
      ` precision ${m.precision.toFixed(4)} recall ${
        m.recall.toFixed(4)
      } at threshold ${m.threshold} (${m.thresholdSource})` +
      ` (Fβ at 0.5: ${m.atHalf.fbeta.toFixed(4)}; epoch ${m.bestEpoch}); run ${out}`,
  );
}

/** Runs `parse`, turning its RangeError into a UsageError (exit code 2). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

if (import.meta.main) await runMain(main);
