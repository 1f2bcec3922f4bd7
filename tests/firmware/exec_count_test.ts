import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildProgram,
  countInstructions,
  FIRMWARE_DIR,
  parseNmRanges,
} from "../../lib/firmware/mod.ts";
import { countQemuInstructions } from "../../lib/firmware/qemu.ts";

const ranges = parseNmRanges([
  "00000010 00000002 T iegm_mark_begin",
  "00000012 00000002 T iegm_mark_end",
  "00000021 00000010 T iegm_layer_0_conv",
  "00000031 00000008 t iegm_conv1d_s8",
  "00000041 00000010 T model_run",
  "00000051 00000010 T main",
  "20000000 00000100 b arena_words",
].join("\n"));
const trace = (pc: number) =>
  `Trace 0: 0x7f0000000100 [00800408/${pc.toString(16).padStart(8, "0")}/00000110/ff000201] x`;

Deno.test("parseNmRanges() keeps text symbols and clears the Thumb bit", () => {
  assert.deepEqual(ranges.map((r) => [r.name, r.start, r.end]), [
    ["iegm_mark_begin", 0x10, 0x12],
    ["iegm_mark_end", 0x12, 0x14],
    ["iegm_layer_0_conv", 0x20, 0x30],
    ["iegm_conv1d_s8", 0x30, 0x38],
    ["model_run", 0x40, 0x50],
    ["main", 0x50, 0x60],
  ]);
});

Deno.test("countInstructions() counts between the markers, leaves out the harness, attributes kernels to the layer that called them", async () => {
  const pcs = [0x50, 0x10, 0x52, 0x40, 0x20, 0x30, 0x32, 0x34, 0x22, 0x42, 0x54, 0x12, 0x56, 0x10];
  const count = await countInstructions(pcs.map(trace), ranges);
  assert.equal(count.total, 7);
  assert.deepEqual(count.perFunction, { model_run: 2, "0_conv": 5 });
});

Deno.test("countInstructions() fails naming a marker that never ran", async () => {
  await assert.rejects(
    () => countInstructions([trace(0x40)], ranges),
    /begin marker iegm_mark_begin never ran/,
  );
  await assert.rejects(
    () => countInstructions([trace(0x10), trace(0x40)], ranges),
    /end marker iegm_mark_end never ran/,
  );
});

// A loop whose instruction count is known from its disassembly: 3 set-up instructions,
// 5 per iteration (cmp, blt, add, adds, b) for 10 iterations, 3 to leave (cmp, blt, bx lr).
const PROBE = `
#include "semihost.h"
__attribute__((noinline)) void iegm_mark_begin(void) { __asm__ volatile(""); }
__attribute__((noinline)) void iegm_mark_end(void) { __asm__ volatile(""); }
__attribute__((noinline)) int work(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) { s += i; __asm__ volatile(""); }
  return s;
}
int main(void) {
  iegm_mark_begin();
  volatile int r = work(10);
  iegm_mark_end();
  return r == 45 ? 0 : 1;
}
`;

Deno.test("countQemuInstructions() counts a known loop under QEMU exactly: 56 instructions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exec-count-test-" });
  try {
    await Deno.writeTextFile(join(dir, "probe.c"), PROBE);
    const m4 = join(FIRMWARE_DIR, "m4");
    const elf = await buildProgram({
      target: "m4",
      sources: [join(m4, "startup.c"), join(m4, "semihost.c"), join(dir, "probe.c")],
      includeDirs: [m4],
      optimize: "-Os",
    }, dir);
    const count = await countQemuInstructions(elf.path, dir);
    assert.equal(count.total, 56);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
