/**
 * The C build driver: compiles a program for the host (gcc) or for the Cortex-M4 (arm-none-eabi-gcc,
 * QEMU's mps2-an386) and caches the binary under `build/firmware/` by a hash of everything that
 * determines it (compiler version, flags, every source and header), so an unchanged program is
 * never compiled twice.
 */
import { join, relative } from "node:path";
import { requireTool } from "./toolchain.ts";
import { run } from "./run.ts";
import { temporaryPath } from "../io/atomic.ts";

/** The firmware folder of the repository (runtime, host program, M4 start-up). */
export const FIRMWARE_DIR = new URL("../../firmware/", import.meta.url).pathname;
/** Default cache folder for built programs (git-ignored). */
export const BUILD_DIR = new URL("../../build/firmware/", import.meta.url).pathname;

/** Warnings are errors everywhere: the generated C and the runtime must compile clean. */
const WARNINGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wvla"];

const M4_FLAGS = [
  "-mcpu=cortex-m4",
  "-mthumb",
  "-mfloat-abi=soft",
  "-ffreestanding",
  "-ffunction-sections",
  "-fdata-sections",
  // Loops that zero or copy must stay loops: there is no libc to call memset/memcpy from.
  "-fno-tree-loop-distribute-patterns",
  "-nostdlib",
];

/** What to build. Paths may be absolute or relative to the current directory. */
export interface BuildSpec {
  target: "host" | "m4";
  /** C files to compile and link. */
  sources: string[];
  /** Folders searched for headers (every `.h` in them is part of the cache key). */
  includeDirs: string[];
  /** Optimisation level. */
  optimize: "-Os" | "-O2" | "-O0";
  /** Preprocessor definitions, `-DNAME=value`. */
  defines?: Record<string, string | number>;
  /** Extra compiler flags (e.g. sanitizers for host tests). */
  extraFlags?: string[];
}

/** A built program: the binary's path and whether it came from the cache. */
export interface BuiltProgram {
  path: string;
  cached: boolean;
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function headersIn(dir: string): Promise<string[]> {
  const headers: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".h")) headers.push(join(dir, entry.name));
  }
  return headers.sort();
}

/** The compiler command line for `spec`, without the output file. */
export function compilerArgs(spec: BuildSpec): { compiler: string; args: string[] } {
  const defines = Object.entries(spec.defines ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `-D${name}=${value}`);
  const includes = spec.includeDirs.map((dir) => `-I${dir}`);
  const common = [...WARNINGS, spec.optimize, ...defines, ...includes, ...(spec.extraFlags ?? [])];
  if (spec.target === "host") {
    return { compiler: "gcc", args: [...common, ...spec.sources] };
  }
  const linkerScript = join(FIRMWARE_DIR, "m4", "link.ld");
  return {
    compiler: "arm-none-eabi-gcc",
    args: [
      ...M4_FLAGS,
      ...common,
      `-T${linkerScript}`,
      "-Wl,--gc-sections",
      ...spec.sources,
      "-lgcc",
    ],
  };
}

/**
 * Builds `spec` into `buildDir` (default BUILD_DIR) unless a binary with the same cache key
 * exists. The binary appears atomically (compiled to a temporary name, then renamed).
 */
export async function buildProgram(spec: BuildSpec, buildDir = BUILD_DIR): Promise<BuiltProgram> {
  const { compiler, args } = compilerArgs(spec);
  const version = await requireTool(compiler as "gcc" | "arm-none-eabi-gcc");
  const files = [...spec.sources];
  for (const dir of spec.includeDirs) files.push(...await headersIn(dir));
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(JSON.stringify({ compiler, version, args }))];
  for (const file of files) {
    parts.push(encoder.encode(`\0${file}\0`), await Deno.readFile(file));
  }
  const key = (await sha256Hex(concatBytes(parts))).slice(0, 20);
  const path = join(buildDir, `${spec.target}-${key}${spec.target === "m4" ? ".elf" : ""}`);
  try {
    await Deno.stat(path);
    return { path, cached: true };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(buildDir, { recursive: true });
  const tmp = temporaryPath(path); // two test modules may build the same program at once
  try {
    await run(compiler, [...args, "-o", tmp]);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    const names = spec.sources.map((s) => relative(Deno.cwd(), s));
    const shown = names.length > 4
      ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more files`
      : names.join(", ");
    throw new Error(
      `Building ${spec.target} program from ${shown} failed: ${(error as Error).message}`,
    );
  }
  return { path, cached: false };
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
