/**
 * Atomic writes: a file (or a whole directory) appears complete or not at all. Everything the
 * project writes goes through here, so a crash or an error never leaves a half-written artifact.
 */
import { dirname } from "node:path";
import { pathExists } from "./fs.ts";

/**
 * A temporary path beside `path`, on the same file system so that rename is atomic. Unique per
 * call, also across the workers of one process (test modules run in parallel share the pid).
 */
export function temporaryPath(path: string): string {
  return `${path}.${Deno.pid}.${crypto.randomUUID()}.tmp`;
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

/** temporaryPath()'s names (and the counter-numbered ones of earlier versions): NAME.PID.ID.tmp */
const TEMPORARY_NAME = /^.+\.(\d+)\.[0-9a-f-]+\.tmp$/;

/**
 * Removes the temporary files and directories that a killed process left in `dir` (names made
 * by temporaryPath() whose process no longer runs); returns the paths removed. A process that
 * is killed cannot clean up after itself, so long-lived output folders sweep at start-up.
 * Liveness is read from /proc; where there is no /proc nothing is removed.
 */
export async function sweepStaleTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  if (!(await pathExists("/proc/self"))) return removed;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  for (const entry of entries) {
    const pid = TEMPORARY_NAME.exec(entry.name)?.[1];
    if (pid === undefined || Number(pid) === Deno.pid || await pathExists(`/proc/${pid}`)) continue;
    const path = `${dir}/${entry.name}`;
    await Deno.remove(path, { recursive: true });
    removed.push(path);
  }
  return removed;
}
