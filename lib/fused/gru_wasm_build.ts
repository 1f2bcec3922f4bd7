/**
 * Compiles lib/fused/gru_wasm.c to WebAssembly (clang, wasm32, SIMD) into build/wasm/gru.wasm,
 * which the fused GRU loads at run time. `bash pipeline/setup.sh` runs this (after installing
 * Debian's clang and lld); it rebuilds only when the source is newer than the module.
 *
 *   deno task build:wasm
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { writeFileAtomic } from "../io/atomic.ts";

/** Where the built module lives (build/ is ignored by git). */
export const GRU_WASM_PATH = fromFileUrl(new URL("../../build/wasm/gru.wasm", import.meta.url));
const SOURCE = fromFileUrl(new URL("./gru_wasm.c", import.meta.url));

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
    "-Wl,--export=acc_w",
    "-Wl,--export=acc_wt",
    "-Wl,--export=acc_outer",
    "-o",
    out,
    source,
  ];
}

/** The module compiled from gru_wasm.c, or null when clang is not installed. */
export async function compileGruWasm(): Promise<Uint8Array | null> {
  const source = SOURCE;
  const out = await Deno.makeTempFile({ suffix: ".wasm" });
  try {
    const { success, stderr } = await new Deno.Command("clang", {
      args: clangArgs(source, out),
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

/** Builds build/wasm/gru.wasm unless it is newer than its source; returns what it did. */
export async function buildGruWasm(): Promise<"built" | "current"> {
  const built = await Deno.stat(GRU_WASM_PATH).catch(() => null);
  const source = await Deno.stat(SOURCE);
  if (built?.mtime && source.mtime && built.mtime >= source.mtime) return "current";
  const bytes = await compileGruWasm();
  if (!bytes) {
    throw new Error(
      "clang is not installed: apt-get install clang lld (or run bash pipeline/setup.sh)",
    );
  }
  await writeFileAtomic(GRU_WASM_PATH, bytes);
  return "built";
}

if (import.meta.main) {
  const what = await buildGruWasm();
  console.log(`${GRU_WASM_PATH}: ${what === "built" ? "built" : "up to date"}`);
}
