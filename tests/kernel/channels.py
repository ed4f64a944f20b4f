"""The course's kernel on the channels besides shell and iopub: run by tests/kernel_test.ts with
JUPYTER_DATA_DIR set to a dir where `deno task kernel` registered "deno". Prints one JSON line of
observations.

- stdin: prompt() answered by a jupyter_client client (its shell and stdin sockets share one identity,
  as ipykernel expects); by a client whose stdin identity differs from its shell identity (its first
  prompt cannot reach it and gets an empty answer with a note in the cell, not a hang; once it has
  spoken on stdin, its prompts go to its stdin identity); an input_reply with a bad signature is dropped
  (a forged answer sent while a prompt waits is not taken).
- heartbeat: beats through a busy synchronous cell, stops within a few seconds of Deno being stopped
  (SIGSTOP), beats again after SIGCONT.
- ROUTER_HANDOVER: a second client of the same KernelManager (the same identities) is answered at once.
"""
import json
import os
import shutil
import signal
import tempfile
import time
import uuid

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from procs import children  # noqa: E402 (this folder)


class OtherStdinIdentity(BlockingKernelClient):
    """A front end whose stdin socket has an identity of its own (jupyter_client gives shell, stdin and
    control the session's identity)."""

    def connect_stdin(self, identity=None):
        return super().connect_stdin(identity=b"stdin-" + self.session.bsession)


def prompt(kc, question, answers, timeout=15):
    """Runs a cell that prints prompt(question); each input_request is answered by calling the next of
    `answers` (which returns the text). Returns what the cell printed, the prompts seen, and the seconds."""
    code = f"console.log(JSON.stringify(prompt({json.dumps(question)})))"
    seen, out = [], []
    answers = list(answers)

    def on_input(msg):
        seen.append(msg["content"]["prompt"])
        kc.input(answers.pop(0)())

    def on_output(msg):
        if msg["msg_type"] == "stream":
            out.append([msg["content"]["name"], msg["content"]["text"].strip()])

    started = time.monotonic()
    try:
        kc.execute_interactive(code, allow_stdin=True, stdin_hook=on_input, output_hook=on_output, timeout=timeout)
    except TimeoutError:
        out.append(["timeout", ""])
    return {"printed": out, "prompts": seen, "seconds": round(time.monotonic() - started, 2)}


def forge_input_reply(conn, value):
    """An input_reply signed with the wrong key, from a socket of its own."""
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.connect(f"tcp://{conn['ip']}:{conn['stdin_port']}")
    header = json.dumps({"msg_id": uuid.uuid4().hex, "msg_type": "input_reply", "session": "forger",
                         "username": "x", "date": "2026-01-01T00:00:00Z", "version": "5.3"}).encode()
    sock.send_multipart([b"<IDS|MSG>", b"0" * 64, header, b"{}", b"{}", json.dumps({"value": value}).encode()])
    time.sleep(0.3)
    sock.close(linger=0)


def heartbeat(km, kc):
    """Whether the heart beats through a busy cell; seconds until it stops when Deno is stopped, and
    until it beats again once Deno continues."""
    result = {}
    msg_id = kc.execute("const t0 = Date.now(); while (Date.now() - t0 < 3000) {}")
    beats = []
    while True:
        beats.append(kc.hb_channel.is_beating())
        try:
            if kc.get_shell_msg(timeout=0.1)["parent_header"].get("msg_id") == msg_id:
                break
        except Exception:  # noqa: BLE001 - queue.Empty
            pass
    result["beating_through_busy_cell"] = all(beats) and len(beats) > 20
    [deno] = children(km.provisioner.process.pid)
    os.kill(deno, signal.SIGSTOP)
    started = time.monotonic()
    while kc.hb_channel.is_beating() and time.monotonic() - started < 15:
        time.sleep(0.05)
    result["dead_after_sigstop"] = round(time.monotonic() - started, 2)
    result["beating_while_stopped"] = kc.hb_channel.is_beating()
    os.kill(deno, signal.SIGCONT)
    started = time.monotonic()
    while not kc.hb_channel.is_beating() and time.monotonic() - started < 15:
        time.sleep(0.05)
    result["alive_after_sigcont"] = round(time.monotonic() - started, 2)
    result["beating_after_sigcont"] = kc.hb_channel.is_beating()
    return result


runtime = tempfile.mkdtemp(prefix="course-kernel-")
log = open(os.path.join(runtime, "stderr.txt"), "w+")
km = KernelManager(kernel_name="deno", connection_file=os.path.join(runtime, "kernel.json"))
km.start_kernel(stderr=log)
kc = km.client()
kc.start_channels()
result = {}
try:
    kc.wait_for_ready(timeout=60)
    result["same_client"] = prompt(kc, "name?", [lambda: "Ada"])

    other = OtherStdinIdentity(connection_file=km.connection_file)
    other.load_connection_file()
    other.start_channels()
    other.wait_for_ready(timeout=30)
    shell_id = other.shell_channel.socket.getsockopt(zmq.ROUTING_ID)
    result["identities_differ"] = shell_id != other.stdin_channel.socket.getsockopt(zmq.ROUTING_ID)
    result["default_identities_same"] = (kc.shell_channel.socket.getsockopt(zmq.ROUTING_ID)
                                         == kc.stdin_channel.socket.getsockopt(zmq.ROUTING_ID))
    result["other_first"] = prompt(other, "first?", [lambda: "never asked"])
    other.input("a stray input_reply: the kernel learns this front end's stdin identity")
    time.sleep(0.3)

    def forged_then_real():
        forge_input_reply(km.get_connection_info(), "forged")
        return "Grace"

    result["other_after_speaking"] = prompt(other, "name?", [forged_then_real])
    result["after_prompts"] = prompt(kc, "again?", [lambda: "Alan"])
    other.stop_channels()

    result["heartbeat"] = heartbeat(km, kc)

    second = km.client()  # the same session, so the same identities as kc
    second.start_channels()
    started = time.monotonic()
    try:
        second.kernel_info(reply=True, timeout=30)
        result["second_client_kernel_info"] = round(time.monotonic() - started, 2)
    except TimeoutError:
        result["second_client_kernel_info"] = None
    out = []
    second.execute_interactive("'second client'", timeout=30, output_hook=out.append)
    result["second_client_result"] = [m["content"]["data"]["text/plain"] for m in out
                                      if m["msg_type"] == "execute_result"]
    second.stop_channels()
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    log.seek(0)
    result["stderr"] = [line for line in log.read().splitlines() if "deno_kernel.py" in line]
    shutil.rmtree(runtime, ignore_errors=True)
print(json.dumps(result), flush=True)
os._exit(0)  # skip jupyter_client's noisy __del__ at interpreter exit
