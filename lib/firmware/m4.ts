/**
 * The Cortex-M4 image (firmware/m4/main.c + start-up + runtime + generated model) for QEMU's
 * mps2-an386: build, run on segments through semihosting, count the instructions of one
 * inference, and size it. The image measured is the image run: its only I/O is semihosting.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { BUILD_DIR, buildProgram, FIRMWARE_DIR } from "./compile.ts";
import { ioSources, type KernelSet, RUNTIME_INCLUDE, runtimeSources } from "./runtime.ts";
import type { ModelSources } from "./model_sources.ts";
import { decodeOutputs, encodeSegments, type SegmentSet } from "./segment_file.ts";
import { countQemuInstructions, runQemu } from "./qemu.ts";
import type { InstructionCount } from "./exec_count.ts";
import { firstSegments } from "./export.ts";

/** How to build the image. */
export interface M4BuildOptions {
  optimize: "-Os" | "-O2";
  kernels: KernelSet;
}

/** Builds (cached) the M4 image of `model`; returns the ELF's path. */
export async function buildM4Image(
  model: ModelSources,
  options: M4BuildOptions,
  buildDir = BUILD_DIR,
): Promise<string> {
  const io = ioSources("m4");
  const program = await buildProgram({
    target: "m4",
    sources: [
      ...runtimeSources(options.kernels),
      ...io.sources,
      join(FIRMWARE_DIR, "m4", "main.c"),
      model.source,
    ],
    includeDirs: [RUNTIME_INCLUDE, ...io.includeDirs, model.dir],
    optimize: options.optimize,
  }, buildDir);
  return program.path;
}

/** What one QEMU run of the image produced. */
export interface M4Run {
  /** [count × outputLength] */
  outputs: Int8Array;
  /** [count] the image's classes (1 = VA). */
  classes: Uint8Array;
  /** Peak stack bytes of the first inference (painted stack). */
  stackBytes: number;
}

/** Runs `body` in a fresh temporary folder under `buildDir`, removed afterwards. */
export async function inTempDir<T>(
  buildDir: string,
  body: (dir: string) => Promise<T>,
): Promise<T> {
  await Deno.mkdir(buildDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: buildDir, prefix: "m4-run-" });
  try {
    return await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `elf` under QEMU on `segments`. */
export function runM4(elf: string, segments: SegmentSet, buildDir = BUILD_DIR): Promise<M4Run> {
  return inTempDir(buildDir, async (dir) => {
    await writeFileAtomic(join(dir, "segments.bin"), encodeSegments(segments));
    await runQemu(elf, dir);
    const outputs = decodeOutputs(await Deno.readFile(join(dir, "outputs.bin")), "M4 outputs.bin");
    const stack = new DataView((await Deno.readFile(join(dir, "stack.bin"))).buffer);
    return {
      outputs: outputs.outputs,
      classes: outputs.classes,
      stackBytes: stack.getUint32(0, true),
    };
  });
}

/** Counts the instructions of one inference on the first segment of `segments`. */
export function countM4(
  elf: string,
  segments: SegmentSet,
  buildDir = BUILD_DIR,
): Promise<InstructionCount> {
  return inTempDir(buildDir, async (dir) => {
    await writeFileAtomic(join(dir, "segments.bin"), encodeSegments(firstSegments(segments, 1)));
    return await countQemuInstructions(elf, dir);
  });
}
