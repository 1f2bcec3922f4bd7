/**
 * `deno run -A pipeline/decision.ts --search DIR --id ID --threshold T [--gate BPM]
 * [--fast-zone BPM:T] [--below-gate T]`: the pooled int8 Fβ of one search candidate's cached
 * out-of-fold outputs at a fixed decision (threshold, rate gate, fast zone, below-gate threshold:
 * docs/int8-spec.md §14), and the share of each rhythm classified correctly, to see how the
 * decision an arch ships with does on each fold draw.
 * Parses options and calls lib/search.
 */
import { join } from "node:path";
import {
  type CommandSpec,
  intOption,
  numberOption,
  parseCommand,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { loadDataset } from "../lib/data/mod.ts";
import { checkFastZone, type FastZone } from "../lib/ir/mod.ts";
import { pooledAtDecision, type SearchSelection } from "../lib/search/mod.ts";

const command: CommandSpec = {
  usage: "deno run -A pipeline/decision.ts --search DIR --id ID --threshold T [options]",
  summary: "Print the pooled int8 metrics of a search candidate's out-of-fold outputs (its full " +
    "cross-validation in DIR/candidates/ID) at a fixed decision.",
  options: {
    search: { type: "string", value: "DIR", description: "The search's --out folder." },
    id: { type: "string", value: "ID", description: "The candidate's id." },
    threshold: { type: "string", value: "T", description: "Decision threshold in (0, 1)." },
    gate: { type: "string", value: "BPM", description: "Rate gate, bpm (default: none)." },
    "fast-zone": {
      type: "string",
      value: "BPM:T",
      description: "Fast zone: from BPM on, threshold T (needs --gate; default: none).",
    },
    "below-gate": {
      type: "string",
      value: "T",
      description: "Threshold below the gate (needs --gate; default: never VA there).",
    },
    json: { type: "boolean", description: "Print one JSON object." },
  },
};

/** "125:0.05" → { bpm: 125, threshold: 0.05 }. */
function parseFastZone(text: string | undefined): FastZone | null {
  if (text === undefined) return null;
  const match = /^(\d+):([0-9.]+)$/.exec(text);
  if (!match) throw new UsageError(`--fast-zone must be BPM:T, e.g. 125:0.05, got ${text}`);
  return { bpm: Number(match[1]), threshold: Number(match[2]) };
}

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const dir = requireString(args, "search");
  const id = requireString(args, "id");
  const threshold = numberOption(args, "threshold", 0, 1);
  if (threshold === undefined) throw new UsageError("--threshold is required");
  const gate = intOption(args, "gate", 1, 300) ?? null;
  const fastZone = parseFastZone(args["fast-zone"] as string | undefined);
  const belowGateThreshold = numberOption(args, "below-gate", 0, 1) ?? null;
  if (fastZone && gate === null) throw new UsageError("--fast-zone needs --gate");
  if (belowGateThreshold !== null && gate === null) {
    throw new UsageError("--below-gate needs --gate");
  }
  try {
    checkFastZone("--fast-zone", fastZone, gate);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const selectionPath = join(dir, "selection.json");
  let selection: SearchSelection;
  try {
    selection = JSON.parse(await Deno.readTextFile(selectionPath));
  } catch (e) {
    throw new Error(`${selectionPath}: ${(e as Error).message} (is ${dir} a search folder?)`);
  }
  if (selection.indices !== null) {
    throw new UsageError(`${dir} is a --quick search: use a full one`);
  }
  const dataset = await loadDataset({ data: selection.data, index: selection.index });
  const decision = { threshold, rateGateBpm: gate, fastZone, belowGateThreshold };
  const metrics = await pooledAtDecision(
    dataset,
    join(dir, "candidates", id),
    selection.folds.length,
    decision,
  );
  if (args.json) {
    const { recallByRhythm, ...binary } = metrics;
    console.log(JSON.stringify({ id, ...decision, ...binary, recall_by_rhythm: recallByRhythm }));
  } else {
    console.log(
      `${id} at threshold ${threshold}, gate ${gate ?? "none"}, fast zone ${
        fastZone ? `${fastZone.bpm}:${fastZone.threshold}` : "none"
      }, below the gate ${belowGateThreshold ?? "never"}: pooled int8 Fβ ${
        metrics.fbeta.toFixed(4)
      } (P ${metrics.precision.toFixed(4)}, R ${metrics.recall.toFixed(4)}, ${metrics.n} segments)`,
    );
    const shares = Object.entries(metrics.recallByRhythm).map(([r, v]) => `${r} ${v.toFixed(3)}`);
    console.log(`classified correctly: ${shares.join(", ")}`);
  }
});
