"""The course's kernel against the Jupyter protocol where Deno's kernel alone falls short: run by
tests/kernel_test.ts with JUPYTER_DATA_DIR set to a dir where `deno task kernel` registered "deno".
Prints one JSON line of observations.

- Run All stops at the first error: three execute_requests sent at once, the first throwing, are
  answered error, aborted, aborted (stop_on_error, the default), and the second one's side effect does
  not happen; with stop_on_error false all three run.
- A syntax error shows the error: `let x = ;` gets an `error` output in the cell (before its idle) and
  an error reply, both naming the error, its message and the offending line.
"""
import json
import os
import shutil
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager


def collect(kc, msg_ids, timeout=30):
    """Reads shell and iopub until every request in msg_ids has its reply and its idle. Returns, per
    request, its reply content and the iopub messages (type, content) seen before its idle."""
    replies, outputs, idle = {}, {m: [] for m in msg_ids}, set()
    deadline = time.monotonic() + timeout
    while (len(replies) < len(msg_ids) or len(idle) < len(msg_ids)) and time.monotonic() < deadline:
        try:
            msg = kc.get_shell_msg(timeout=0.05)
            parent = msg["parent_header"].get("msg_id")
            if parent in outputs:
                replies[parent] = msg["content"]
        except Exception:  # noqa: BLE001 - queue.Empty
            pass
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=0.01)
            except Exception:  # noqa: BLE001 - queue.Empty
                break
            parent = msg["parent_header"].get("msg_id")
            if parent not in outputs or parent in idle:
                continue
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    idle.add(parent)
            elif msg["msg_type"] != "execute_input":
                outputs[parent].append((msg["msg_type"], msg["content"]))
    return [{"reply": replies.get(m), "outputs": outputs[m], "idle": m in idle} for m in msg_ids]


def value(kc, code):
    [r] = collect(kc, [kc.execute(code)])
    results = [c["data"]["text/plain"] for t, c in r["outputs"] if t == "execute_result"]
    return results[0] if results else None


runtime = tempfile.mkdtemp(prefix="course-kernel-")
km = KernelManager(kernel_name="deno", connection_file=os.path.join(runtime, "kernel.json"))
km.start_kernel()
kc = km.client()
kc.start_channels()
result = {}
try:
    kc.wait_for_ready(timeout=60)

    # Run All with an error in the first cell. It waits half a second before it fails, so that the cells behind it
    # are queued even when this client is slow to send them (a busy machine): aborting concerns queued cells.
    started = time.monotonic()
    ids = [
        kc.execute('await new Promise((r) => setTimeout(r, 500)); globalThis.ranFirst = true; throw new Error("boom");'),
        kc.execute("globalThis.ranSecond = true; console.log('second ran');"),
        kc.execute("'third ran';"),
    ]
    runs = collect(kc, ids)
    result["run_all_seconds"] = round(time.monotonic() - started, 3)
    result["run_all_statuses"] = [r["reply"] and r["reply"]["status"] for r in runs]
    result["run_all_idle"] = [r["idle"] for r in runs]
    result["run_all_outputs"] = [[t for t, _ in r["outputs"]] for r in runs]
    result["second_side_effect"] = value(kc, "typeof globalThis.ranSecond")
    result["first_side_effect"] = value(kc, "typeof globalThis.ranFirst")

    # The same with stop_on_error false: every cell runs.
    ids = [
        kc.execute('throw new Error("boom again");', stop_on_error=False),
        kc.execute("globalThis.ranSecondAnyway = true;"),
        kc.execute("'third ran';"),
    ]
    result["no_stop_statuses"] = [r["reply"] and r["reply"]["status"] for r in collect(kc, ids)]
    result["no_stop_side_effect"] = value(kc, "typeof globalThis.ranSecondAnyway")

    # A syntax error.
    [r] = collect(kc, [kc.execute("const before = 1;\nlet x = ;")])
    reply = r["reply"] or {}
    errors = [c for t, c in r["outputs"] if t == "error"]
    result["syntax_reply"] = {k: reply.get(k) for k in ("status", "ename", "evalue", "traceback")}
    result["syntax_outputs"] = errors
    result["after_syntax_error"] = value(kc, "'still here'")
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    shutil.rmtree(runtime, ignore_errors=True)
print(json.dumps(result), flush=True)
os._exit(0)  # the kernel is shut down; skip jupyter_client's noisy __del__ at interpreter exit
