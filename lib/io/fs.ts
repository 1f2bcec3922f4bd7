/** Small file-system queries shared by the writers. */

/** Whether `path` exists (any kind of entry; false when it cannot be stat'ed). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
