/**
 * `deno run -A pipeline/template_match.ts --search DIR --id ID [--json]`: what a morphology check
 * against each patient's own sinus beats (lib/search's template study) would add to a search
 * candidate's out-of-fold decisions, at the decision its row chose: the pooled int8 Fβ and each
 * rhythm's share right without it and with each veto of VETO_GRID, then how the segments the
 * candidate flags match their subject's template, per subject and rhythm. Parses options and
 * calls lib/search.
 */
import { join } from "node:path";
import { readSelection, rowDecision } from "./search_folder.ts";
import { type CommandSpec, parseCommand, requireString, runMain } from "../lib/cli/args.ts";
import { loadDataset } from "../lib/data/mod.ts";
import {
  applyVeto,
  matchBlocks,
  type MorphologyVeto,
  overlapsTemplate,
  pooledClasses,
  pooledOutputs,
  sinusTemplates,
  type StudyMetrics,
  studyMetrics,
  TEMPLATE_SEGMENTS,
  templateMatches,
  VETO_GRID,
} from "../lib/search/mod.ts";

const command: CommandSpec = {
  usage: "deno run -A pipeline/template_match.ts --search DIR --id ID [--json]",
  summary: "Print what withholding VA decisions whose beats match the patient's sinus template " +
    "would do to a candidate's out-of-fold decisions.",
  options: {
    search: { type: "string", value: "DIR", description: "The search's --out folder." },
    id: { type: "string", value: "ID", description: "The candidate's id." },
    json: { type: "boolean", description: "Print one JSON object." },
  },
};

function line(label: string, m: StudyMetrics): string {
  const shares = Object.entries(m.recallByRhythm).map(([r, v]) => `${r} ${v.toFixed(3)}`);
  return `${label}: Fβ ${m.fbeta.toFixed(4)} (P ${m.precision.toFixed(4)}, R ${
    m.recall.toFixed(4)
  }) | ${shares.join(" ")}`;
}

const vetoLabel = (v: MorphologyVeto) =>
  `match ≥ ${v.minMatch}, |log2 amplitude| ${
    v.maxAmplitudeLog2 === Infinity ? "any" : `≤ ${v.maxAmplitudeLog2}`
  }`;

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const dir = requireString(args, "search");
  const id = requireString(args, "id");
  const selection = await readSelection(dir);
  const decision = await rowDecision(dir, id);
  const dataset = await loadDataset({ data: selection.data, index: selection.index });
  const pooled = await pooledOutputs(
    dataset,
    [join(dir, "candidates", id)],
    selection.folds.length,
  );
  const templates = sinusTemplates(dataset);
  const allClasses = pooledClasses(pooled, decision);
  const kept = pooled.indices.flatMap((i, j) => overlapsTemplate(dataset, i, templates) ? [] : [j]);
  const indices = kept.map((j) => pooled.indices[j]);
  const classes = kept.map((j) => allClasses[j]);
  const matches = templateMatches(dataset, indices, templates);
  const without = studyMetrics(dataset, indices, classes);
  const vetoes = VETO_GRID.map((veto) => ({
    veto,
    metrics: studyMetrics(dataset, indices, applyVeto(classes, matches, veto)),
  }));
  const blocks = matchBlocks(dataset, indices, classes, matches);
  if (args.json) {
    console.log(JSON.stringify({
      id,
      ...decision,
      templates: templates.size,
      segments: indices.length,
      without,
      vetoes: vetoes.map((v) => ({ ...v.veto, metrics: v.metrics })),
      blocks,
    }));
    return;
  }
  console.log(
    `${id}: ${templates.size} subjects with a template (${TEMPLATE_SEGMENTS} SR segments each), ` +
      `${indices.length} segments (those sharing samples with a template left out)`,
  );
  console.log(line("without a veto", without));
  for (const v of vetoes) console.log(line(vetoLabel(v.veto), v.metrics));
  console.log(
    "flagged as VA, per subject and rhythm: segments, median match, median log2 amplitude",
  );
  for (const b of blocks) {
    console.log(
      `  ${b.subject} ${b.rhythm} ${b.flagged}: ${b.medianMatch.toFixed(3)} ${
        b.medianAmplitudeLog2.toFixed(2)
      }`,
    );
  }
});
