/**
 * The binary files the C validation programs (host and Cortex-M4) read and write. All
 * integers little-endian; each file starts with an 8-byte magic and a u32 version, which the C
 * side checks.
 *
 * Segments ("IEGMSEG\0", version 1): u32 count, u32 length (samples per segment), then
 * int8 inputs [count × length] (already quantized, as the int8 interpreter's quantizeInput
 * produces them), then u8 labels [count] (1 = VA).
 *
 * Outputs ("IEGMOUT\0", version 2): u32 count, u32 length (output elements per segment), then
 * per segment its int8 outputs [length] and its u8 class (1 = VA: the model's `_classify()`,
 * threshold and rate gate, docs/int8-spec.md §14), records back to back so the M4 can stream
 * them.
 *
 * Layer trace ("IEGMTRC\0", version 1): records until the end of the file, each u32 segment,
 * u32 layer index, u32 element size (1 or 2), u32 element count, then the elements (int8 or
 * int16), dense in the tensor's [T, C] shape (a view's stride is removed).
 */

export const SEGMENTS_MAGIC = "IEGMSEG\0";
export const OUTPUTS_MAGIC = "IEGMOUT\0";
export const TRACE_MAGIC = "IEGMTRC\0";
export const FILE_VERSION = 1;
/** The outputs file's own version: 2 since it carries each segment's class. */
export const OUTPUTS_VERSION = 2;

/** magic (8) + version + two u32 fields. */
const HEADER_BYTES = 20;

/** Quantized segments and their labels, as the C programs read them. */
export interface SegmentSet {
  count: number;
  /** Samples per segment. */
  length: number;
  /** [count × length] int8 inputs. */
  inputs: Int8Array;
  /** [count] 1 = VA. */
  labels: Uint8Array;
}

function writeHeader(view: DataView, magic: string, a: number, b: number): void {
  for (let i = 0; i < 8; i++) view.setUint8(i, magic.charCodeAt(i));
  view.setUint32(8, FILE_VERSION, true);
  view.setUint32(12, a, true);
  view.setUint32(16, b, true);
}

function readHeader(
  bytes: Uint8Array,
  magic: string,
  what: string,
  expected = FILE_VERSION,
): DataView {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = String.fromCharCode(...bytes.subarray(0, 8));
  if (bytes.length < HEADER_BYTES || found !== magic) {
    throw new SyntaxError(`${what}: not a ${JSON.stringify(magic)} file`);
  }
  const version = view.getUint32(8, true);
  if (version !== expected) {
    throw new SyntaxError(`${what}: version ${version}, expected ${expected}`);
  }
  return view;
}

/** The bytes of a segments file. */
export function encodeSegments(set: SegmentSet): Uint8Array {
  if (set.inputs.length !== set.count * set.length || set.labels.length !== set.count) {
    throw new RangeError(
      `Segment set of ${set.count} × ${set.length} has ${set.inputs.length} inputs and ${set.labels.length} labels`,
    );
  }
  const bytes = new Uint8Array(HEADER_BYTES + set.inputs.length + set.count);
  writeHeader(new DataView(bytes.buffer), SEGMENTS_MAGIC, set.count, set.length);
  bytes.set(
    new Uint8Array(set.inputs.buffer, set.inputs.byteOffset, set.inputs.length),
    HEADER_BYTES,
  );
  bytes.set(set.labels, HEADER_BYTES + set.inputs.length);
  return bytes;
}

/** Parses a segments file; `what` names it in errors. */
export function decodeSegments(bytes: Uint8Array, what = "segments file"): SegmentSet {
  const view = readHeader(bytes, SEGMENTS_MAGIC, what);
  const count = view.getUint32(12, true), length = view.getUint32(16, true);
  if (bytes.length !== HEADER_BYTES + count * length + count) {
    throw new SyntaxError(
      `${what}: ${bytes.length} bytes, expected ${HEADER_BYTES + count * length + count}`,
    );
  }
  return {
    count,
    length,
    inputs: new Int8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, count * length).slice(),
    labels: bytes.slice(HEADER_BYTES + count * length),
  };
}

/** Per-segment outputs written by a C program. */
export interface OutputSet {
  count: number;
  length: number;
  /** [count × length] */
  outputs: Int8Array;
  /** [count] 1 = VA. */
  classes: Uint8Array;
}

/** Parses an outputs file; `what` names it in errors. */
export function decodeOutputs(bytes: Uint8Array, what = "outputs file"): OutputSet {
  const view = readHeader(bytes, OUTPUTS_MAGIC, what, OUTPUTS_VERSION);
  const count = view.getUint32(12, true), length = view.getUint32(16, true);
  if (bytes.length !== HEADER_BYTES + count * (length + 1)) {
    throw new SyntaxError(
      `${what}: ${bytes.length} bytes, expected ${HEADER_BYTES + count * (length + 1)}`,
    );
  }
  const outputs = new Int8Array(count * length), classes = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const record = HEADER_BYTES + i * (length + 1);
    outputs.set(new Int8Array(bytes.buffer, bytes.byteOffset + record, length), i * length);
    classes[i] = bytes[record + length];
    if (classes[i] > 1) throw new SyntaxError(`${what}: segment ${i} has class ${classes[i]}`);
  }
  return { count, length, outputs, classes };
}

/** One traced layer output. */
export interface TraceRecord {
  segment: number;
  layer: number;
  data: Int8Array | Int16Array;
}

/** Parses a layer-trace file; `what` names it in errors. */
export function decodeTrace(bytes: Uint8Array, what = "trace file"): TraceRecord[] {
  if (String.fromCharCode(...bytes.subarray(0, 8)) !== TRACE_MAGIC) {
    throw new SyntaxError(`${what}: not a ${JSON.stringify(TRACE_MAGIC)} file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== FILE_VERSION) {
    throw new SyntaxError(`${what}: version ${view.getUint32(8, true)}, expected ${FILE_VERSION}`);
  }
  const records: TraceRecord[] = [];
  let at = 12;
  while (at < bytes.length) {
    if (at + 16 > bytes.length) throw new SyntaxError(`${what}: truncated record at byte ${at}`);
    const segment = view.getUint32(at, true), layer = view.getUint32(at + 4, true);
    const size = view.getUint32(at + 8, true), n = view.getUint32(at + 12, true);
    at += 16;
    if ((size !== 1 && size !== 2) || at + size * n > bytes.length) {
      throw new SyntaxError(`${what}: bad record at byte ${at - 16}`);
    }
    const copy = bytes.slice(at, at + size * n);
    records.push({
      segment,
      layer,
      data: size === 1 ? new Int8Array(copy.buffer) : new Int16Array(copy.buffer),
    });
    at += size * n;
  }
  return records;
}
