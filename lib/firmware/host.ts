/**
 * The host validation program (firmware/host/validate.c): built with gcc and the reference
 * kernels, run on a segments file; returns its per-segment outputs, optional layer traces and
 * its printed report.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { BUILD_DIR, buildProgram, FIRMWARE_DIR } from "./compile.ts";
import { RUNTIME_INCLUDE, runtimeSources } from "./runtime.ts";
import type { ModelSources } from "./model_sources.ts";
import {
  decodeOutputs,
  decodeTrace,
  encodeSegments,
  type SegmentSet,
  type TraceRecord,
} from "./segment_file.ts";
import { run } from "./run.ts";

/** What a host run produced. */
export interface HostRun {
  /** [count × outputLength] */
  outputs: Int8Array;
  /** [count] the program's classes (1 = VA: threshold and rate gate). */
  classes: Uint8Array;
  /** Layer outputs of the traced segments. */
  trace: TraceRecord[];
  /** The program's report (per-layer MACs and time, memory, confusion, Fβ). */
  report: string;
}

/** Builds (cached) the host validation program for `model`; returns its path. */
export async function buildHostProgram(model: ModelSources, buildDir = BUILD_DIR): Promise<string> {
  const program = await buildProgram({
    target: "host",
    sources: [
      ...runtimeSources("reference"),
      join(FIRMWARE_DIR, "host", "validate.c"),
      model.source,
    ],
    includeDirs: [RUNTIME_INCLUDE, model.dir],
    optimize: "-O2",
    defines: { MODEL_TRACE: 1 },
  }, buildDir);
  return program.path;
}

/**
 * Runs the host program of `model` on `segments`, tracing every layer of the segments whose
 * indices are in `traceSegments`.
 */
export async function runHost(
  model: ModelSources,
  segments: SegmentSet,
  traceSegments: number[] = [],
  buildDir = BUILD_DIR,
): Promise<HostRun> {
  const program = await buildHostProgram(model, buildDir);
  const dir = await Deno.makeTempDir({ dir: buildDir, prefix: "host-run-" });
  try {
    const input = join(dir, "segments.bin"), output = join(dir, "outputs.bin");
    const tracePath = join(dir, "trace.bin");
    await writeFileAtomic(input, encodeSegments(segments));
    const traceArgs = traceSegments.length ? [tracePath, ...traceSegments.map(String)] : [];
    const { stdout } = await run(program, [input, output, ...traceArgs]);
    const { outputs, classes } = decodeOutputs(await Deno.readFile(output), output);
    const trace = traceSegments.length
      ? decodeTrace(await Deno.readFile(tracePath), tracePath)
      : [];
    return { outputs, classes, trace, report: stdout };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
