/** Stage "quantize": the trained run → float IR and planned int8 IR, with the per-layer report. */
import { join } from "node:path";
import { setupBackend } from "../../lib/backend/mod.ts";
import { saveIR } from "../../lib/ir/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../../lib/io/atomic.ts";
import { formatTimeline } from "../../lib/plan/mod.ts";
import { quantizeRun } from "../../lib/quant/mod.ts";
import { countMacs, countParams, formatLayerReport, layerReport } from "../../lib/report/mod.ts";
import { loadRun } from "../../lib/train/mod.ts";
import { selectedDataset, type StageContext, stageDir } from "./context.ts";

export async function quantizeStage(context: StageContext, dir: string) {
  const { options } = context;
  await setupBackend("wasm");
  const run = await loadRun(join(stageDir(context, "train"), "run"));
  const dataset = await selectedDataset(context);
  const result = quantizeRun(run, dataset, {
    calib: options.calib,
    perChannel: options.perChannel,
    calibrationSegments: options.quick ? 100 : 1000,
    sqnrSegments: options.quick ? 20 : 200,
    validationSegments: Infinity,
  });
  run.model.dispose();
  const ir = result.int8IR;
  await saveIR(join(dir, "float.ir.json"), result.floatIR);
  await saveIR(join(dir, "int8.ir.json"), ir);
  const table = formatLayerReport(layerReport(ir, result.plan, result.sqnrDb), result.plan);
  await writeFileAtomic(
    join(dir, "layers.txt"),
    `${table}\n\n${formatTimeline(ir, result.plan)}\n`,
  );
  const summary = {
    params: countParams(ir).total,
    macs: countMacs(ir).total,
    ram_bytes: result.plan.totalBytes,
    threshold: ir.threshold,
    rate_gate_bpm: ir.rateGateBpm ?? null,
    fast_zone: ir.fastZone ?? null,
    below_gate_threshold: ir.belowGateThreshold ?? null,
    fbeta_float: result.validation.float.fbeta,
    fbeta_int8: result.validation.int8.fbeta,
    class_disagreements: result.validation.disagreements,
    sqnr_db: Object.fromEntries(
      Object.entries(result.sqnrDb).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
    ),
  };
  await writeJsonAtomic(join(dir, "quantize.json"), summary);
  return summary;
}
