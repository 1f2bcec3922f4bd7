/** Stage "data": validate and summarise the dataset, deal subject-wise folds, pick the quick subset. */
import { join } from "node:path";
import { type Dataset, subjectFolds, summarize } from "../../lib/data/mod.ts";
import { evenlySpaced } from "../../lib/quant/segments.ts";
import { writeJsonAtomic } from "../../lib/io/atomic.ts";
import type { DataSelection, StageContext } from "./context.ts";

/** Quick mode keeps this many subjects of each fold and this many segments of each subject. */
const QUICK_SUBJECTS_PER_FOLD = 2;
const QUICK_SEGMENTS_PER_SUBJECT = 40;

export async function dataStage(context: StageContext, dir: string) {
  const { dataset, options } = context;
  const folds = subjectFolds(dataset, options.folds, options.seed);
  const indices = options.quick ? quickIndices(dataset, folds) : null;
  const selection: DataSelection = {
    folds: folds.map((fold) => fold.map((s) => dataset.subjectNames[s])),
    indices,
  };
  const summary = summarize(dataset);
  await writeJsonAtomic(join(dir, "summary.json"), summary);
  await writeJsonAtomic(join(dir, "selection.json"), selection);
  return { ...summary, selected: indices?.length ?? dataset.size };
}

/** The first subjects of every fold, each with a few evenly spaced segments. */
function quickIndices(dataset: Dataset, folds: number[][]): number[] {
  const bySubject = new Map<number, number[]>();
  for (let i = 0; i < dataset.size; i++) {
    const s = dataset.subjects[i];
    if (!bySubject.has(s)) bySubject.set(s, []);
    bySubject.get(s)!.push(i);
  }
  return folds.flatMap((fold) =>
    fold.slice(0, QUICK_SUBJECTS_PER_FOLD).flatMap((s) =>
      evenlySpaced(bySubject.get(s) ?? [], QUICK_SEGMENTS_PER_SUBJECT)
    )
  );
}
