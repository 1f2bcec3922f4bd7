/**
 * One search job in its own process (its own tfjs instance): `deno run -A worker.ts JOB.json`
 * reads the job, loads the dataset (from the cache), evaluates the candidate and writes
 * `{result}` or `{error}` to the job's result path atomically. The scheduler (search.ts) runs
 * one such process per worker slot.
 */
import { loadDataset, subset } from "../data/mod.ts";
import { writeJsonAtomic } from "../io/atomic.ts";
import { LineProgress } from "../train/mod.ts";
import { type CandidateResult, evaluateCandidate } from "./evaluate_candidate.ts";
import type { Candidate } from "./space.ts";

/** The data every job of one search shares (`<out>/selection.json`). */
export interface SearchSelection {
  data: string;
  index?: string;
  seed: number;
  /** Subject names per fold. */
  folds: string[][];
  /** Segment indices kept (quick mode), or null for all. */
  indices: number[] | null;
  /** Fixed for a search's folder too: its rows are comparable only with the same values. */
  trainStride: number;
  maxEpochs: number | null;
}

/** One job: a candidate at one stage. */
export interface SearchJob {
  selection: SearchSelection;
  candidate: Candidate;
  foldsToRun: number[];
  epochs?: number;
  trainStride: number;
  calibrationSegments: number;
  firmware: boolean;
  firmwareSegments: number;
  /** The candidate's folder (fold caches, IRs, firmware build). */
  dir: string;
  /** Where `{result}` or `{error}` is written. */
  resultPath: string;
}

/** What a job writes. */
export type JobOutcome = { result: CandidateResult } | { error: string };

/** Runs `job` in this process. */
export async function runJob(job: SearchJob): Promise<JobOutcome> {
  const { selection } = job;
  const all = await loadDataset({ data: selection.data, index: selection.index });
  const dataset = selection.indices ? subset(all, selection.indices) : all;
  const folds = selection.folds.map((names) =>
    names.map((name) => {
      const s = dataset.subjectNames.indexOf(name);
      if (s < 0) throw new RangeError(`Subject ${name} of the selection is not in the data`);
      return s;
    })
  );
  try {
    const result = await evaluateCandidate(dataset, job.candidate, {
      folds,
      foldsToRun: job.foldsToRun,
      seed: selection.seed,
      epochs: job.epochs,
      trainStride: job.trainStride,
      calibrationSegments: job.calibrationSegments,
      dir: job.dir,
      firmware: job.firmware,
      firmwareSegments: job.firmwareSegments,
      data: selection.data,
      progress: (fold) => new LineProgress(`[fold ${fold}] `),
    });
    return { result };
  } catch (error) {
    const e = error as Error;
    console.error(e.stack ?? e.message);
    return { error: `${e.name}: ${e.message}` };
  }
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (!path) {
    console.error("usage: worker.ts JOB.json");
    Deno.exit(2);
  }
  const job = JSON.parse(await Deno.readTextFile(path)) as SearchJob;
  const outcome = await runJob(job);
  await writeJsonAtomic(job.resultPath, outcome);
}
