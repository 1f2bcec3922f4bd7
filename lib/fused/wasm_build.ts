/**
 * Compiles the fused kernels' C sources to WebAssembly (clang, wasm32, SIMD) into build/wasm/,
 * which the kernels load at run time: lib/fused/<name>_wasm.c → build/wasm/<name>.wasm for every
 * name in {@linkcode WASM_MODULES}. A source exports its functions itself with
 * `__attribute__((export_name("…")))`. `bash pipeline/setup.sh` runs this (after installing
 * Debian's clang and lld); a module is rebuilt only when its source is newer.
 *
 *   deno task build:wasm
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { writeFileAtomic } from "../io/atomic.ts";

/** The modules built: lib/fused/<name>_wasm.c → build/wasm/<name>.wasm. */
export const WASM_MODULES = ["gru", "conv_block"] as const;
export type WasmModuleName = typeof WASM_MODULES[number];

/** Where module `name` is built (build/ is ignored by git). */
export function wasmPath(name: WasmModuleName): string {
  return fromFileUrl(new URL(`../../build/wasm/${name}.wasm`, import.meta.url));
}

function sourcePath(name: WasmModuleName): string {
  return fromFileUrl(new URL(`./${name}_wasm.c`, import.meta.url));
}

/** The clang command line that builds the module from `source` into `out`. */
export function clangArgs(source: string, out: string): string[] {
  return [
    "--target=wasm32",
    "-O3",
    "-msimd128",
    "-ffast-math",
    "-nostdlib",
    "-Wl,--no-entry",
    "-Wl,--import-memory",
    "-o",
    out,
    source,
  ];
}

/** Module `name` compiled from its C source, or null when clang is not installed. */
export async function compileWasm(name: WasmModuleName): Promise<Uint8Array | null> {
  const out = await Deno.makeTempFile({ suffix: ".wasm" });
  try {
    const { success, stderr } = await new Deno.Command("clang", {
      args: clangArgs(sourcePath(name), out),
      stderr: "piped",
    }).output();
    if (!success) throw new Error(`clang failed: ${new TextDecoder().decode(stderr)}`);
    return await Deno.readFile(out);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

/** Builds module `name` unless it is newer than its source; returns what it did. */
export async function buildWasm(name: WasmModuleName): Promise<"built" | "current"> {
  const path = wasmPath(name);
  const built = await Deno.stat(path).catch(() => null);
  const source = await Deno.stat(sourcePath(name));
  if (built?.mtime && source.mtime && built.mtime >= source.mtime) return "current";
  const bytes = await compileWasm(name);
  if (!bytes) {
    throw new Error(
      "clang is not installed: apt-get install clang lld (or run bash pipeline/setup.sh)",
    );
  }
  await writeFileAtomic(path, bytes);
  return "built";
}

if (import.meta.main) {
  for (const name of WASM_MODULES) {
    const what = await buildWasm(name);
    console.log(`${wasmPath(name)}: ${what === "built" ? "built" : "up to date"}`);
  }
}
