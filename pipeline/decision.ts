/**
 * `deno run -A pipeline/decision.ts --search DIR[,DIR…] --id ID (--threshold T [--gate BPM]
 * [--fast-zone BPM:T] [--below-gate T] | --choose)`: the pooled int8 Fβ of one search candidate's
 * cached out-of-fold outputs at a fixed decision (threshold, rate gate, fast zone, below-gate
 * threshold: docs/int8-spec.md §14), and the share of each rhythm classified correctly, to see how
 * the decision an arch ships with does on each fold draw. `--choose` takes the decision the
 * search would choose on these outputs instead. With several folders (fold draws), each
 * segment's outputs are averaged first: an ensemble of models that never saw its subject.
 * `--errors N` names the N subject-and-rhythm pairs with the most misclassified segments.
 * Parses options and calls lib/search.
 */
import { join } from "node:path";
import { readSelection } from "./search_folder.ts";
import {
  type CommandSpec,
  intOption,
  numberOption,
  parseCommand,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { loadDataset, subset } from "../lib/data/mod.ts";
import { errorBlocks } from "../lib/evaluate/mod.ts";
import { checkFastZone, type FastZone } from "../lib/ir/mod.ts";
import {
  chooseDecision,
  metricsAt,
  pooledClasses,
  pooledOutputs,
  RATE_GATE_GRID,
} from "../lib/search/mod.ts";

const command: CommandSpec = {
  usage: "deno run -A pipeline/decision.ts --search DIR --id ID --threshold T [options]",
  summary: "Print the pooled int8 metrics of a search candidate's out-of-fold outputs (its full " +
    "cross-validation in DIR/candidates/ID) at a fixed decision.",
  options: {
    search: {
      type: "string",
      value: "DIR[,DIR…]",
      description: "The search's --out folder; several (fold draws): their outputs averaged.",
    },
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
    choose: {
      type: "boolean",
      description: "Choose threshold, gate, fast zone and below-gate threshold as the search " +
        "does (its grids), in place of --threshold and the rest.",
    },
    errors: {
      type: "string",
      value: "N",
      description:
        "Also print the N subject-and-rhythm pairs with the most misclassified segments.",
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
  const dirs = requireString(args, "search").split(",");
  const id = requireString(args, "id");
  const threshold = numberOption(args, "threshold", 0, 1);
  if (args.choose) {
    const fixed = ["threshold", "gate", "fast-zone", "below-gate"].filter((o) => o in args);
    if (fixed.length > 0) throw new UsageError(`--choose takes no --${fixed.join(", --")}`);
  } else if (threshold === undefined) {
    throw new UsageError("--threshold or --choose is required");
  }
  const errorCount = intOption(args, "errors", 1);
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
  const selections = await Promise.all(dirs.map(readSelection));
  const folds = selections[0].folds.length;
  const other = selections.findIndex((s) =>
    s.folds.length !== folds || s.data !== selections[0].data
  );
  if (other >= 0) {
    throw new UsageError(`${dirs[other]} has other data or another fold count than ${dirs[0]}`);
  }
  const dataset = await loadDataset({ data: selections[0].data, index: selections[0].index });
  const pooled = await pooledOutputs(dataset, dirs.map((d) => join(d, "candidates", id)), folds);
  const decision = args.choose
    ? chooseDecision(pooled.labels, pooled.outputs, pooled.intervals, RATE_GATE_GRID, {
      fastZones: true,
      belowGate: true,
    })
    : { threshold: threshold!, rateGateBpm: gate, fastZone, belowGateThreshold };
  const metrics = metricsAt(dataset, pooled, decision);
  const blocks = errorCount === undefined
    ? undefined
    : errorBlocks(subset(dataset, pooled.indices), pooledClasses(pooled, decision)).slice(
      0,
      errorCount,
    );
  if (args.json) {
    const { recallByRhythm, ...binary } = metrics;
    console.log(JSON.stringify({
      id,
      ...decision,
      ...binary,
      recall_by_rhythm: recallByRhythm,
      ...(blocks ? { error_blocks: blocks } : {}),
    }));
  } else {
    const zone = decision.fastZone;
    console.log(
      `${id}${
        dirs.length > 1 ? `, mean of ${dirs.length} fold draws,` : ""
      } at threshold ${decision.threshold}, gate ${decision.rateGateBpm ?? "none"}, fast zone ${
        zone ? `${zone.bpm}:${zone.threshold}` : "none"
      }, below the gate ${decision.belowGateThreshold ?? "never"}: pooled int8 Fβ ${
        metrics.fbeta.toFixed(4)
      } (P ${metrics.precision.toFixed(4)}, R ${metrics.recall.toFixed(4)}, ${metrics.n} segments)`,
    );
    const shares = Object.entries(metrics.recallByRhythm).map(([r, v]) => `${r} ${v.toFixed(3)}`);
    console.log(`classified correctly: ${shares.join(", ")}`);
    if (blocks) {
      const text = blocks.map((b) => `${b.subject} ${b.rhythm} ${b.wrong}/${b.segments}`);
      console.log(`most errors (subject rhythm wrong/segments): ${text.join(", ")}`);
    }
  }
});
