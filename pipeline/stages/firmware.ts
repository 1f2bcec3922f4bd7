/**
 * Stage "firmware": the host build checked against the TypeScript interpreter on every
 * validation segment; then, when the arm toolchain and QEMU are installed, the Cortex-M4 image:
 * sizes, instructions of one inference, estimated latency and contest score.
 */
import { join } from "node:path";
import { subset } from "../../lib/data/mod.ts";
import { measureWhereAvailable, quantizeDataset } from "../../lib/firmware/mod.ts";
import { loadIR } from "../../lib/ir/mod.ts";
import { writeJsonAtomic } from "../../lib/io/atomic.ts";
import { segmentsOfSubjects } from "../../lib/quant/segments.ts";
import type { TrainConfig } from "../../lib/train/mod.ts";
import { readStageJson, selectedDataset, type StageContext, stageDir } from "./context.ts";

/** Segments run under QEMU: each costs an emulated inference; the host checks all of them. */
const M4_SEGMENTS = 4;

export async function firmwareStage(context: StageContext, dir: string) {
  const ir = await loadIR(join(stageDir(context, "quantize"), "int8.ir.json"));
  const config = await readStageJson<TrainConfig>(context, "train", "run/config.json");
  const dataset = await selectedDataset(context);
  const validation = subset(dataset, segmentsOfSubjects(dataset, config.validationSubjects));
  const report = await measureWhereAvailable(ir, {
    segments: quantizeDataset(ir, validation),
    m4Segments: M4_SEGMENTS,
    optimize: "-Os",
    kernels: "m4",
  });
  const summary = {
    segments: report.segments,
    agree_with_ts: report.agreeWithTs,
    disagreements: report.disagreements,
    fbeta_host: report.fbeta,
    ...(report.m4
      ? {
        instructions_per_inference: report.m4.instructions,
        latency_ms_est: report.m4.latencyMs,
        flash_bytes: report.m4.size.flash,
        code: report.m4.size.code,
        ro: report.m4.size.ro,
        rw: report.m4.size.rw,
        zi: report.m4.size.zi,
        ram_bytes: report.m4.ramBytes,
        score_est: report.m4.score,
        per_layer: report.m4.perLayer,
      }
      : {}),
  };
  await writeJsonAtomic(join(dir, "firmware.json"), summary);
  await Deno.writeTextFile(join(dir, "host_report.txt"), report.hostReport);
  return summary;
}
