import assert from "node:assert/strict";
import { WasmHeap } from "../lib/fused/wasm_heap.ts";

Deno.test("WasmHeap: first fit between live regions, 16-byte aligned, memory grown on demand", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const heap = new WasmHeap(memory, 100);
  const a = heap.alloc(10);
  const b = heap.alloc(40);
  const c = heap.alloc(70000);
  assert.deepEqual([a, b, c], [112, 128, 176]);
  assert.equal(memory.buffer.byteLength, 2 * 65536);
  heap.free(b);
  assert.equal(heap.alloc(20), 128); // the gap b left
  assert.equal(heap.alloc(40), 70176); // too large for the rest of the gap
  assert.throws(() => heap.free(b + 1), RangeError);
});

Deno.test("WasmHeap: parts of one region, aligned, returned together", () => {
  const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 0);
  const parts = heap.allocParts({ a: 10, b: 1, c: 32 });
  assert.deepEqual(parts, { a: 0, b: 16, c: 32 });
  assert.equal(heap.liveBytes(), 64);
  heap.freeParts(parts);
  assert.equal(heap.liveBytes(), 0);
  assert.throws(() =>
    heap.withParts({ x: 8 }, () => {
      throw new Error("inside");
    }), /inside/);
  assert.equal(heap.liveBytes(), 0, "returned when the callback throws");
});
