/**
 * The runtime's C sources: reference kernels (firmware/runtime/ref) or, for the Cortex-M4, the
 * DSP versions of firmware/runtime/m4 where one exists under the same file name. The choice is
 * made here, at build time; no #ifdef selects kernels.
 */
import { join } from "node:path";
import { FIRMWARE_DIR } from "./compile.ts";

/** Which kernel set to link. */
export type KernelSet = "reference" | "m4";

/** Header folder of the runtime. */
export const RUNTIME_INCLUDE = join(FIRMWARE_DIR, "runtime", "include");

function cFiles(dir: string): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isFile && entry.name.endsWith(".c")) names.push(entry.name);
  }
  return names.sort();
}

/** The kernel sources of `kernels`, sorted by file name. */
export function runtimeSources(kernels: KernelSet): string[] {
  const refDir = join(FIRMWARE_DIR, "runtime", "ref");
  const m4Dir = join(FIRMWARE_DIR, "runtime", "m4");
  const optimised = new Set(kernels === "m4" ? cFiles(m4Dir) : []);
  return cFiles(refDir).map((name) => join(optimised.has(name) ? m4Dir : refDir, name));
}

/** Sources and headers that a program on `target` needs to do file I/O through semihost.h. */
export function ioSources(target: "host" | "m4"): { sources: string[]; includeDirs: string[] } {
  const m4 = join(FIRMWARE_DIR, "m4");
  return target === "host"
    ? { sources: [join(FIRMWARE_DIR, "host", "semihost_stdio.c")], includeDirs: [m4] }
    : { sources: [join(m4, "startup.c"), join(m4, "semihost.c")], includeDirs: [m4] };
}
