/**
 * loadDataset(): from a directory or archive (plus an optional index CSV) to a Dataset,
 * through a binary cache keyed by the content hash of every input.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import type { Dataset, DatasetSource } from "./dataset.ts";
import { DataError } from "./errors.ts";
import { type IndexRow, parseIndexCsv } from "./index_csv.ts";
import {
  forEachConcurrently,
  listDataFiles,
  READ_CONCURRENCY,
  readArchiveFiles,
  readDirectoryFiles,
  type SourceFiles,
} from "./sources.ts";
import { assembleDataset, rowsFromFileNames } from "./assemble.ts";
import { CACHE_VERSION, decodeDataset, encodeDataset } from "./cache.ts";
import { writeFileAtomic } from "../io/atomic.ts";

/**
 * Bumped when parsing or validation changes what a load produces, so that older caches (whose
 * key includes this) are not reused.
 */
export const LOADER_VERSION = 1;

/** The project's default cache folder: `<repo>/data/cache`. */
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL("../../data/cache", import.meta.url));

/** Options of {@linkcode loadDataset}. */
export interface LoadOptions {
  /** A directory, or a `.tar.gz` / `.tar` archive, holding segment files (and index CSVs). */
  data: string;
  /**
   * An index CSV: a file path, or a path inside `data` (e.g. "data_indices/train_indice.csv").
   * Default: the single `data_indices/*.csv` inside `data`, or, when there is none or more than
   * one, every `*.txt` in `data`, labelled by rhythm.
   */
  index?: string;
  /** Where cache files go (default `<repo>/data/cache`). */
  cacheDir?: string;
  /** Set false to neither read nor write the cache. Default true. */
  cache?: boolean;
  /** Receives notices such as a corrupt cache being rebuilt. Default: console.warn. */
  onWarning?: (message: string) => void;
}

/**
 * Loads, validates and caches an IEGM dataset.
 *
 * The Dataset's order is the index CSV's row order; without an index CSV it is by subject
 * number, rhythm (RHYTHMS order) and segment number. Subject names are sorted by number.
 *
 * Every problem in the data is a {@linkcode DataError} naming the file (and line): a
 * malformed sample line, a file with other than 1,250 numbers, an index row whose file is
 * missing, a duplicate row, a label that contradicts the rhythm. Nothing is written then.
 * After a successful load the cache file `<cacheDir>/iegm-<key>.bin` is written atomically; a
 * damaged cache file is reported through `onWarning`, then rebuilt.
 *
 * @example Load the official archive (directory of segments and index CSVs work the same)
 * ```ts ignore
 * import { loadDataset } from "./mod.ts";
 * const dataset = await loadDataset({ data: "../shared/iegm/tinyml_contest_data_training.tar.gz" });
 * console.log(dataset.size); // 24588
 * ```
 */
export async function loadDataset(options: LoadOptions): Promise<Dataset> {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const input = await openInput(options.data);
  const index = await resolveIndex(options.index);
  const key = hexSha256(JSON.stringify({
    loader: LOADER_VERSION,
    cache: CACHE_VERSION,
    data: await input.fingerprint(),
    index: index.fingerprint,
  }));
  const useCache = options.cache ?? true;
  const cacheFile = join(options.cacheDir ?? DEFAULT_CACHE_DIR, `iegm-${key}.bin`);
  if (useCache) {
    const cached = await readCache(cacheFile, key, warn);
    if (cached) return cached;
  }
  const files = await input.read();
  const { rows, indexName } = chooseRows(files, index, options.data);
  const source: DatasetSource = { data: options.data, index: indexName, key };
  const dataset = assembleDataset(files, rows, indexName || options.data, source);
  if (useCache) {
    try {
      await writeFileAtomic(cacheFile, encodeDataset(dataset, key));
    } catch (error) {
      warn(`warning: could not write the dataset cache ${cacheFile}: ${(error as Error).message}`);
    }
  }
  return dataset;
}

/** A data source before reading: how to fingerprint it and how to read it. */
interface Input {
  fingerprint(): Promise<string>;
  read(): Promise<SourceFiles>;
}

async function openInput(data: string): Promise<Input> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(data);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DataError(data, "does not exist (expected a directory or a .tar.gz archive)");
    }
    throw error;
  }
  if (info.isDirectory) {
    return {
      fingerprint: () => fingerprintDirectory(data),
      read: () => readDirectoryFiles(data),
    };
  }
  const bytes = await Deno.readFile(data);
  return {
    fingerprint: () => Promise.resolve(`archive:${hexSha256(bytes)}`),
    read: () => readArchiveFiles(data, bytes),
  };
}

/** SHA-256 over every data file's path and content hash, in sorted path order. */
async function fingerprintDirectory(directory: string): Promise<string> {
  const paths = await listDataFiles(directory);
  const digests = new Array<string>(paths.length);
  await forEachConcurrently(paths.length, READ_CONCURRENCY, async (i) => {
    digests[i] = hexSha256(await Deno.readFile(join(directory, paths[i])));
  });
  return `directory:${hexSha256(paths.map((path, i) => `${path}\0${digests[i]}\n`).join(""))}`;
}

/** The index option, resolved: an external CSV's text, a path inside the data, or none. */
type IndexChoice =
  | { kind: "file"; path: string; text: string; fingerprint: string }
  | { kind: "inside"; path: string; fingerprint: string }
  | { kind: "default"; fingerprint: string };

async function resolveIndex(index: string | undefined): Promise<IndexChoice> {
  if (index === undefined) return { kind: "default", fingerprint: "default" };
  const text = await Deno.readTextFile(index).catch((error) => {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      return undefined;
    }
    throw error;
  });
  if (text !== undefined) {
    return { kind: "file", path: index, text, fingerprint: `file:${hexSha256(text)}` };
  }
  const inside = index.replace(/^(\.\/)+/, "");
  return { kind: "inside", path: inside, fingerprint: `inside:${inside}` };
}

function chooseRows(
  files: SourceFiles,
  index: IndexChoice,
  data: string,
): { rows: IndexRow[]; indexName: string } {
  if (index.kind === "file") {
    return { rows: parseIndexCsv(index.text, index.path), indexName: index.path };
  }
  if (index.kind === "inside") {
    const text = files.csvs.get(index.path);
    if (text === undefined) {
      throw new DataError(index.path, `is neither a file nor a CSV inside ${data}`);
    }
    const name = `${data}/${index.path}`;
    return { rows: parseIndexCsv(text, name), indexName: name };
  }
  const official = [...files.csvs.keys()].filter((path) => /(^|\/)data_indices\/[^/]+$/.test(path));
  if (official.length === 1) {
    const name = `${data}/${official[0]}`;
    return { rows: parseIndexCsv(files.csvs.get(official[0])!, name), indexName: name };
  }
  return { rows: rowsFromFileNames(files), indexName: "" };
}

async function readCache(
  file: string,
  key: string,
  warn: (message: string) => void,
): Promise<Dataset | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    return decodeDataset(bytes, file, key);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    warn(`warning: ${error.message}; rebuilding it`);
    await Deno.remove(file).catch(() => {});
    return undefined;
  }
}

function hexSha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
