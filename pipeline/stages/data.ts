/** Stage "data": validate and summarise the dataset, deal subject-wise folds, pick the quick subset. */
import { join } from "node:path";
import { quickSelection, subjectFolds, summarize } from "../../lib/data/mod.ts";
import { writeJsonAtomic } from "../../lib/io/atomic.ts";
import type { DataSelection, StageContext } from "./context.ts";

/** Quick mode keeps this many subjects of each fold and this many segments of each subject. */
const QUICK_SUBJECTS_PER_FOLD = 2;
const QUICK_SEGMENTS_PER_SUBJECT = 40;

export async function dataStage(context: StageContext, dir: string) {
  const { dataset, options } = context;
  const folds = subjectFolds(dataset, options.folds, options.seed);
  const indices = options.quick
    ? quickSelection(dataset, folds, QUICK_SUBJECTS_PER_FOLD, QUICK_SEGMENTS_PER_SUBJECT)
    : null;
  const selection: DataSelection = {
    folds: folds.map((fold) => fold.map((s) => dataset.subjectNames[s])),
    indices,
  };
  const summary = summarize(dataset);
  await writeJsonAtomic(join(dir, "summary.json"), summary);
  await writeJsonAtomic(join(dir, "selection.json"), selection);
  return { ...summary, selected: indices?.length ?? dataset.size };
}
