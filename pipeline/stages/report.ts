/** Stage "report": report.json (every stage's summary) and report.html (plots and tables). */
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../../lib/io/atomic.ts";
import { reportPage } from "../../lib/report/mod.ts";
import type { ClinicalEvaluation } from "../../lib/evaluate/mod.ts";
import type { EpochRecord } from "../../lib/train/history.ts";
import type { FastZone } from "../../lib/ir/mod.ts";
import { readStageJson, type StageContext, stageDir } from "./context.ts";

export async function reportStage(context: StageContext, dir: string) {
  const { options, results } = context;
  const stages = Object.fromEntries(
    [...results.entries()].map(([name, result]) => [name, { key: result.key, ...result.summary }]),
  );
  const report = { arch: options.arch, seed: options.seed, quick: options.quick, stages };
  await writeJsonAtomic(join(dir, "report.json"), report);
  const evaluation = await readStageJson<{
    tp: number;
    fn: number;
    fp: number;
    tn: number;
    fbeta: number;
    recall_by_rhythm: Record<string, number>;
    correct_by_rate_zone: ClinicalEvaluation["correctByRateZone"];
    fbeta_by_subject: Record<string, number | null>;
  }>(context, "evaluate", "evaluate.json");
  const quantized = await readStageJson<Record<string, unknown>>(
    context,
    "quantize",
    "quantize.json",
  );
  const firmware = await readStageJson<Record<string, unknown>>(
    context,
    "firmware",
    "firmware.json",
  );
  const train = results.get("train")!.summary;
  const mcu = typeof firmware.instructions_per_inference === "number"
    ? {
      fbeta: firmware.fbeta_host as number,
      latencyMs: firmware.latency_ms_est as number,
      flashBytes: firmware.flash_bytes as number,
    }
    : undefined;
  const html = await reportPage({
    title: `${options.arch}, seed ${options.seed}${options.quick ? " (quick run)" : ""}`,
    summary: {
      "validation Fβ, float (run threshold)": train.fbeta as number,
      "validation Fβ, int8 (TypeScript)": evaluation.fbeta,
      "int8 ≡ C on every validation segment": firmware.agree_with_ts as boolean,
      "decision: threshold": quantized.threshold as number,
      "decision: rate gate, bpm (none: null)": quantized.rate_gate_bpm as number | null,
      "decision: fast zone (none: null)": fastZoneText(quantized.fast_zone as FastZone | null),
      "decision: threshold below the gate (none: null)":
        (quantized.below_gate_threshold as number | null | undefined) ?? null,
      "parameters": quantized.params as number,
      "MACs": quantized.macs as number,
      "RAM bytes (arena + GRU state + scratch)": quantized.ram_bytes as number,
      ...(mcu
        ? {
          "Cortex-M4 instructions per inference": firmware.instructions_per_inference as number,
          "latency ms (estimate, 1.22 cycles/instr at 80 MHz)": mcu.latencyMs,
          "flash bytes (code + RO + RW)": mcu.flashBytes,
          "contest score (estimate)": firmware.score_est as number,
        }
        : {}),
    },
    history: JSON.parse(
      await Deno.readTextFile(join(stageDir(context, "train"), "run", "history.json")),
    ) as EpochRecord[],
    confusion: evaluation,
    recallByRhythm: evaluation.recall_by_rhythm,
    fbetaBySubject: evaluation.fbeta_by_subject,
    correctByRateZone: evaluation.correct_by_rate_zone,
    sqnrDb: quantized.sqnr_db as Record<string, number | null>,
    layers: await Deno.readTextFile(join(stageDir(context, "quantize"), "layers.txt")),
    mcu,
  });
  await writeFileAtomic(join(dir, "report.html"), html);
  return { html: "report.html", json: "report.json" };
}

/** "≥ 125 bpm: threshold 0.05", or null without a fast zone (quantize.json from before it too). */
function fastZoneText(zone: FastZone | null | undefined): string | null {
  return zone ? `≥ ${zone.bpm} bpm: threshold ${zone.threshold}` : null;
}
