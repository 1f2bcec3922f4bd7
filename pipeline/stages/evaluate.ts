/** Stage "evaluate": the int8 model (TypeScript interpreter) on the run's validation subjects. */
import { join } from "node:path";
import { subset } from "../../lib/data/mod.ts";
import { evaluateClasses, predictInt8 } from "../../lib/evaluate/mod.ts";
import { loadIR } from "../../lib/ir/mod.ts";
import { writeJsonAtomic } from "../../lib/io/atomic.ts";
import { segmentsOfSubjects } from "../../lib/quant/segments.ts";
import type { TrainConfig } from "../../lib/train/mod.ts";
import { readStageJson, selectedDataset, type StageContext, stageDir } from "./context.ts";

export async function evaluateStage(context: StageContext, dir: string) {
  const ir = await loadIR(join(stageDir(context, "quantize"), "int8.ir.json"));
  const config = await readStageJson<TrainConfig>(context, "train", "run/config.json");
  const dataset = await selectedDataset(context);
  const validation = subset(dataset, segmentsOfSubjects(dataset, config.validationSubjects));
  const { classes } = predictInt8(ir, validation);
  const e = evaluateClasses(validation, classes);
  const summary = {
    subjects: config.validationSubjects,
    n: e.n,
    tp: e.tp,
    fn: e.fn,
    fp: e.fp,
    tn: e.tn,
    fbeta: e.fbeta,
    accuracy: e.accuracy,
    precision: e.precision,
    recall: e.recall,
    recall_by_rhythm: e.recallByRhythm,
    fbeta_by_subject: e.fbetaBySubject,
    correct_by_rate_zone: e.correctByRateZone,
  };
  await writeJsonAtomic(join(dir, "evaluate.json"), summary);
  return summary;
}
