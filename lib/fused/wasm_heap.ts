/**
 * What the fused kernels' WebAssembly modules share on the TypeScript side: loading a module
 * built by wasm_build.ts with its own imported memory, and a first-fit heap over that memory
 * for the regions a call (or a kept training state) needs.
 */
import { type WasmModuleName, wasmPath } from "./wasm_build.ts";

const PAGE = 65536;

/**
 * First-fit allocation of 16-byte aligned regions of a WebAssembly memory above `base`,
 * growing the memory when no gap fits. Views of the memory must be made after the last
 * allocation of a call: growing detaches them.
 */
export class WasmHeap {
  /** Live regions [start, end), by start. */
  private readonly live: [number, number][] = [];

  constructor(readonly memory: WebAssembly.Memory, private readonly base: number) {}

  /** A region of `bytes` bytes; returns its offset. */
  alloc(bytes: number): number {
    const size = align16(Math.max(bytes, 1));
    let start = align16(this.base);
    let index = 0;
    for (; index < this.live.length; index++) {
      if (this.live[index][0] - start >= size) break;
      start = this.live[index][1];
    }
    const end = start + size;
    const pages = Math.ceil(end / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    this.live.splice(index, 0, [start, end]);
    return start;
  }

  /** Returns the region that starts at `at`. */
  free(at: number): void {
    const index = this.live.findIndex(([start]) => start === at);
    if (index < 0) throw new RangeError(`WasmHeap: no region starts at ${at}`);
    this.live.splice(index, 1);
  }

  /**
   * One region cut into consecutive 16-byte aligned parts of the byte sizes in `bytes`;
   * returns the parts' offsets ({@linkcode freeParts} returns the region).
   */
  allocParts<K extends string>(bytes: Record<K, number>): Record<K, number> {
    const names = Object.keys(bytes) as K[];
    let at = this.alloc(names.reduce((sum, k) => sum + align16(bytes[k]), 0));
    const parts = {} as Record<K, number>;
    for (const k of names) {
      parts[k] = at;
      at += align16(bytes[k]);
    }
    return parts;
  }

  /** Returns the region of parts from {@linkcode allocParts}. */
  freeParts(parts: Record<string, number>): void {
    this.free(Math.min(...Object.values<number>(parts)));
  }

  /** Runs `f` on a region's parts ({@linkcode allocParts}), then returns the region. */
  withParts<K extends string, T>(bytes: Record<K, number>, f: (at: Record<K, number>) => T): T {
    const parts = this.allocParts(bytes);
    try {
      return f(parts);
    } finally {
      this.freeParts(parts);
    }
  }

  /** Bytes in live regions (for tests: 0 once every call has returned its regions). */
  liveBytes(): number {
    return this.live.reduce((sum, [start, end]) => sum + end - start, 0);
  }
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * Instantiates build/wasm/<name>.wasm with a memory of its own (`initialPages` to start with)
 * and a heap above the module's data (its exported `heap_base()`). `what` names the kernels in
 * the error raised when the module has not been built.
 */
export function instantiateWasm<E extends { heap_base(): number }>(
  name: WasmModuleName,
  what: string,
  initialPages: number,
): { exports: E; heap: WasmHeap } {
  const path = wasmPath(name);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Deno.readFileSync(path);
  } catch (error) {
    throw new Error(
      `${path}: ${what}'s WebAssembly module cannot be read ` +
        `(${(error as Error).message}); build it with \`bash pipeline/setup.sh\` ` +
        "(installs clang and lld) or `deno task build:wasm`",
    );
  }
  const memory = new WebAssembly.Memory({ initial: initialPages });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
    .exports as unknown as E;
  return { exports, heap: new WasmHeap(memory, exports.heap_base()) };
}
