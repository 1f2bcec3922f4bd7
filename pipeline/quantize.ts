/**
 * `deno task quantize`: a training run → float and int8 IRs (planned) in --out, with the
 * per-layer report, the memory timeline and float vs int8 Fβ on the run's validation subjects.
 * Parses options and calls lib/; no ML logic here.
 */
import { join } from "node:path";
import { setupBackend } from "../lib/backend/mod.ts";
import {
  type CommandSpec,
  intOption,
  parseCommand,
  type ParsedArgs,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { loadDataset } from "../lib/data/mod.ts";
import { foldDirName, loadRun } from "../lib/train/mod.ts";
import { int8CrossValidation, rateZoneText } from "../lib/evaluate/mod.ts";
import { pathExists } from "../lib/io/fs.ts";
import { resolveRunDir } from "../lib/models/mod.ts";
import { saveIR } from "../lib/ir/mod.ts";
import { writeDirAtomic, writeJsonAtomic } from "../lib/io/atomic.ts";
import { quantizeRun, type QuantizeRunResult } from "../lib/quant/mod.ts";
import { formatTimeline } from "../lib/plan/mod.ts";
import { countMacs, countParams, formatLayerReport, layerReport } from "../lib/report/mod.ts";

const command: CommandSpec = {
  usage: "deno task quantize --model RUN_DIR --out DIR [options]\n" +
    "       deno task quantize --cv CV_DIR [--json] [options]",
  summary: "Convert a trained run to the float IR, quantize it to int8 (power-of-two scales, " +
    "calibrated on the run's training subjects only), plan its memory, and compare float and " +
    "int8 on the run's validation subjects at the run's threshold. Writes float.ir.json and " +
    "int8.ir.json to --out. With --cv, does this for every fold run of a cross-validation " +
    "(deno task train --cv) and scores the pooled out-of-fold int8 outputs at one threshold, " +
    "as the model search does; writes CV_DIR/cv-int8.json.",
  options: {
    model: {
      type: "string",
      value: "RUN_DIR|NAME",
      description: "Training run directory, pipeline output, or a committed model's name.",
    },
    data: {
      type: "string",
      value: "PATH",
      description: "Data directory or .tar.gz archive (default: the run's config.data).",
    },
    index: { type: "string", value: "CSV", description: "Index CSV (default: the one in --data)." },
    "cache-dir": { type: "string", value: "DIR", description: "Dataset cache folder." },
    calib: {
      type: "string",
      value: "max|kld",
      description: "Activation calibration.",
      default: "max",
    },
    "per-channel": {
      type: "boolean",
      description: "One weight scale per output channel for conv1d layers.",
    },
    out: { type: "string", value: "DIR", description: "Output directory (replaced atomically)." },
    cv: {
      type: "string",
      value: "CV_DIR",
      description: "A cross-validation's folder (fold-<i>/ run directories): int8 CV instead.",
    },
    "calib-segments": {
      type: "string",
      value: "N",
      description: "Calibration segments, evenly spaced over the training subjects.",
      default: "1000",
    },
    "sqnr-segments": {
      type: "string",
      value: "N",
      description: "Calibration segments the per-layer SQNR is measured on.",
      default: "200",
    },
    "validation-segments": {
      type: "string",
      value: "N",
      description: "Validation segments to evaluate, evenly spaced (0 = all).",
      default: "0",
    },
    json: {
      type: "boolean",
      description: 'Print one JSON object {"params", "macs", "ram_bytes", "fbeta_float", ' +
        '"fbeta_int8", "sqnr_db"} instead of the report.',
    },
  },
};

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  if (typeof args.cv === "string") return await crossValidateInt8(args, args.cv);
  const runDir = requireString(args, "model");
  const out = requireString(args, "out");
  const calib = calibOption(args);
  const validationSegments = intOption(args, "validation-segments", 0)!;
  await setupBackend("wasm");
  const run = await loadRun(
    await resolveRunDir(runDir).catch((error) => {
      throw new UsageError((error as Error).message);
    }),
  );
  const dataset = await datasetFor(args, run.config.data);
  const result = quantizeRun(run, dataset, {
    ...quantizeOptions(args, calib),
    validationSegments: validationSegments === 0 ? Infinity : validationSegments,
  });
  await writeDirAtomic(out, async (tmp) => {
    await saveIR(join(tmp, "float.ir.json"), result.floatIR);
    await saveIR(join(tmp, "int8.ir.json"), result.int8IR);
  });
  if (args.json) console.log(JSON.stringify(summaryJson(result)));
  else console.log(textReport(result, runDir, out, calib));
});

/** The data of --data, --index and --cache-dir; --data defaults to the run's own. */
function datasetFor(args: ParsedArgs, runData: string) {
  return loadDataset({
    data: typeof args.data === "string" ? args.data : runData,
    index: args.index as string | undefined,
    cacheDir: args["cache-dir"] as string | undefined,
  });
}

/** Calibration and scale options shared by a single run and --cv. */
function quantizeOptions(args: ParsedArgs, calib: "max" | "kld") {
  return {
    calib,
    perChannel: args["per-channel"] === true,
    calibrationSegments: intOption(args, "calib-segments", 1)!,
    sqnrSegments: intOption(args, "sqnr-segments", 1)!,
  };
}

function calibOption(args: ParsedArgs): "max" | "kld" {
  const calib = args.calib;
  if (calib !== "max" && calib !== "kld") {
    throw new UsageError(`--calib must be "max" or "kld", got "${calib}"`);
  }
  return calib;
}

function summaryJson(r: QuantizeRunResult) {
  const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    params: countParams(r.int8IR).total,
    macs: countMacs(r.int8IR).total,
    ram_bytes: r.plan.totalBytes,
    fbeta_float: r.validation.float.fbeta,
    fbeta_int8: r.validation.int8.fbeta,
    sqnr_db: Object.fromEntries(Object.entries(r.sqnrDb).map(([k, v]) => [k, finiteOrNull(v)])),
  };
}

function textReport(r: QuantizeRunResult, runDir: string, out: string, calib: string): string {
  const ir = r.int8IR;
  const decs = Object.entries(ir.tensors).map(([name, t]) => `${name}=${t.dec}`).join(" ");
  const v = r.validation;
  const f = (x: number) => x.toFixed(4);
  return [
    `run ${runDir} (arch ${ir.arch}), calibration ${calib} on ${r.calibrationCount} training-subject segments`,
    `tensor decs: ${decs}`,
    "",
    formatLayerReport(layerReport(ir, r.plan, r.sqnrDb), r.plan),
    "",
    formatTimeline(ir, r.plan),
    "",
    `validation (${r.validationCount} segments, threshold ${ir.threshold}):`,
    `  float  Fβ ${f(v.float.fbeta)}  precision ${f(v.float.precision)}  recall ${
      f(v.float.recall)
    }`,
    `  int8   Fβ ${f(v.int8.fbeta)}  precision ${f(v.int8.precision)}  recall ${f(v.int8.recall)}`,
    `  class disagreements: ${v.disagreements}`,
    `wrote ${join(out, "float.ir.json")} and ${join(out, "int8.ir.json")}`,
  ].join("\n");
}

/** --cv: every fold run of a cross-validation quantized, scored on pooled int8 outputs. */
async function crossValidateInt8(args: ParsedArgs, cvDir: string): Promise<void> {
  const calib = calibOption(args);
  const dirs: string[] = [];
  for (let fold = 0; await pathExists(join(cvDir, foldDirName(fold), "model.json")); fold++) {
    dirs.push(join(cvDir, foldDirName(fold)));
  }
  if (dirs.length === 0) {
    throw new UsageError(`${cvDir}: no fold-0/ run directory (make one with deno task train --cv)`);
  }
  await setupBackend("wasm");
  const runs = [];
  for (const dir of dirs) runs.push(await loadRun(dir));
  const dataset = await datasetFor(args, runs[0].config.data);
  const cv = int8CrossValidation(runs, dataset, quantizeOptions(args, calib));
  runs.forEach((run) => run.model.dispose());
  const summary = {
    folds: dirs.length,
    calib,
    per_channel: args["per-channel"] === true,
    threshold: cv.threshold,
    fbeta_int8: cv.pooled.fbeta,
    precision_int8: cv.pooled.precision,
    recall_int8: cv.pooled.recall,
    fbeta_int8_by_fold: cv.fbetaByFold,
    fbeta_int8_mean: cv.fbetaMean,
    fbeta_int8_sd: cv.fbetaSd,
    recall_by_rhythm: cv.pooled.recallByRhythm,
    fbeta_by_subject: cv.pooled.fbetaBySubject,
    correct_by_rate_zone: cv.pooled.correctByRateZone,
  };
  await writeJsonAtomic(join(cvDir, "cv-int8.json"), summary);
  if (args.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const f = (x: number) => x.toFixed(4);
  console.log(
    `${dirs.length}-fold int8 CV of ${cvDir}: pooled Fβ ${f(cv.pooled.fbeta)} at threshold ` +
      `${cv.threshold} (folds ${cv.fbetaByFold.map(f).join(", ")}; mean ${f(cv.fbetaMean)} ± ` +
      `${f(cv.fbetaSd)})\ncorrect share per rhythm: ${
        Object.entries(cv.pooled.recallByRhythm).map(([r, v]) => `${r} ${v.toFixed(3)}`).join(", ")
      }\ncorrect share per rhythm and estimated rate zone (bpm):\n${
        rateZoneText(cv.pooled.correctByRateZone)
      }\nwrote ${join(cvDir, "cv-int8.json")}`,
  );
}
