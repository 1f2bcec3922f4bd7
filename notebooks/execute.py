#!/usr/bin/env python3
"""Execute a Jupyter notebook with the project's Deno kernel, headlessly, losing no output.

Usage:
    python3 notebooks/execute.py NOTEBOOK (--output PATH | --inplace) [--timeout S] [--grace S]

The Deno kernel is registered in a project-local Jupyter folder, build/jupyter/ (git-ignored):
its kernel.json mirrors the one `deno jupyter --install` writes, with the repository's
node_modules/.bin/deno and NO_COLOR=1. JUPYTER_PATH and JUPYTER_RUNTIME_DIR point there, so
nothing is written to the user's home. The kernel runs in the notebook's folder, where the
repository's deno.json applies.

Why a subclass of nbclient: the Deno kernel sometimes (~2 % of outputs) publishes a cell's
last output on iopub after it has reported `idle`; nbclient stops reading at `idle` and drops
it. LateOutputClient keeps reading the cell's iopub messages until none has arrived for
--grace seconds (default 0.25).

Needs Debian's python3-nbclient and python3-nbformat (apt-get install jupyter-nbconvert
jupyter-client). Exit status: 0 on success, 1 when a cell fails (the error is printed), 2 on a
usage error.
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from queue import Empty

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete, CellExecutionError
except ImportError as error:
    sys.exit(
        f"execute.py: {error.name} is missing: apt-get install python3-nbclient python3-nbformat "
        "(both come with jupyter-nbconvert)"
    )

REPO = Path(__file__).resolve().parent.parent
JUPYTER_DIR = REPO / "build" / "jupyter"
KERNEL_NAME = "deno"


class LateOutputClient(NotebookClient):
    """An nbclient NotebookClient that also collects outputs published shortly after idle."""

    grace_seconds = 0.25

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await self.kc.iopub_channel.get_msg(timeout=None)
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                break
        # The kernel said idle; outputs of this cell may still be in flight.
        while True:
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=self.grace_seconds)
            except (Empty, asyncio.TimeoutError):
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass  # a second idle: keep draining until quiet


def write_atomic(path: Path, text: str) -> None:
    """Writes text to path through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; give it a normal file's mode
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def install_kernelspec() -> None:
    """Writes build/jupyter/kernels/deno/kernel.json and points Jupyter at build/jupyter."""
    deno = REPO / "node_modules" / ".bin" / "deno"
    if not deno.exists():
        sys.exit(f"execute.py: {deno} is missing: run `npm install` in {REPO}")
    spec = {
        "argv": [str(deno), "jupyter", "--kernel", "--conn", "{connection_file}"],
        "display_name": "Deno",
        "language": "typescript",
        "env": {"NO_COLOR": "1"},
    }
    write_atomic(JUPYTER_DIR / "kernels" / KERNEL_NAME / "kernel.json", json.dumps(spec, indent=2) + "\n")
    (JUPYTER_DIR / "runtime").mkdir(parents=True, exist_ok=True)
    os.environ["JUPYTER_PATH"] = str(JUPYTER_DIR)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(JUPYTER_DIR / "runtime")
    os.environ["NO_COLOR"] = "1"


def main() -> int:
    parser = argparse.ArgumentParser(description="Execute a notebook with the project's Deno kernel.")
    parser.add_argument("notebook", type=Path)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--output", type=Path, help="write the executed notebook here")
    where.add_argument("--inplace", action="store_true", help="overwrite the notebook")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    parser.add_argument("--grace", type=float, default=0.25, help="seconds to wait for late outputs")
    args = parser.parse_args()

    install_kernelspec()
    notebook = nbformat.read(args.notebook, as_version=4)
    client = LateOutputClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=args.timeout,
        record_timing=False,
        resources={"metadata": {"path": str(args.notebook.resolve().parent)}},
    )
    client.grace_seconds = args.grace
    try:
        client.execute()
    except CellExecutionError as error:
        print(f"execute.py: {args.notebook}: a cell failed:\n{error}", file=sys.stderr)
        return 1
    output = args.notebook if args.inplace else args.output
    write_atomic(output, nbformat.writes(notebook) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
