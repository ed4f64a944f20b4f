"""The course's kernel under abuse: run by tests/kernel_test.ts with JUPYTER_DATA_DIR set to a dir
where `deno task kernel` registered "deno". Prints one JSON line of measurements."""
import glob
import json
import os
import sys
import time
import uuid

import zmq
import tempfile

from jupyter_client.manager import KernelManager


def run(kc, code, timeout=10):
    """Executes code; returns (seconds, the reply's status, output kinds seen before idle)."""
    outs = []
    started = time.monotonic()
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: outs.append(m["msg_type"]))
    return time.monotonic() - started, reply["content"]["status"], [o for o in outs if o != "status" and o != "execute_input"]


runtime = tempfile.mkdtemp(prefix="course-kernel-")
km = KernelManager(kernel_name="deno", connection_file=os.path.join(runtime, "kernel.json"))
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
result = {}
info = km.get_connection_info()
ctx = zmq.Context()
raw = ctx.socket(zmq.DEALER)
raw.connect(f"tcp://127.0.0.1:{info['shell_port']}")
header = json.dumps({"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "session": "x",
                     "username": "x", "date": "2026-01-01T00:00:00Z", "version": "5.3"}).encode()
raw.send_multipart([b"<IDS|MSG>", b"0" * 64, header, b"{}", b"{}", json.dumps({"code": "1", "silent": False}).encode()])
raw.send_multipart([b"<IDS|MSG>"])
raw.send_multipart([b"no delimiter at all"])
time.sleep(0.5)
result["alive_after_bad_messages"] = km.is_alive()
result["cell_after_bad_messages"] = run(kc, "'still here'")
result["connection_files_left_while_running"] = len(glob.glob(os.path.join(runtime, "deno-kernel-*.json")))
run(kc, "Deno.jupyter.broadcast = async () => {};")
result["cell_after_broadcast_replaced"] = run(kc, "console.log('out'); 42")
started = time.monotonic()
km.shutdown_kernel(now=False)
result["shutdown_seconds"] = time.monotonic() - started
result["connection_files_left"] = len(glob.glob(os.path.join(runtime, "deno-kernel-*.json")))
kc.stop_channels()
raw.close(0)
ctx.term()
os.remove(os.path.join(runtime, "kernel.json")) if os.path.exists(os.path.join(runtime, "kernel.json")) else None
os.rmdir(runtime)
print(json.dumps(result))
