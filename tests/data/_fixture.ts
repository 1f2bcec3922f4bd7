/**
 * Test fixtures in the official IEGM format, written by the tests themselves: a data folder
 * (`tinyml_contest_data_training/*.txt`, `data_indices/train_indice.csv`) and the same as a
 * `.tar.gz`, made with a minimal ustar writer.
 */
import { dirname, join } from "node:path";

/** One fixture segment: its file name and label. */
export interface FixtureRow {
  label: 0 | 1;
  file: string;
}

/** Ten segments over four subjects, in a deliberately unsorted index order. */
export const FIXTURE_ROWS: readonly FixtureRow[] = [
  { label: 1, file: "S10-VT-7.txt" },
  { label: 0, file: "S02-SR-1.txt" },
  { label: 1, file: "S10-VT-8.txt" },
  { label: 0, file: "S02-SR-2.txt" },
  { label: 1, file: "S03-VFb-4.txt" },
  { label: 0, file: "S03-AFb-1.txt" },
  { label: 0, file: "S10-SVT-2.txt" },
  { label: 1, file: "S04-VFt-1.txt" },
  { label: 0, file: "S04-VPD-3.txt" },
  { label: 0, file: "S02-AFt-5.txt" },
];

/** The 1,250 sample lines of fixture segment `k`: 7-decimal values like the real data. */
export function segmentLines(k: number): string[] {
  return Array.from({ length: 1250 }, (_, i) => (0.8 * Math.sin(i / 9 + k) - 0.01 * k).toFixed(7));
}

/** The index CSV text of `rows`. */
export function indexCsv(rows: readonly FixtureRow[]): string {
  return ["label,Filename", ...rows.map((row) => `${row.label},${row.file}`)].join("\n") + "\n";
}

/** File path (relative, "/"-separated) → content, in the official layout. */
export function fixtureFiles(rows: readonly FixtureRow[] = FIXTURE_ROWS): Map<string, string> {
  const files = new Map<string, string>();
  rows.forEach((row, k) => {
    files.set(`tinyml_contest_data_training/${row.file}`, segmentLines(k).join("\n") + "\n");
  });
  files.set("data_indices/train_indice.csv", indexCsv(rows));
  return files;
}

/** Writes `files` under `directory`. */
export async function writeTree(directory: string, files: Map<string, string>): Promise<void> {
  for (const [path, content] of files) {
    await Deno.mkdir(dirname(join(directory, path)), { recursive: true });
    await Deno.writeTextFile(join(directory, path), content);
  }
}

/** One tar member: path, content and ustar type flag ("0" file, "x" pax header, "L" GNU name). */
export type TarMember = [path: string, content: string, type?: string];

/** An uncompressed ustar archive of `members`, in order, ended by two zero blocks. */
export function tarBytes(members: readonly TarMember[]): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const blocks: Uint8Array[] = [];
  for (const [path, content, type = "0"] of members) {
    const data = encoder.encode(content);
    const header = new Uint8Array(512);
    const put = (text: string, at: number) => header.set(encoder.encode(text), at);
    put(path.slice(0, 100), 0);
    put("0000644\0", 100);
    put("0000000\0", 108);
    put("0000000\0", 116);
    put(data.length.toString(8).padStart(11, "0") + "\0", 124);
    put("00000000000\0", 136);
    put(type, 156);
    put("ustar\x0000", 257);
    put("        ", 148);
    const sum = header.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const tar = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const block of blocks) {
    tar.set(block, offset);
    offset += block.length;
  }
  return tar;
}

/** A gzip-compressed ustar archive of `files`, in the map's order. */
export async function tarGz(files: Map<string, string>): Promise<Uint8Array<ArrayBuffer>> {
  const tar = tarBytes([...files]);
  const gz = new Blob([tar]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

/** A fresh temporary folder holding `data/` (the tree), `data.tar.gz` and an empty `cache/`. */
export async function makeFixture(
  files: Map<string, string> = fixtureFiles(),
): Promise<{ root: string; dir: string; archive: string; cacheDir: string }> {
  const root = await Deno.makeTempDir({ prefix: "iegm-data-test-" });
  const dir = join(root, "data");
  await writeTree(dir, files);
  const archive = join(root, "data.tar.gz");
  await Deno.writeFile(archive, await tarGz(files));
  const cacheDir = join(root, "cache");
  return { root, dir, archive, cacheDir };
}

/** The file names in `directory`, or [] when it does not exist. */
export async function listNames(directory: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(directory))).map((entry) => entry.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}
