/** Reading a full search's folder, for the commands that study its candidates' CVs. */
import { join } from "node:path";
import { UsageError } from "../lib/cli/args.ts";
import type { SearchSelection } from "../lib/search/mod.ts";

/**
 * `dir`'s selection.json (which data and folds the search ran on). Throws naming the file when it
 * is missing or not JSON, and a UsageError for a --quick search.
 */
export async function readSelection(dir: string): Promise<SearchSelection> {
  const path = join(dir, "selection.json");
  let selection: SearchSelection;
  try {
    selection = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message} (is ${dir} a search folder?)`);
  }
  if (selection.indices !== null) {
    throw new UsageError(`${dir} is a --quick search: use a full one`);
  }
  return selection;
}
