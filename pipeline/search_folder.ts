/** Reading a full search's folder, for the commands that study its candidates' CVs. */
import { join } from "node:path";
import { UsageError } from "../lib/cli/args.ts";
import type { FitDecision, SearchSelection } from "../lib/search/mod.ts";
import { readTable } from "../lib/search/mod.ts";

/**
 * `dir`'s selection.json (which data and folds the search ran on). Throws naming the file when it
 * is missing or not JSON, and a UsageError for a --quick search.
 */
export async function readSelection(dir: string): Promise<SearchSelection> {
  const path = join(dir, "selection.json");
  let selection: SearchSelection;
  try {
    selection = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message} (is ${dir} a search folder?)`);
  }
  if (selection.indices !== null) {
    throw new UsageError(`${dir} is a --quick search: use a full one`);
  }
  return selection;
}

/**
 * The decision (threshold and rate zones) that the full-CV row of candidate `id` in `dir`'s
 * results.jsonl chose. A UsageError when there is no such row.
 */
export async function rowDecision(dir: string, id: string): Promise<FitDecision> {
  const { rows } = await readTable(join(dir, "results.jsonl"));
  const result = rows.find((r) => r.id === id && r.stage === "full")?.result;
  if (!result) throw new UsageError(`${dir}/results.jsonl has no full-CV result of ${id}`);
  return {
    threshold: result.threshold,
    rateGateBpm: result.rate_gate_bpm ?? null,
    fastZone: result.fast_zone ?? null,
    belowGateThreshold: result.below_gate_threshold ?? null,
  };
}
