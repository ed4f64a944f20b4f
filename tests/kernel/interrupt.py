"""Interrupt on the course's kernel: run by tests/kernel_test.ts with JUPYTER_DATA_DIR set to a dir where
`deno task kernel` registered "deno". Prints one JSON line of observations.

A busy synchronous cell, interrupted by SIGINT (what Jupyter sends) and by an interrupt_request, must end
with an "Interrupted" error and keep the kernel and its variables. A cell that awaits a timer Deno cannot
stop: it must get an error saying the kernel restarts, and the kernel process must end (for Jupyter to
restart it), never hang.
"""
import json
import os
import shutil
import tempfile
import time

from jupyter_client.manager import KernelManager

BUSY = "const t0 = Date.now(); while (Date.now() - t0 < 20000) {}"
AWAIT = 'await new Promise((r) => setTimeout(r, 20000)); "slept"'


def interrupted(km, kc, code, how):
    msg_id = kc.execute(code)
    time.sleep(1.0)
    started = time.monotonic()
    if how == "sigint":
        km.interrupt_kernel()
    else:
        kc.control_channel.send(kc.session.msg("interrupt_request", {}))
    reply, errors, idle = None, [], False
    deadline = started + 15
    while time.monotonic() < deadline and not (reply and idle):
        try:
            r = kc.get_shell_msg(timeout=0.05)
            if r["parent_header"].get("msg_id") == msg_id:
                reply = {k: r["content"].get(k) for k in ("status", "ename", "evalue")}
        except Exception:  # noqa: BLE001 - queue.Empty
            pass
        try:
            m = kc.get_iopub_msg(timeout=0.05)
        except Exception:  # noqa: BLE001 - queue.Empty
            m = None
        if m and m["parent_header"].get("msg_id") == msg_id:
            if m["msg_type"] == "error":
                errors.append({k: m["content"][k] for k in ("ename", "evalue")})
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle = True
        if errors and not km.is_alive():
            break
    return {"seconds": round(time.monotonic() - started, 2), "reply": reply, "errors": errors, "idle": idle}


def value(kc, code):
    """The cell's execute_result, asked up to three times: under load the first result after an interrupt can
    arrive late (the output race the proxy guards against is tested elsewhere); what matters here is the value.
    Each try's outputs are kept, so a failure shows what came."""
    tries = []
    for _ in range(3):
        out = []
        kc.execute_interactive(code, timeout=10, output_hook=out.append)
        got = [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]
        tries.append({"results": got, "other": [m["msg_type"] for m in out if m["msg_type"] != "execute_result"]})
        if got:
            return {"value": got, "tries": tries}
        time.sleep(0.5)
    return {"value": [], "tries": tries}


result = {}
runtime = tempfile.mkdtemp(prefix="course-kernel-")
km = KernelManager(kernel_name="deno", connection_file=os.path.join(runtime, "kernel.json"))
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    kc.wait_for_ready(timeout=60)
    value(kc, "globalThis.keep = 42;")
    result["busy_sigint"] = interrupted(km, kc, BUSY, "sigint")
    result["after_busy_sigint"] = value(kc, "keep")
    result["busy_message"] = interrupted(km, kc, BUSY, "message")
    result["after_busy_message"] = value(kc, "keep")
    result["await_sigint"] = interrupted(km, kc, AWAIT, "sigint")
    deadline = time.monotonic() + 5
    while km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    result["await_kernel_ended"] = not km.is_alive()
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    shutil.rmtree(runtime, ignore_errors=True)
print(json.dumps(result), flush=True)
os._exit(0)  # skip jupyter_client's noisy __del__ at interpreter exit
