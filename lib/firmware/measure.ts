/**
 * The firmware step as one call: generate the C of an int8 IR, run the host validation program
 * on segments and compare every output with the TypeScript interpreter, then (target m4) build
 * the Cortex-M4 image, check its outputs under QEMU against the host's, count the instructions
 * of one inference, size the image and estimate latency and the contest score.
 *
 * Latency is an estimate: counted instructions × 1.22 cycles per instruction at 80 MHz
 * (lib/metrics latencyMsEstimate, CYCLES_PER_INSTRUCTION, calibrated against a real board).
 */
import type { ModelIR } from "../ir/ir.ts";
import { predictClass, rateZoneOf, runInt8 } from "../interp/mod.ts";
import { binaryMetrics, contestScore, latencyMsEstimate } from "../metrics/mod.ts";
import { requireToolsFor } from "./toolchain.ts";
import { BUILD_DIR } from "./compile.ts";
import { type ModelSources, writeGeneratedModel } from "./model_sources.ts";
import { type HostRun, runHost } from "./host.ts";
import { buildM4Image, countM4, runM4 } from "./m4.ts";
import { type ImageSize, imageSize } from "./size.ts";
import type { SegmentSet } from "./segment_file.ts";
import { firstSegments } from "./export.ts";
import type { KernelSet } from "./runtime.ts";

/** What to measure. */
export interface MeasureOptions {
  target: "host" | "m4";
  /** Quantized segments with labels (quantizeDataset). */
  segments: SegmentSet;
  /** Segments run under QEMU (the first ones of `segments`). */
  m4Segments: number;
  optimize: "-Os" | "-O2";
  kernels: KernelSet;
  buildDir?: string;
  /**
   * The TypeScript interpreter's output for each segment, when the caller has it already;
   * otherwise runInt8 computes it here.
   */
  expected?: Int8Array;
}

/** Instructions of one layer of one inference. */
export interface LayerInstructions {
  /** Layer name, or model_classify, model_run (calls between layers) or the rate gate estimator. */
  name: string;
  instructions: number;
}

/** Everything the firmware step measured. */
export interface FirmwareReport {
  /** Host C outputs equal runInt8's on every segment (and, m4, QEMU outputs equal the host's). */
  agreeWithTs: boolean;
  /** Segments where the host disagreed with TypeScript, or the M4 with the host. */
  disagreements: number;
  segments: number;
  fbeta: number;
  accuracy: number;
  hostReport: string;
  generatedDir: string;
  m4?: {
    elf: string;
    size: ImageSize;
    stackBytes: number;
    /** rw + zi + measured stack peak. */
    ramBytes: number;
    instructions: number;
    perLayer: LayerInstructions[];
    latencyMs: number;
    score: number;
    m4Segments: number;
    /** Segments where the QEMU output differs from the host's. */
    m4Disagreements: number;
  };
}

/**
 * Measures `ir` on the Cortex-M4 when the arm toolchain and QEMU are installed, else on the host
 * only (saying so on stderr): what the pipeline and `deno task evaluate` do.
 */
export async function measureWhereAvailable(
  ir: ModelIR,
  options: Omit<MeasureOptions, "target">,
): Promise<FirmwareReport> {
  const m4 = await requireToolsFor("m4").then(() => true, (error) => {
    console.error(`firmware: host only, no Cortex-M4 figures: ${(error as Error).message}`);
    return false;
  });
  return measureFirmware(ir, { ...options, target: m4 ? "m4" : "host" });
}

/** Runs the firmware step for `ir` (see module doc). */
export async function measureFirmware(
  ir: ModelIR,
  options: MeasureOptions,
): Promise<FirmwareReport> {
  await requireToolsFor("host");
  if (options.target === "m4") await requireToolsFor("m4");
  const buildDir = options.buildDir ?? BUILD_DIR;
  const model = await writeGeneratedModel(ir, buildDir);
  const { segments } = options;
  const host = await runHost(model, segments, [], buildDir);
  let disagreements = 0;
  const scores = new Float64Array(segments.count);
  for (let i = 0; i < segments.count; i++) {
    const input = segments.inputs.subarray(i * segments.length, (i + 1) * segments.length);
    const expected = options.expected?.[i] ?? runInt8(ir, input).output;
    const expectedClass = predictClass(ir, expected, rateZoneOf(ir, input));
    if (host.outputs[i] !== expected || host.classes[i] !== expectedClass) disagreements++;
    scores[i] = host.classes[i];
  }
  const metrics = binaryMetrics(segments.labels, scores, 1);
  const report: FirmwareReport = {
    agreeWithTs: disagreements === 0,
    disagreements,
    segments: segments.count,
    fbeta: metrics.fbeta,
    accuracy: metrics.accuracy,
    hostReport: host.report,
    generatedDir: model.dir,
  };
  if (options.target === "m4") report.m4 = await measureM4(model, host, options, buildDir);
  if (report.m4) {
    report.disagreements += report.m4.m4Disagreements;
    report.agreeWithTs &&= report.m4.m4Segments > 0 && report.m4.m4Disagreements === 0;
    report.m4.score = contestScore(report.fbeta, report.m4.latencyMs, report.m4.size.flash);
  }
  return report;
}

async function measureM4(
  model: ModelSources,
  host: Pick<HostRun, "outputs" | "classes">,
  options: MeasureOptions,
  buildDir: string,
): Promise<NonNullable<FirmwareReport["m4"]>> {
  const elf = await buildM4Image(
    model,
    { optimize: options.optimize, kernels: options.kernels },
    buildDir,
  );
  const size = await imageSize(elf);
  const subset = firstSegments(options.segments, options.m4Segments);
  const run = await runM4(elf, subset, buildDir);
  let m4Disagreements = 0;
  const length = run.outputs.length / subset.count;
  for (let i = 0; i < subset.count; i++) {
    const same = run.outputs.subarray(i * length, (i + 1) * length)
      .every((v, j) => v === host.outputs[i * length + j]);
    if (!same || run.classes[i] !== host.classes[i]) m4Disagreements++;
  }
  const count = await countM4(elf, subset, buildDir);
  const perLayer = Object.entries(count.perFunction).map(([key, instructions]) => {
    const match = /^(\d+)_/.exec(key);
    const name = match ? model.generated.layers[Number(match[1])].name : key;
    return { name, instructions };
  });
  return {
    elf,
    size,
    stackBytes: run.stackBytes,
    ramBytes: size.ram + run.stackBytes,
    instructions: count.total,
    perLayer,
    latencyMs: latencyMsEstimate(count.total),
    score: 0,
    m4Segments: subset.count,
    m4Disagreements,
  };
}
