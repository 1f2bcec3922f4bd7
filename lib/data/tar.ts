/**
 * A small streaming reader of tar archives (POSIX ustar, as GNU tar and Python write them),
 * enough for data archives: regular files with their paths, long names through pax `path`
 * records or GNU `L` entries. Written from the format description (POSIX.1-2017, pax):
 *
 *   The archive is a sequence of 512-byte blocks. Each member is one header block followed by
 *   its data, padded with zeros to a multiple of 512. The header holds, at byte offsets:
 *   name 0 (100 bytes), size 124 (12, octal ASCII), chksum 148 (8, octal: the sum of all
 *   header bytes with the chksum field counted as spaces), typeflag 156 (1), magic 257
 *   ("ustar"), prefix 345 (155; the full path is prefix + "/" + name). Two zero blocks end
 *   the archive.
 *
 * @module
 */
import { DataError } from "./errors.ts";

/** One regular file of an archive. */
export interface TarEntry {
  /** Path inside the archive, e.g. "data_indices/train_indice.csv". */
  path: string;
  /** The file's bytes. */
  data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

/**
 * Yields the regular files of the tar stream `stream` (already decompressed), in archive
 * order; directories, links and other member types are skipped. `archive` names the archive
 * in errors: a DataError for a bad header checksum, a truncated archive, or a size field this
 * reader does not support.
 *
 * @example
 * ```ts
 * import { readTarEntries } from "./tar.ts";
 * const archive = new Uint8Array(3 * 512); // one header, one data block, no end blocks
 * const put = (text: string, at: number) => archive.set(new TextEncoder().encode(text), at);
 * put("hello.txt", 0);
 * put("0000644\0", 100);
 * put("00000000005\0", 124);
 * put("0", 156);
 * put("ustar\x0000", 257);
 * put("        ", 148);
 * const sum = archive.subarray(0, 512).reduce((a, b) => a + b, 0);
 * put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
 * put("hi!\n\n", 512);
 * const entries = await Array.fromAsync(readTarEntries(ReadableStream.from([archive]), "t.tar"));
 * if (entries.length !== 1 || entries[0].path !== "hello.txt") throw new Error();
 * ```
 */
export async function* readTarEntries(
  stream: ReadableStream<Uint8Array>,
  archive: string,
): AsyncGenerator<TarEntry> {
  const input = new BlockReader(stream, archive);
  let longPath: string | undefined;
  while (true) {
    const offset = input.offset;
    const header = await input.read(BLOCK);
    if (header === null || header.every((b) => b === 0)) return;
    checkChecksum(header, archive, offset);
    const size = parseSize(header, archive, offset);
    const type = String.fromCharCode(header[156]);
    const data = await input.read(size);
    if (data === null && size > 0) throw truncated(archive, offset);
    await input.skip((BLOCK - (size % BLOCK)) % BLOCK);
    const bytes = data ?? new Uint8Array(0);
    if (type === "x") {
      longPath = paxPath(bytes) ?? longPath;
    } else if (type === "L") {
      longPath = cString(bytes, 0, bytes.length);
    } else if (type === "0" || type === "\0" || type === "7") {
      yield { path: longPath ?? headerPath(header), data: bytes };
      longPath = undefined;
    } else {
      // Directories, links, global pax headers: nothing a data reader needs.
      if (type !== "g") longPath = undefined;
    }
  }
}

/** Reads exact byte counts from a stream of chunks, without copying when a chunk suffices. */
class BlockReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #archive: string;
  #chunk: Uint8Array = new Uint8Array(0);
  #position = 0;
  /** Bytes consumed so far: the offset of the next read in the tar stream. */
  offset = 0;

  constructor(stream: ReadableStream<Uint8Array>, archive: string) {
    this.#reader = stream.getReader();
    this.#archive = archive;
  }

  /** The next `n` bytes; null at a clean end of stream (no byte left); throws when cut short. */
  async read(n: number): Promise<Uint8Array | null> {
    if (this.#chunk.length - this.#position >= n) {
      const view = this.#chunk.subarray(this.#position, this.#position + n);
      this.#position += n;
      this.offset += n;
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.#position === this.#chunk.length) {
        const next = await this.#pull();
        if (next === null) {
          if (filled === 0) return null;
          throw truncated(this.#archive, this.offset);
        }
        continue;
      }
      const take = Math.min(n - filled, this.#chunk.length - this.#position);
      out.set(this.#chunk.subarray(this.#position, this.#position + take), filled);
      filled += take;
      this.#position += take;
      this.offset += take;
    }
    return out;
  }

  /** Skips `n` bytes (padding); a stream ending inside them is tolerated by read() callers. */
  async skip(n: number): Promise<void> {
    if (n > 0 && (await this.read(n)) === null) throw truncated(this.#archive, this.offset);
  }

  async #pull(): Promise<Uint8Array | null> {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await this.#reader.read();
    } catch (error) {
      throw new DataError(
        this.#archive,
        `cannot be read past byte ${this.offset} of its tar stream: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    if (result.done) return null;
    this.#chunk = result.value;
    this.#position = 0;
    return result.value;
  }
}

function truncated(archive: string, offset: number): DataError {
  return new DataError(archive, `tar stream ends in the middle of a member (byte ${offset})`);
}

function checkChecksum(header: Uint8Array, archive: string, offset: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  const stored = parseInt(cString(header, 148, 8).trim(), 8);
  if (stored !== sum) {
    throw new DataError(
      archive,
      `tar header at byte ${offset} has checksum ${stored}, computed ${sum}: not a tar archive, ` +
        "or a damaged one",
    );
  }
}

function parseSize(header: Uint8Array, archive: string, offset: number): number {
  if (header[124] & 0x80) {
    throw new DataError(archive, `tar header at byte ${offset} uses a base-256 size (> 8 GB)`);
  }
  const text = cString(header, 124, 12).trim();
  const size = text === "" ? 0 : parseInt(text, 8);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new DataError(archive, `tar header at byte ${offset} has a bad size "${text}"`);
  }
  return size;
}

function headerPath(header: Uint8Array): string {
  const name = cString(header, 0, 100);
  const isUstar = cString(header, 257, 5) === "ustar";
  const prefix = isUstar ? cString(header, 345, 155) : "";
  return prefix === "" ? name : `${prefix}/${name}`;
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(data: Uint8Array): string | undefined {
  for (const record of decoder.decode(data).split("\n")) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

/** A NUL-terminated ASCII/UTF-8 field of `length` bytes at `start`. */
function cString(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return decoder.decode(bytes.subarray(start, end));
}
