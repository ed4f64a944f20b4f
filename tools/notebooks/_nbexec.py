"""Execute one Jupyter notebook with nbclient without losing late outputs.

Used by tools/notebooks/run_notebooks.ts; not meant to be run by hand.

Why a subclass: the Deno kernel (Deno 2.x) often sends the `idle` status 0.5-2 ms before
the last outputs of a cell. Stock nbclient stops reading a cell's outputs at `idle`, so it
dropped console.log text and results in 7 of 10 runs (README, "The course's kernel"). After
`idle` we keep reading iopub until it has been quiet for GRACE seconds, and file every
message that belongs to the cell.

Usage: python3 _nbexec.py IN.ipynb OUT.ipynb --cwd DIR --timeout SECONDS [--kernel deno] [--stock]
(--stock: plain nbclient, which stops at `idle` like every front end; tools/notebooks/output_race.ts uses it)
Prints one JSON line: {"ok": bool, "error": str | null, "seconds": float}.
"""

import argparse
import asyncio
import json
import sys
import time
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async

GRACE = 0.1  # seconds of iopub silence after `idle` before a cell counts as finished
GRACE_MAX = 2.0  # never wait longer than this after `idle`


class PatientClient(NotebookClient):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        deadline = time.monotonic() + GRACE_MAX
        while time.monotonic() < deadline:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=GRACE))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass  # a second `idle` for the same request changes nothing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=int, required=True, help="per-cell timeout in seconds")
    parser.add_argument("--kernel", default="deno")
    parser.add_argument("--stock", action="store_true", help="plain nbclient: no waiting after idle")
    args = parser.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    client = (NotebookClient if args.stock else PatientClient)(
        nb,
        timeout=args.timeout,
        kernel_name=args.kernel,
        resources={"metadata": {"path": args.cwd}},
        record_timing=True,
    )
    started = time.monotonic()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e)
    except CellTimeoutError as e:
        error = f"a cell ran longer than {args.timeout} s: {e}"
    except DeadKernelError as e:
        error = f"the kernel died: {e}"
    except Exception as e:  # noqa: BLE001 - report anything else as a failure, not a crash
        error = f"{type(e).__name__}: {e}"
    seconds = time.monotonic() - started
    nbformat.write(nb, args.output)
    print(json.dumps({"ok": error is None, "error": error, "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
