import assert from "node:assert/strict";
import { parseSizeA } from "../../lib/firmware/mod.ts";

const SIZE_A = `build/firmware/m4.elf  :
section           size        addr
.vectors            28           0
.text             3724          28
.rodata           3156        3752
.data                8   536870912
.bss              5076   536870920
.ARM.attributes     46           0
.comment            30           0
Total            12068
`;

Deno.test("parseSizeA() splits an image into Code, RO, RW and ZI; flash = code + ro + rw", () => {
  assert.deepEqual(parseSizeA(SIZE_A), {
    code: 3752,
    ro: 3156,
    rw: 8,
    zi: 5076,
    flash: 6916,
    ram: 5084,
  });
});

Deno.test("parseSizeA() refuses a section it cannot classify, naming it", () => {
  assert.throws(() => parseSizeA(SIZE_A.replace(".data ", ".ccmram")), /Unknown section \.ccmram/);
});
