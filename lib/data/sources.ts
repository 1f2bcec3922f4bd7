/**
 * Reading the files of a data source, a directory or a tar(.gz) archive, into memory: index
 * CSVs as text, segment files parsed to samples. An archive is streamed (gunzip, then tar) and
 * never unpacked to disk.
 *
 * Files are found anywhere below the source's root and matched to index rows by base name, so
 * the official layout (`tinyml_contest_data_training/*.txt`, `data_indices/*.csv`), a flat
 * folder and a folder of segments alone all work.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { basename, join, relative, sep } from "node:path";
import { createGunzip } from "node:zlib";
import { SEGMENT_LENGTH } from "./dataset.ts";
import { DataError } from "./errors.ts";
import { parseSegmentText } from "./segment_text.ts";
import { readTarEntries } from "./tar.ts";

/** A segment file, parsed; or the DataError it raised, thrown only if an index row uses it. */
export type ParsedSegment =
  | { path: string; values: Float32Array; error?: undefined }
  | { path: string; values?: undefined; error: DataError };

/** The files of one source, read. */
export interface SourceFiles {
  /** The source as the user named it (directory or archive path). */
  origin: string;
  /** Index CSVs: path relative to the source root ("/"-separated) → text. */
  csvs: Map<string, string>;
  /** Segment (`*.txt`) files by base name. */
  segments: Map<string, ParsedSegment>;
}

/** Files at once in flight when reading a directory: enough to hide latency, few handles. */
export const READ_CONCURRENCY = 16;
/** Output chunk of the gunzip stream: ~80 segment files, few enough allocations. */
const GUNZIP_CHUNK_BYTES = 1 << 20;
const decoder = new TextDecoder();

/**
 * Whether `bytes` start with the gzip magic number (1f 8b); otherwise they are taken for a
 * plain tar.
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads an archive's files from its bytes (`.tar.gz`, or `.tar`). Segment errors name the
 * file as `<archive>/<path inside>`.
 */
export async function readArchiveFiles(archive: string, bytes: Uint8Array): Promise<SourceFiles> {
  const files: SourceFiles = { origin: archive, csvs: new Map(), segments: new Map() };
  const stream = isGzip(bytes) ? gunzip(bytes) : ReadableStream.from([bytes]);
  for await (const entry of readTarEntries(stream, archive)) {
    const path = entry.path.replace(/^(\.\/)+/, "");
    if (path.endsWith(".csv")) files.csvs.set(path, decoder.decode(entry.data));
    if (path.endsWith(".txt")) addSegment(files, path, `${archive}/${path}`, entry.data);
  }
  return files;
}

/**
 * The decompressed bytes of a gzip file, in chunks of GUNZIP_CHUNK_BYTES. node:zlib rather than
 * DecompressionStream: given the archive as one piece, the latter returns the whole 340 MB
 * output as one piece too, which more than doubles the peak memory of a load.
 */
function gunzip(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const inflater = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  inflater.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return ReadableStream.from(inflater as AsyncIterable<Uint8Array>);
}

/** Reads a directory's `*.txt` and `*.csv` files, at any depth. */
export async function readDirectoryFiles(directory: string): Promise<SourceFiles> {
  const files: SourceFiles = { origin: directory, csvs: new Map(), segments: new Map() };
  const paths = await listDataFiles(directory);
  checkUniqueNames(paths.filter((path) => path.endsWith(".txt")), directory);
  // Parsed as read, so only READ_CONCURRENCY files' bytes are held at once.
  const parsed = new Array<ParsedSegment | string>(paths.length);
  await forEachConcurrently(paths.length, READ_CONCURRENCY, async (i) => {
    const bytes = await Deno.readFile(join(directory, paths[i]));
    parsed[i] = paths[i].endsWith(".csv")
      ? decoder.decode(bytes)
      : parseSegment(bytes, join(directory, paths[i]));
  });
  paths.forEach((path, i) => {
    const item = parsed[i];
    if (typeof item === "string") files.csvs.set(path, item);
    else files.segments.set(basename(path), item);
  });
  return files;
}

/**
 * The `*.txt` and `*.csv` files below `directory` (symbolic links followed), as sorted
 * "/"-separated paths relative to it.
 */
export async function listDataFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string) => {
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      const isDirectory = entry.isDirectory ||
        (entry.isSymlink && (await Deno.stat(path)).isDirectory);
      if (isDirectory) await walk(path);
      else if (/\.(txt|csv)$/.test(entry.name)) {
        found.push(relative(directory, path).split(sep).join("/"));
      }
    }
  };
  await walk(directory);
  return found.sort();
}

function addSegment(files: SourceFiles, path: string, shownPath: string, bytes: Uint8Array) {
  const previous = files.segments.get(basename(path));
  if (previous !== undefined) {
    throw new DataError(shownPath, `has the same file name as ${previous.path}`);
  }
  files.segments.set(basename(path), parseSegment(bytes, shownPath));
}

function parseSegment(bytes: Uint8Array, shownPath: string): ParsedSegment {
  const values = new Float32Array(SEGMENT_LENGTH);
  try {
    parseSegmentText(bytes, values, shownPath);
    return { path: shownPath, values };
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    return { path: shownPath, error };
  }
}

/** Throws a DataError when two of the (sorted) `paths` share a base name. */
function checkUniqueNames(paths: readonly string[], directory: string): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
    const previous = seen.get(basename(path));
    if (previous !== undefined) {
      throw new DataError(
        join(directory, path),
        `has the same file name as ${join(directory, previous)}`,
      );
    }
    seen.set(basename(path), path);
  }
}

/** Runs `task(0..count-1)` with at most `limit` tasks in flight (I/O overlap, one thread). */
export async function forEachConcurrently(
  count: number,
  limit: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
