/**
 * Every notebooks/*.ipynb executes headlessly with the Deno kernel (notebooks/execute.py),
 * into a temporary file — the committed notebook is never overwritten — with IEGM_QUICK=1 so
 * that notebooks may use small subsets and short runs.
 *
 * A notebook fails when a cell raises, or when an output was lost: a code cell must produce at
 * least as many rich outputs (display_data, execute_result) as its committed version holds,
 * and a stream (stdout, stderr) wherever the committed version has one. The committed
 * notebooks are executed by the same runner, so they are the reference of what a cell shows.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const NOTEBOOKS = fileURLToPath(new URL("../../notebooks/", import.meta.url));
const RUNNER = join(NOTEBOOKS, "execute.py");
/** Debian's Python first: a pyenv or venv python3 on PATH usually lacks nbclient. */
const PYTHONS = ["/usr/bin/python3", "python3"];
const MISSING = "no python3 with nbclient and nbformat was found; install the Debian packages: " +
  "apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client";

interface Output {
  output_type: string;
  name?: string;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

/** The first interpreter that can import nbclient and nbformat, or undefined. */
async function findPython(): Promise<string | undefined> {
  for (const python of PYTHONS) {
    try {
      const probe = await new Deno.Command(python, {
        args: ["-c", "import nbclient, nbformat"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (probe.success) return python;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return undefined;
}

function codeCells(path: string, text: string): Cell[] {
  try {
    return (JSON.parse(text).cells as Cell[]).filter((cell) => cell.cell_type === "code");
  } catch (error) {
    throw new SyntaxError(`${path}: not a notebook: ${(error as Error).message}`);
  }
}

const richCount = (cell: Cell) =>
  (cell.outputs ?? []).filter((o) => ["display_data", "execute_result"].includes(o.output_type))
    .length;
const streams = (cell: Cell) =>
  new Set((cell.outputs ?? []).filter((o) => o.output_type === "stream").map((o) => o.name));
const firstLine = (cell: Cell) =>
  (Array.isArray(cell.source) ? cell.source.join("") : cell.source).split("\n")[0];

const notebooks = (await Array.fromAsync(Deno.readDir(NOTEBOOKS)))
  .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
  .map((entry) => join(NOTEBOOKS, entry.name))
  .sort();

Deno.test("notebooks/ holds at least one notebook to execute", () => {
  assert.ok(notebooks.length > 0, `no *.ipynb in ${NOTEBOOKS}`);
});

for (const notebook of notebooks) {
  Deno.test(`notebook ${basename(notebook)} executes with no failed cell and no lost output`, async () => {
    const python = await findPython();
    assert.ok(python, MISSING);
    const executed = await Deno.makeTempFile({ prefix: "notebook-", suffix: ".ipynb" });
    try {
      const run = await new Deno.Command(python, {
        args: [RUNNER, notebook, "--output", executed],
        env: { IEGM_QUICK: "1", NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(run.stderr);
      assert.equal(run.code, 0, `${basename(notebook)} failed:\n${stderr}`);

      const committed = codeCells(notebook, await Deno.readTextFile(notebook));
      const fresh = codeCells(executed, await Deno.readTextFile(executed));
      assert.equal(fresh.length, committed.length, "code cell count changed");
      fresh.forEach((cell, i) => {
        const where = `${basename(notebook)} code cell ${i + 1} (${firstLine(cell)})`;
        const error = (cell.outputs ?? []).find((o) => o.output_type === "error");
        assert.equal(error, undefined, `${where}: ${error?.ename}: ${error?.evalue}`);
        assert.ok(
          richCount(cell) >= richCount(committed[i]),
          `${where}: ${richCount(cell)} rich outputs, the committed notebook has ` +
            `${richCount(committed[i])}: an output was lost`,
        );
        for (const name of streams(committed[i])) {
          assert.ok(streams(cell).has(name), `${where}: its ${name} output was lost`);
        }
      });
    } finally {
      await Deno.remove(executed);
    }
  });
}
