/**
 * The conv1d entry points on the Cortex-M4 (firmware/m4/conv_entries_check.c under QEMU): the
 * single-channel stride-2 and the phased kernels give iegm_conv1d_s8's output on their own
 * shapes and on shapes they pass on, which no generated model gives them.
 */
import { join } from "node:path";
import { BUILD_DIR, buildProgram, FIRMWARE_DIR } from "../../lib/firmware/compile.ts";
import { inTempDir } from "../../lib/firmware/m4.ts";
import { runQemu } from "../../lib/firmware/qemu.ts";
import { ioSources, RUNTIME_INCLUDE, runtimeSources } from "../../lib/firmware/runtime.ts";

for (const kernels of ["m4", "reference"] as const) {
  Deno.test(`iegm_conv1d_c1s2_s8 and iegm_conv1d_phased_s8 (${kernels}) equal iegm_conv1d_s8 on their own shapes and on others`, async () => {
    const io = ioSources("m4");
    const conv = runtimeSources(kernels).filter((path) => /\/conv1d_\w+\.c$/.test(path));
    const program = await buildProgram({
      target: "m4",
      sources: [...conv, ...io.sources, join(FIRMWARE_DIR, "m4", "conv_entries_check.c")],
      includeDirs: [RUNTIME_INCLUDE, ...io.includeDirs],
      optimize: "-Os",
    });
    // runQemu fails, naming the exit code, unless every entry equals iegm_conv1d_s8.
    await inTempDir(BUILD_DIR, (dir) => runQemu(program.path, dir));
  });
}
