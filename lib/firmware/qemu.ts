/**
 * Runs a Cortex-M4 image under QEMU's mps2-an386 with semihosting: the program reads and
 * writes host files (paths relative to `cwd`) and its main()'s return value becomes the exit
 * code. Optionally logs every executed instruction for exact counting (exec_count.ts).
 */
import { join } from "node:path";
import { requireTool } from "./toolchain.ts";
import { run, type RunResult } from "./run.ts";
import { countInstructions, type InstructionCount } from "./exec_count.ts";
import { functionRanges } from "./symbols.ts";

/** Machine and semihosting arguments shared by every run. */
export function qemuArgs(elf: string): string[] {
  return [
    "-M",
    "mps2-an386",
    "-nographic",
    "-monitor",
    "none",
    "-serial",
    "none",
    "-semihosting-config",
    "enable=on,target=native",
    "-kernel",
    elf,
  ];
}

/** Runs `elf` in `cwd` until it exits; fails if QEMU or the program exits non-zero. */
export async function runQemu(elf: string, cwd: string): Promise<RunResult> {
  await requireTool("qemu-system-arm");
  return await run("qemu-system-arm", qemuArgs(elf), { cwd });
}

/** Splits a byte stream into lines. */
async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncIterable<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}

/**
 * Runs `elf` in `cwd` single-stepping with QEMU's execution log, then counts the instructions
 * between the marker functions. The log is written to a file in `cwd` and removed afterwards.
 */
export async function countQemuInstructions(elf: string, cwd: string): Promise<InstructionCount> {
  await requireTool("qemu-system-arm");
  const ranges = await functionRanges(elf);
  const log = join(cwd, "exec.log");
  try {
    await run(
      "qemu-system-arm",
      [...qemuArgs(elf), "-singlestep", "-d", "exec,nochain", "-D", log],
      { cwd },
    );
    using file = await Deno.open(log);
    return await countInstructions(linesOf(file.readable), ranges);
  } finally {
    await Deno.remove(log).catch(() => {});
  }
}
