/**
 * The Cortex-M4 check program of the rate gate's estimator (firmware/m4/rate_gate_check.c):
 * builds it with the estimator of a kernel set, runs it under QEMU on int8 segments, and counts
 * the instructions of one call. Used by tests/firmware/rate_gate_test.ts (the DSP version equals
 * the TypeScript reference) and bench/rate_gate_instructions.ts (instructions per call).
 *
 * @module
 */
import { join } from "node:path";
import { BUILD_DIR, buildProgram, FIRMWARE_DIR } from "./compile.ts";
import { countQemuInstructions, runQemu } from "./qemu.ts";
import { inTempDir } from "./m4.ts";
import { ioSources, type KernelSet, RUNTIME_INCLUDE, runtimeSources } from "./runtime.ts";

/** Magics of firmware/m4/rate_gate_check.c's files; both are version 1. */
const SEGMENTS_MAGIC = "IEGMRGS\0";
const RESULTS_MAGIC = "IEGMRGR\0";
const VERSION = 1;

/** rate_segments.bin of firmware/m4/rate_gate_check.c for `segments`. */
export function encodeRateSegments(segments: Int8Array[]): Uint8Array {
  const bytes = new Uint8Array(16 + segments.reduce((n, x) => n + 4 + x.length, 0));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = SEGMENTS_MAGIC.charCodeAt(i);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, segments.length, true);
  let at = 16;
  for (const x of segments) {
    view.setUint32(at, x.length, true);
    bytes.set(new Uint8Array(x.buffer, x.byteOffset, x.length), at + 4);
    at += 4 + x.length;
  }
  return bytes;
}

/** What one run of the check program produced. */
export interface RateGateRun {
  /** [count] the estimator's result per segment (0: no rate). */
  results: Int32Array;
  /** The largest stack use of any call, in bytes below the caller's stack pointer. */
  stackBytes: number;
}

/** Parses rate_results.bin; `count` is the number of segments sent. */
export function decodeRateResults(bytes: Uint8Array, count: number): RateGateRun {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (bytes.length !== 16 + 4 * count + 4 || magic !== RESULTS_MAGIC) {
    throw new SyntaxError(
      `rate_results.bin: not a ${JSON.stringify(RESULTS_MAGIC)} file of ${count}`,
    );
  }
  if (view.getUint32(8, true) !== VERSION || view.getUint32(12, true) !== count) {
    throw new SyntaxError(`rate_results.bin: version or count differs from what was sent`);
  }
  const results = new Int32Array(count);
  for (let i = 0; i < count; i++) results[i] = view.getInt32(16 + 4 * i, true);
  return { results, stackBytes: view.getUint32(16 + 4 * count, true) };
}

/**
 * Builds (cached) the check program for the Cortex-M4 with the estimator of `kernels`, chosen
 * by runtimeSources as the model images choose it; returns the ELF's path.
 */
export async function buildRateGateImage(
  kernels: KernelSet,
  optimize: "-Os" | "-O2",
): Promise<string> {
  const estimator = runtimeSources(kernels).filter((path) => path.endsWith("/rate_gate_s8.c"));
  const io = ioSources("m4");
  const program = await buildProgram({
    target: "m4",
    sources: [...estimator, ...io.sources, join(FIRMWARE_DIR, "m4", "rate_gate_check.c")],
    includeDirs: [RUNTIME_INCLUDE, ...io.includeDirs],
    optimize,
  });
  return program.path;
}

/** Runs the check program `elf` under QEMU on `segments`. */
export function runRateGate(elf: string, segments: Int8Array[]): Promise<RateGateRun> {
  return inTempDir(BUILD_DIR, async (dir) => {
    await Deno.writeFile(join(dir, "rate_segments.bin"), encodeRateSegments(segments));
    await runQemu(elf, dir);
    return decodeRateResults(await Deno.readFile(join(dir, "rate_results.bin")), segments.length);
  });
}

/** The instructions of one call of the estimator in `elf` on `x`, counted exactly. */
export function countRateGateCall(elf: string, x: Int8Array): Promise<number> {
  return inTempDir(BUILD_DIR, async (dir) => {
    await Deno.writeFile(join(dir, "rate_segments.bin"), encodeRateSegments([x]));
    return (await countQemuInstructions(elf, dir)).total;
  });
}
