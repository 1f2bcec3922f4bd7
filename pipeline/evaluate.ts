/**
 * `deno task evaluate`: a quantized model (default: the shipped one) on any IEGM set in the
 * official format, through the TypeScript int8 interpreter and the host C build (and the
 * Cortex-M4 under QEMU when installed). Parses options and calls lib/evaluate.
 */
import {
  type CommandSpec,
  parseCommand,
  requireString,
  runMain,
  UsageError,
} from "../lib/cli/args.ts";
import { loadDataset } from "../lib/data/mod.ts";
import { evaluateModel, type ModelEvaluation, rateZoneText } from "../lib/evaluate/mod.ts";
import { DEFAULT_MODEL, resolveModel } from "../lib/models/mod.ts";
import { CYCLES_PER_INSTRUCTION } from "../lib/metrics/mod.ts";

const command: CommandSpec = {
  usage: "deno task evaluate --data <dir|archive> [--index CSV] [--model DIR|NAME] [--json]",
  summary: "Score a quantized model on an IEGM set: contest metrics, the share of each rhythm " +
    "classified correctly, Fβ per subject, TypeScript vs C agreement on every segment, and " +
    "(with the arm toolchain and QEMU) Cortex-M4 instructions, flash and the estimated score.",
  options: {
    data: { type: "string", value: "PATH", description: "IEGM data directory or .tar.gz archive." },
    index: { type: "string", value: "CSV", description: "Index CSV (default: the one in --data)." },
    model: {
      type: "string",
      value: "DIR|NAME",
      description: "A quantize or pipeline output directory, or a committed model's name.",
      default: DEFAULT_MODEL,
    },
    json: { type: "boolean", description: "Print one JSON object instead of the report." },
  },
};

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const data = requireString(args, "data");
  const { path, ir } = await resolveModel(args.model as string).catch((error) => {
    throw new UsageError((error as Error).message);
  });
  const dataset = await loadDataset({ data, index: args.index as string | undefined });
  const result = await evaluateModel(ir, dataset);
  console.log(args.json ? JSON.stringify(result) : readable(result, path));
});

function readable(r: ModelEvaluation, path: string): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
  const lines = [
    `model ${path} (arch ${r.model.arch}: ${r.model.params} parameters, ${r.model.macs} MACs, ` +
    `${r.model.ram_bytes} bytes of RAM)`,
    `${r.n} segments: TP ${r.tp}  FN ${r.fn}  FP ${r.fp}  TN ${r.tn}`,
    `Fβ ${r.fbeta.toFixed(4)}  accuracy ${pct(r.accuracy)}  precision ${pct(r.precision)}  ` +
    `recall ${pct(r.recall)}`,
    "correct share per rhythm: " +
    Object.entries(r.recall_by_rhythm).map(([k, v]) => `${k} ${pct(v)}`).join("  "),
    "Fβ per subject: " +
    Object.entries(r.fbeta_by_subject).map(([k, v]) => `${k} ${v === null ? "–" : v.toFixed(3)}`)
      .join("  "),
    "correct share per rhythm and estimated rate zone (bpm):",
    rateZoneText(r.correct_by_rate_zone),
    `TypeScript vs C mismatches: ${r.mismatches_ts_vs_c}`,
  ];
  if (r.mcu) {
    lines.push(
      `Cortex-M4: ${r.mcu.instructions_per_inference} instructions per inference, ` +
        `≈ ${r.mcu.latency_ms_est.toFixed(3)} ms at 80 MHz (estimate: ${CYCLES_PER_INSTRUCTION} ` +
        `cycles per counted instruction), flash ${r.mcu.flash_bytes} bytes`,
      `estimated contest score ${r.score_est!.toFixed(2)}`,
    );
  }
  return lines.join("\n");
}
