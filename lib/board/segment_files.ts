/**
 * The raw text of segment files, from a directory or a .tar(.gz) archive, by base name: the
 * host script sends each file's own digits, so the board is fed from the files, not from the
 * float32 samples of a loaded Dataset.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { basename, join } from "node:path";
import { createGunzip } from "node:zlib";
import { DataError, readTarEntries } from "../data/mod.ts";
import { isGzip, listDataFiles } from "../data/sources.ts";

const decoder = new TextDecoder();

/**
 * The texts of `files` (base names, e.g. "S66-VT-114.txt") found anywhere in `data`, in the
 * order of `files`. Throws a DataError naming the first file that is missing.
 */
export async function readSegmentTexts(data: string, files: readonly string[]): Promise<string[]> {
  const wanted = new Set(files);
  const found = new Map<string, string>();
  if ((await Deno.stat(data)).isDirectory) {
    for (const path of await listDataFiles(data)) {
      const name = basename(path);
      if (wanted.has(name)) found.set(name, decoder.decode(await Deno.readFile(join(data, path))));
    }
  } else {
    const bytes = await Deno.readFile(data);
    const stream = isGzip(bytes)
      ? ReadableStream.from(
        createGunzip().end(Buffer.from(bytes)) as unknown as AsyncIterable<Uint8Array>,
      )
      : ReadableStream.from([bytes]);
    for await (const entry of readTarEntries(stream, data)) {
      const name = basename(entry.path);
      if (wanted.has(name)) found.set(name, decoder.decode(entry.data));
    }
  }
  return files.map((file) => {
    const text = found.get(file);
    if (text === undefined) throw new DataError(data, `has no segment file ${file}`);
    return text;
  });
}
