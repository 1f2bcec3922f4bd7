/** Function address ranges of an ELF image, from `arm-none-eabi-nm`. */
import { requireTool } from "./toolchain.ts";
import { run } from "./run.ts";

/** A function's code: [start, end) in bytes. */
export interface FunctionRange {
  name: string;
  start: number;
  end: number;
}

/**
 * Parses `nm -S --defined-only` output into the ranges of text symbols (types t/T/W), sorted by
 * address. Thumb addresses are stored with bit 0 set in the symbol table; it is cleared here.
 */
export function parseNmRanges(text: string): FunctionRange[] {
  const ranges: FunctionRange[] = [];
  for (const line of text.split("\n")) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) [tTwW] (\S+)$/.exec(line.trim());
    if (!match) continue;
    const start = parseInt(match[1], 16) & ~1;
    ranges.push({ name: match[3], start, end: start + parseInt(match[2], 16) });
  }
  return ranges.sort((a, b) => a.start - b.start || (a.name < b.name ? -1 : 1));
}

/** The function ranges of `elf`. */
export async function functionRanges(elf: string): Promise<FunctionRange[]> {
  await requireTool("arm-none-eabi-nm");
  return parseNmRanges((await run("arm-none-eabi-nm", ["-S", "--defined-only", elf])).stdout);
}

/** A lookup from address to function name (binary search over sorted ranges). */
export function addressLookup(ranges: FunctionRange[]): (address: number) => string | undefined {
  return (address) => {
    let lo = 0, hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid];
      if (address < r.start) hi = mid - 1;
      else if (address >= r.end) lo = mid + 1;
      else return r.name;
    }
    return undefined;
  };
}
