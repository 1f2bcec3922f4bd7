/** Stage "train": one subject-wise fold of the selected data, with the arch's defaults. */
import { join } from "node:path";
import { setupBackend } from "../../lib/backend/mod.ts";
import { archByName } from "../../lib/model/mod.ts";
import { defaultsFor, progressFor, trainFold, withEpochs } from "../../lib/train/mod.ts";
import {
  type DataSelection,
  readStageJson,
  selectedDataset,
  type StageContext,
} from "./context.ts";

/** Quick mode trains this many epochs. */
const QUICK_EPOCHS = 1;

export async function trainStage(context: StageContext, dir: string) {
  const { options } = context;
  const backend = await setupBackend("wasm");
  const dataset = await selectedDataset(context);
  const selection = await readStageJson<DataSelection>(context, "data", "selection.json");
  const folds = selection.folds.map((names) => names.map((n) => dataset.subjectNames.indexOf(n)));
  let hyper = defaultsFor(options.arch);
  if (options.quick) hyper = withEpochs(hyper, QUICK_EPOCHS);
  if (options.epochs !== undefined) hyper = withEpochs(hyper, options.epochs);
  const job = {
    spec: archByName(options.arch),
    hyper,
    seed: options.seed,
    folds,
    data: options.data,
    backend,
  };
  const { result } = await trainFold(
    dataset,
    job,
    options.fold,
    join(dir, "run"),
    progressFor(options.quiet, "[train] "),
  );
  const m = result.metrics;
  return {
    epochs: result.history.length,
    threshold: m.threshold,
    fbeta: m.fbeta,
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
  };
}
