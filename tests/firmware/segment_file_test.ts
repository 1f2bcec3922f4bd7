import assert from "node:assert/strict";
import {
  decodeOutputs,
  decodeSegments,
  decodeTrace,
  encodeSegments,
  OUTPUTS_MAGIC,
} from "../../lib/firmware/mod.ts";

Deno.test("encodeSegments() → decodeSegments() round-trips inputs and labels", () => {
  const set = {
    count: 2,
    length: 3,
    inputs: Int8Array.from([-128, 0, 127, 5, -5, 1]),
    labels: Uint8Array.from([1, 0]),
  };
  const bytes = encodeSegments(set);
  assert.equal(bytes.length, 20 + 6 + 2);
  assert.deepEqual(decodeSegments(bytes), set);
});

Deno.test("decodeSegments() refuses a wrong magic, a wrong version and a truncated file", () => {
  const bytes = encodeSegments({
    count: 1,
    length: 2,
    inputs: new Int8Array(2),
    labels: new Uint8Array(1),
  });
  const badMagic = bytes.slice();
  badMagic[0] = 0x58;
  assert.throws(() => decodeSegments(badMagic, "x.bin"), /x\.bin: not a "IEGMSEG\\u0000" file/);
  const badVersion = bytes.slice();
  badVersion[8] = 2;
  assert.throws(() => decodeSegments(badVersion, "x.bin"), /x\.bin: version 2, expected 1/);
  assert.throws(() => decodeSegments(bytes.slice(0, -1), "x.bin"), /x\.bin: 22 bytes, expected 23/);
});

Deno.test("decodeOutputs() and decodeTrace() read what the C programs write", () => {
  // Version 2: per segment its output (length 1 here), then its class.
  const out = new Uint8Array(24);
  out.set(new TextEncoder().encode(OUTPUTS_MAGIC));
  const view = new DataView(out.buffer);
  view.setUint32(8, 2, true);
  view.setUint32(12, 2, true);
  view.setUint32(16, 1, true);
  out.set([0x80, 0, 0x7f, 1], 20);
  assert.deepEqual(decodeOutputs(out).outputs, Int8Array.from([-128, 127]));
  assert.deepEqual(decodeOutputs(out).classes, Uint8Array.from([0, 1]));
  assert.throws(() => decodeOutputs(out.slice(0, -1), "o.bin"), /o\.bin: 23 bytes, expected 24/);
  const badClass = out.slice();
  badClass[23] = 2;
  assert.throws(() => decodeOutputs(badClass, "o.bin"), /o\.bin: segment 1 has class 2/);
  const version1 = out.slice();
  version1[8] = 1;
  assert.throws(() => decodeOutputs(version1, "o.bin"), /o\.bin: version 1, expected 2/);

  const trace = new Uint8Array(12 + 16 + 4);
  trace.set(new TextEncoder().encode("IEGMTRC\0"));
  const t = new DataView(trace.buffer);
  t.setUint32(8, 1, true);
  t.setUint32(12, 3, true); // segment
  t.setUint32(16, 4, true); // layer
  t.setUint32(20, 2, true); // int16 elements
  t.setUint32(24, 2, true); // two of them
  t.setInt16(28, -2, true);
  t.setInt16(30, 300, true);
  assert.deepEqual(decodeTrace(trace), [{
    segment: 3,
    layer: 4,
    data: Int16Array.from([-2, 300]),
  }]);
  assert.throws(() => decodeTrace(trace.slice(0, -1)), /bad record at byte 12/);
});
