/**
 * `deno run -A pipeline/training_fit.ts --search DIR --id ID [--rhythms R,…] [--json]`: how the
 * fold models of a search candidate's full CV classify the subjects they trained on, beside the
 * subject each held out, at the decision the candidate's row chose: per rhythm, and per subject
 * and rhythm. A rhythm wrong even in training is one the model does not fit (lib/search's
 * trainingFit). Parses options and calls lib/search.
 */
import { join } from "node:path";
import { readSelection, rowDecision } from "./search_folder.ts";
import {
  type CommandSpec,
  parseCommand,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { loadDataset, type Rhythm, RHYTHMS } from "../lib/data/mod.ts";
import { loadIR } from "../lib/ir/mod.ts";
import { fitByRhythm, trainingFit } from "../lib/search/mod.ts";

const command: CommandSpec = {
  usage: "deno run -A pipeline/training_fit.ts --search DIR --id ID [--rhythms R,…] [--json]",
  summary: "Print how each fold model of a candidate's full CV classifies the subjects it " +
    "trained on, beside those it held out.",
  options: {
    search: { type: "string", value: "DIR", description: "The search's --out folder." },
    id: { type: "string", value: "ID", description: "The candidate's id." },
    rhythms: {
      type: "string",
      value: "R,…",
      description: `Rhythms to run (default: all, ${RHYTHMS.join(",")}).`,
    },
    json: { type: "boolean", description: "Print one JSON object." },
  },
};

function parseRhythms(text: string | undefined): Rhythm[] {
  if (text === undefined) return [...RHYTHMS];
  const names = text.split(",");
  const unknown = names.filter((r) => !(RHYTHMS as readonly string[]).includes(r));
  if (unknown.length > 0) {
    throw new UsageError(`--rhythms: unknown ${unknown.join(", ")}; known: ${RHYTHMS.join(", ")}`);
  }
  return names as Rhythm[];
}

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const dir = requireString(args, "search");
  const id = requireString(args, "id");
  const rhythms = parseRhythms(args.rhythms as string | undefined);
  const selection = await readSelection(dir);
  const decision = await rowDecision(dir, id);
  const irs = await Promise.all(
    selection.folds.map((_, f) => loadIR(join(dir, "candidates", id, `fold-${f}.int8.ir.json`))),
  );
  const dataset = await loadDataset({ data: selection.data, index: selection.index });
  const blocks = trainingFit(dataset, selection.folds, irs, decision, rhythms);
  const rhythmShares = fitByRhythm(blocks);
  if (args.json) {
    console.log(JSON.stringify({ id, ...decision, by_rhythm: rhythmShares, blocks }));
    return;
  }
  console.log(
    `${id}: share classified correctly, held out / trained on (mean of ${
      irs.length - 1
    } fold models)`,
  );
  for (const r of rhythmShares) {
    console.log(
      `${r.rhythm} (${r.segments} segments): ${r.heldOut.toFixed(3)} / ${r.trained.toFixed(3)}`,
    );
  }
  const wrongest = [...blocks].sort((a, b) =>
    (1 - b.heldOut) * b.segments - (1 - a.heldOut) * a.segments
  ).filter((b) => b.heldOut < 1);
  for (const b of wrongest) {
    console.log(
      `  ${b.subject} ${b.rhythm} (${b.segments}): ${b.heldOut.toFixed(3)} / ${
        b.trained.toFixed(3)
      }`,
    );
  }
});
