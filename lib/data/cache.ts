/**
 * The binary dataset cache: one file per content hash of the loader's inputs, so a changed
 * archive, index or loader version simply misses. Layout (little-endian, every array aligned
 * to its element size):
 *
 * ```
 * offset  size        field
 * 0       8           magic "IEGM-DS\0"
 * 8       4           u32 format version (CACHE_VERSION)
 * 12      4           u32 H: byte length of the header JSON
 * 16      H           header JSON: { key, size, segmentLength, subjectNames, files, source }
 * …       0-3         zero padding to a multiple of 4
 * …       4·N·1250    f32 samples [N × 1250]
 * …       2·N         u16 subjects [N]
 * …       N           u8 labels [N]
 * …       N           u8 rhythms [N]
 * …       32          SHA-256 of every byte before it
 * ```
 *
 * The trailing hash is checked on every load, so a truncated or damaged file is detected
 * rather than silently read.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type Dataset, type DatasetSource, RHYTHMS, SEGMENT_LENGTH } from "./dataset.ts";
import { DataError } from "./errors.ts";

/** Bumped whenever this layout changes; older cache files are then rebuilt. */
export const CACHE_VERSION = 1;

const MAGIC = new TextEncoder().encode("IEGM-DS\0");
const HASH_BYTES = 32;

interface CacheHeader {
  key: string;
  size: number;
  segmentLength: number;
  subjectNames: string[];
  files: string[];
  source?: DatasetSource;
}

/** Typed arrays are written as they lie in memory, which is little-endian on every target. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialises `dataset` in the cache layout, tagged with `key`. */
export function encodeDataset(dataset: Dataset, key: string): Uint8Array {
  if (!LITTLE_ENDIAN) throw new RangeError("The dataset cache needs a little-endian machine");
  const n = dataset.size;
  const header: CacheHeader = {
    key,
    size: n,
    segmentLength: SEGMENT_LENGTH,
    subjectNames: [...dataset.subjectNames],
    files: [...dataset.files],
    ...(dataset.source ? { source: dataset.source } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const samplesAt = align4(16 + json.length);
  const subjectsAt = samplesAt + 4 * n * SEGMENT_LENGTH;
  const labelsAt = subjectsAt + 2 * n;
  const rhythmsAt = labelsAt + n;
  const hashAt = rhythmsAt + n;
  const bytes = new Uint8Array(hashAt + HASH_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, CACHE_VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, 16);
  new Float32Array(bytes.buffer, samplesAt, n * SEGMENT_LENGTH).set(dataset.samples);
  new Uint16Array(bytes.buffer, subjectsAt, n).set(dataset.subjects);
  bytes.set(dataset.labels, labelsAt);
  bytes.set(dataset.rhythms, rhythmsAt);
  bytes.set(sha256(bytes.subarray(0, hashAt)), hashAt);
  return bytes;
}

/**
 * Reads a cache file's bytes back into a Dataset. `file` names the cache in errors and `key`
 * is the key the caller expects. Throws a DataError saying what is wrong: bad magic, another
 * version, another key, a size mismatch, a hash mismatch, out-of-range codes.
 */
export function decodeDataset(bytes: Uint8Array, file: string, key: string): Dataset {
  const fail = (reason: string): never => {
    throw new DataError(file, reason);
  };
  if (bytes.length < 16 + HASH_BYTES || !MAGIC.every((b, i) => bytes[i] === b)) {
    fail("is not a dataset cache (bad magic number)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CACHE_VERSION) fail(`has cache version ${version}, expected ${CACHE_VERSION}`);
  const hashAt = bytes.length - HASH_BYTES;
  const stored = bytes.subarray(hashAt);
  const computed = sha256(bytes.subarray(0, hashAt));
  if (!stored.every((b, i) => b === computed[i])) fail("is damaged (SHA-256 mismatch)");

  const jsonLength = view.getUint32(12, true);
  if (16 + jsonLength > hashAt) fail("is damaged (header longer than the file)");
  let header: CacheHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + jsonLength)));
  } catch (error) {
    return fail(`is damaged (header: ${(error as Error).message})`);
  }
  if (header.key !== key) fail(`holds key ${header.key}, expected ${key}`);
  if (header.segmentLength !== SEGMENT_LENGTH) {
    fail(`holds segments of ${header.segmentLength} samples, expected ${SEGMENT_LENGTH}`);
  }
  const n = header.size;
  const samplesAt = align4(16 + jsonLength);
  const subjectsAt = samplesAt + 4 * n * SEGMENT_LENGTH;
  const labelsAt = subjectsAt + 2 * n;
  const rhythmsAt = labelsAt + n;
  if (rhythmsAt + n !== hashAt || header.files.length !== n) {
    fail(`is damaged (${bytes.length} bytes do not hold ${n} segments)`);
  }
  // Copies, so the Dataset's arrays own their buffers rather than views into the file.
  const at = bytes.byteOffset;
  const samples = new Float32Array(bytes.buffer.slice(at + samplesAt, at + subjectsAt));
  const subjects = new Uint16Array(bytes.buffer.slice(at + subjectsAt, at + labelsAt));
  const labels = bytes.slice(labelsAt, rhythmsAt);
  const rhythms = bytes.slice(rhythmsAt, hashAt);
  const subjectCount = header.subjectNames.length;
  for (let i = 0; i < n; i++) {
    if (subjects[i] >= subjectCount || labels[i] > 1 || rhythms[i] >= RHYTHMS.length) {
      fail(`holds an out-of-range code at segment ${i}`);
    }
  }
  return {
    size: n,
    samples,
    labels,
    subjects,
    subjectNames: header.subjectNames,
    rhythms,
    files: header.files,
    ...(header.source ? { source: header.source } : {}),
  };
}

/** SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

function align4(offset: number): number {
  return (offset + 3) & ~3;
}
