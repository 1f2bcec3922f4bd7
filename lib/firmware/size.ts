/**
 * Image sizes in the contest's terms from `arm-none-eabi-size -A`: Code (vector table and
 * .text, literal pools included), RO (.rodata), RW (.data, stored in flash and copied to RAM)
 * and ZI (.bss). Flash = Code + RO + RW; static RAM = RW + ZI (the stack comes on top).
 */
import { requireTool } from "./toolchain.ts";
import { run } from "./run.ts";

/** Section sizes of an image, in bytes. */
export interface ImageSize {
  code: number;
  ro: number;
  rw: number;
  zi: number;
  /** code + ro + rw */
  flash: number;
  /** rw + zi */
  ram: number;
}

const KIND_OF_SECTION: Record<string, "code" | "ro" | "rw" | "zi"> = {
  ".vectors": "code",
  ".text": "code",
  ".rodata": "ro",
  ".data": "rw",
  ".bss": "zi",
};

/** Non-allocated sections that `size -A` lists but that never reach the target. */
const IGNORED = /^(\.ARM\.attributes|\.comment|\.debug.*|\.stab.*|\.symtab|\.strtab|Total)$/;

/**
 * Parses the output of `arm-none-eabi-size -A`. A section the contest terms do not cover
 * throws a RangeError naming it, so a new section is never silently left out of flash.
 *
 * @example
 * ```ts
 * import { parseSizeA } from "./size.ts";
 * const size = parseSizeA(".vectors 28 0\n.text 900 28\n.rodata 300 928\n.data 4 0\n.bss 96 4");
 * if (size.code !== 928 || size.flash !== 1232 || size.ram !== 100) throw new Error();
 * ```
 */
export function parseSizeA(text: string): ImageSize {
  const sizes = { code: 0, ro: 0, rw: 0, zi: 0 };
  for (const line of text.split("\n")) {
    const match = /^(\.\S+|Total)\s+(\d+)\s+\d+\s*$/.exec(line.trim());
    if (!match || IGNORED.test(match[1])) continue;
    const kind = KIND_OF_SECTION[match[1]];
    if (kind === undefined) throw new RangeError(`Unknown section ${match[1]} in size output`);
    sizes[kind] += Number(match[2]);
  }
  return { ...sizes, flash: sizes.code + sizes.ro + sizes.rw, ram: sizes.rw + sizes.zi };
}

/** The sizes of ELF image `elf` (runs arm-none-eabi-size -A). */
export async function imageSize(elf: string): Promise<ImageSize> {
  await requireTool("arm-none-eabi-size");
  return parseSizeA((await run("arm-none-eabi-size", ["-A", elf])).stdout);
}
