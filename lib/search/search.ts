/**
 * The search loop: sample candidates (space.ts), screen each on a few folds, promote the
 * promising ones to the full K-fold CV (successive halving), run jobs in parallel worker
 * processes, append every finished (candidate, stage) to `<out>/results.jsonl`, and resume
 * from it: a rerun skips every pair already in the table, and a promoted candidate's screening
 * folds are reused from its fold cache.
 *
 * Promotion rule (legible on purpose): after screening, a candidate goes to the full CV when
 * its screening value (contest score, or 100·Fβ without M4 figures) is within `promoteMargin`
 * of the best screening value seen so far and it needs at most `maxInstructions` Cortex-M4
 * instructions. Full jobs run before new screens.
 */
import { join, resolve } from "node:path";
import { loadDataset, quickSelection, subjectFolds } from "../data/mod.ts";
import { writeJsonAtomic } from "../io/atomic.ts";
import { type Candidate, candidateId, describeArch, sampleCandidates } from "./space.ts";
import {
  appendRow,
  finishedKeys,
  readTable,
  repairTable,
  rowKey,
  type Stage,
  type TableRow,
} from "./table.ts";
import type { JobOutcome, SearchJob, SearchSelection } from "./worker.ts";

/** Options of {@linkcode runSearch}. */
export interface SearchOptions {
  out: string;
  data: string;
  index?: string;
  /** Candidates to screen (the hand-picked seeds first, then random draws). */
  budget: number;
  /** K of the subject-wise K-fold CV. */
  folds: number;
  /** Folds of the screening stage (the first ones); ≥ folds = no screening, full CV at once. */
  screenFolds: number;
  promoteMargin: number;
  seed: number;
  workers: number;
  maxMacs: number;
  /** Screened candidates with more Cortex-M4 instructions than this are not promoted. */
  maxInstructions: number;
  /** Train on every n-th segment of the training subjects (EvaluateCandidateOptions). */
  trainStride: number;
  /** Caps every candidate's epochs (undefined: the candidate's own). */
  maxEpochs?: number;
  /** 2 subjects per fold, 40 segments each, 1 epoch: a smoke run. */
  quick: boolean;
  firmware: boolean;
  /** Candidates to evaluate instead of sampling (tests, or re-running chosen points). */
  candidates?: Candidate[];
  log?: (line: string) => void;
}

/** Quick mode: subjects per fold, segments per subject, epochs. */
const QUICK = { subjects: 2, segments: 40, epochs: 1 };

/** Runs (or resumes) a search; returns every row of the table afterwards. */
export async function runSearch(given: SearchOptions): Promise<TableRow[]> {
  // Absolute, because the firmware step runs its tools in other folders.
  const options = { ...given, out: resolve(given.out) };
  const log = options.log ?? ((line: string) => console.error(line));
  await Deno.mkdir(join(options.out, "jobs"), { recursive: true });
  const tablePath = join(options.out, "results.jsonl");
  if (await repairTable(tablePath)) log(`search: cut a torn last line off ${tablePath}`);
  const table = await readTable(tablePath);
  for (const s of table.skipped) log(`search: ${tablePath} line ${s.line} skipped: ${s.reason}`);
  const selection = await searchSelection(options);
  const candidates = options.candidates ??
    sampleCandidates(options.budget, options.seed, options.maxMacs);
  const byId = new Map(candidates.map((c) => [candidateId(c), c]));
  const done = finishedKeys(table.rows);
  const screened = new Map<string, number>(); // id → screening value
  const rows = [...table.rows];
  const value = (r: TableRow) =>
    r.result ? (r.result.score ?? 100 * r.result.fbeta_int8) : -Infinity;
  // Candidates over the instruction budget are screened but never promoted.
  const promotable = (r: TableRow) =>
    r.stage === "screen" && r.result !== undefined &&
    (r.result.instructions ?? 0) <= options.maxInstructions;
  for (const r of rows) if (promotable(r)) screened.set(r.id, value(r));
  const screening = options.screenFolds < options.folds;
  const pendingScreens = candidates.filter((c) =>
    !done.has(rowKey(candidateId(c), screening ? "screen" : "full"))
  );
  const running = new Set<string>();

  const nextJob = (): { id: string; stage: Stage } | null => {
    if (screening) {
      const best = Math.max(-Infinity, ...screened.values());
      const promotable = [...screened.entries()]
        .filter(([id, v]) =>
          byId.has(id) && v >= best - options.promoteMargin && !done.has(rowKey(id, "full")) &&
          !running.has(rowKey(id, "full"))
        )
        .sort((a, b) => b[1] - a[1]);
      if (promotable.length) return { id: promotable[0][0], stage: "full" };
    }
    const c = pendingScreens.shift();
    return c ? { id: candidateId(c), stage: screening ? "screen" : "full" } : null;
  };

  const runOne = async (id: string, stage: Stage) => {
    const key = rowKey(id, stage);
    running.add(key);
    const candidate = byId.get(id)!;
    const foldsToRun = stage === "full"
      ? Array.from({ length: options.folds }, (_, f) => f)
      : Array.from({ length: options.screenFolds }, (_, f) => f);
    log(
      `search: start ${id} ${stage} (${describeArch(candidate)}) on folds ${foldsToRun.join(",")}`,
    );
    const outcome = await runWorker(options.out, {
      selection,
      candidate,
      foldsToRun,
      epochs: options.quick
        ? QUICK.epochs
        : options.maxEpochs === undefined
        ? undefined
        : Math.min(candidate.epochs, options.maxEpochs),
      trainStride: options.trainStride,
      calibrationSegments: options.quick ? 50 : 1000,
      firmware: options.firmware,
      firmwareSegments: options.quick ? 4 : 32,
      dir: join(options.out, "candidates", id),
      resultPath: join(options.out, "jobs", `${id}-${stage}.result.json`),
    });
    const row: TableRow = {
      id,
      stage,
      candidate,
      arch: describeArch(candidate),
      ...("result" in outcome ? { result: outcome.result } : { error: outcome.error }),
      finished_at: new Date().toISOString(),
    };
    await appendRow(tablePath, row);
    rows.push(row);
    done.add(key);
    running.delete(key);
    if (promotable(row)) screened.set(id, value(row));
    log(`search: done ${id} ${stage}: ${summarize(row)}`);
  };

  // A pool of `workers` slots; each slot takes the next job when its last one finishes.
  const slot = async () => {
    for (let job = nextJob(); job; job = nextJob()) await runOne(job.id, job.stage);
  };
  const slots: Promise<void>[] = [];
  for (let w = 0; w < options.workers; w++) slots.push(slot());
  await Promise.all(slots);
  // Slots that found no job while others still ran may have missed promotions made since.
  for (let job = nextJob(); job; job = nextJob()) await runOne(job.id, job.stage);
  return rows;
}

/** A short summary of a row for logs. */
export function summarize(row: TableRow): string {
  if (!row.result) return `failed: ${row.error}`;
  const r = row.result;
  const figures = r.instructions === null
    ? `${r.target ?? "no"} firmware`
    : `${r.instructions} instr, ${r.flash_bytes} B flash, score ${r.score?.toFixed(2)}`;
  return `int8 Fβ ${r.fbeta_int8.toFixed(4)} (${r.fbeta_int8_mean.toFixed(3)} ± ${
    r.fbeta_int8_sd.toFixed(3)
  }), ${figures}, ${r.seconds.toFixed(0)} s`;
}

/** Writes (or checks) `<out>/selection.json`: folds and quick subset, fixed for the search. */
async function searchSelection(options: SearchOptions): Promise<SearchSelection> {
  const path = join(options.out, "selection.json");
  const dataset = await loadDataset({ data: options.data, index: options.index });
  const folds = subjectFolds(dataset, options.folds, options.seed);
  const selection: SearchSelection = {
    data: options.data,
    ...(options.index ? { index: options.index } : {}),
    seed: options.seed,
    folds: folds.map((fold) => fold.map((s) => dataset.subjectNames[s])),
    indices: options.quick
      ? quickSelection(dataset, folds, QUICK.subjects, QUICK.segments).sort((a, b) => a - b)
      : null,
    trainStride: options.trainStride,
    maxEpochs: options.maxEpochs ?? null,
  };
  let existing: SearchSelection | null = null;
  try {
    existing = JSON.parse(await Deno.readTextFile(path));
  } catch { /* a new search */ }
  if (existing && JSON.stringify(existing) !== JSON.stringify(selection)) {
    throw new RangeError(
      `${options.out} holds a search with other data, folds, seed, --quick, --train-stride or --max-epochs; use another --out`,
    );
  }
  if (!existing) await writeJsonAtomic(path, selection);
  return selection;
}

const WORKER = new URL("./worker.ts", import.meta.url).pathname;

/** Runs `job` in a fresh `deno run -A worker.ts` process; its output goes to a log file. */
async function runWorker(out: string, job: SearchJob): Promise<JobOutcome> {
  const base = job.resultPath.replace(/\.result\.json$/, "");
  const jobPath = `${base}.job.json`;
  await writeJsonAtomic(jobPath, job);
  await Deno.remove(job.resultPath).catch(() => {});
  const logFile = await Deno.open(`${base}.log`, { write: true, create: true, truncate: true });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER, jobPath],
    stdout: "piped",
    stderr: "piped",
    cwd: join(WORKER, "..", "..", ".."),
  }).spawn();
  const sink = logFile.writable.getWriter();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) await sink.write(chunk);
  };
  await Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = await child.status;
  await sink.close();
  try {
    return JSON.parse(await Deno.readTextFile(job.resultPath)) as JobOutcome;
  } catch {
    const tail = (await Deno.readTextFile(`${base}.log`).catch(() => "")).trim().split("\n")
      .slice(-3).join(" | ");
    return { error: `worker exited with code ${status.code} and no result (${out}): ${tail}` };
  }
}
