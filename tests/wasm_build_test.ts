import assert from "node:assert/strict";
import { compileWasm, WASM_MODULES, wasmPath } from "../lib/fused/wasm_build.ts";

for (const name of WASM_MODULES) {
  const clang = await compileWasm(name).catch(() => null);
  Deno.test({
    name: `build/wasm/${name}.wasm is what lib/fused/${name}_wasm.c compiles to now (not stale)`,
    ignore: clang === null,
    fn() {
      assert.deepEqual(Deno.readFileSync(wasmPath(name)), clang);
    },
  });
}
