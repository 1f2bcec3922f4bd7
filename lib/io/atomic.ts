/**
 * Atomic writes: a file (or a whole directory) appears complete or not at all. Everything the
 * project writes goes through here, so a crash or an error never leaves a half-written artifact.
 */
import { dirname } from "node:path";

let counter = 0;

/** A temporary path beside `path`, on the same file system so that rename is atomic. */
function temporaryPath(path: string): string {
  return `${path}.${Deno.pid}.${counter++}.tmp`;
}

/** Writes `data` to `path` via a temporary file and a rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** Writes `value` as pretty JSON (2-space indent, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * Builds a directory atomically: `fill` writes into a fresh temporary directory, which then
 * replaces `path` (an existing `path` is removed only after `fill` succeeded).
 */
export async function writeDirAtomic(
  path: string,
  fill: (tmpDir: string) => Promise<void>,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    await Deno.mkdir(tmp, { recursive: true });
    await fill(tmp);
    await Deno.remove(path, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw error;
  }
}
