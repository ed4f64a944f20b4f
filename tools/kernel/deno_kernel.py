"""The course's Deno kernel: Deno's own Jupyter kernel behind a small proxy that makes every output
of a cell reach the front end before the cell is reported finished.

Why: Deno's kernel (2.x, cli/js/jupyter_kernel.js) publishes a cell's outputs from a queue that it
drains concurrently with the cell's own `execute_reply` and `status: idle`. So `idle` often goes out
before the cell's last outputs; Jupyter's front ends (classic Notebook, JupyterLab, VS Code, nbclient)
treat `idle` as the end of the cell and drop what comes after it, and an output drained after the
next cell has started is even published under that next cell. (See the README, "The course's kernel", and
tests/fixtures/output_race.ipynb, which reproduces it.)

What this proxy does, between the front end and an unmodified `deno jupyter --kernel`:
1. it forwards one `execute_request` at a time (the kernel runs them one at a time anyway);
2. when the kernel says `idle` for a cell, it holds that `idle` back and sends the kernel a silent,
   history-less request whose only effect is one marker message pushed into the same queue as every
   output (`Deno.jupyter.broadcast`). The queue is first-in first-out, so when the marker comes out,
   every output the cell produced has been published: only then is the cell's `idle` forwarded;
3. outputs of the cell that the kernel published under the marker request are re-addressed to the
   cell (re-signed with the connection key); the marker request's own messages are swallowed.
Other shell requests, control, stdin and the heartbeat pass through. What differs from Deno's kernel
alone: a cell counts as running until its outputs are out (a cell that leaves a busy timer behind stays
busy itself, rather than holding up the next cell); `input_request` goes only to the front end whose
cell asked; messages with a bad signature or too few frames are dropped here; starting and stopping
take a fraction of a second longer. Outputs a cell leaves behind in timers after it has finished still
arrive late, as with any kernel.

Usage (kernel.json argv): python3 /path/to/deno_kernel.py --deno /path/to/deno {connection_file}
Needs only pyzmq, which Jupyter itself depends on. Linux and macOS (Windows is not supported: Deno's
kernel there is untested by the course). Problems are printed to stderr, which Jupyter shows in the
terminal it runs in.
"""

import argparse
import collections
import ctypes
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import zmq

DELIM = b"<IDS|MSG>"
MARKER_TYPE = "course_output_flush"
# If the marker has not come back after this long (a cell left the kernel busy in a timer), the
# cell's idle is forwarded anyway rather than leaving the front end waiting.
MARKER_TIMEOUT_S = 20.0
# If the marker request has finished (its idle came) but the marker itself has not come this long
# after, it never will (a cell replaced Deno.jupyter.broadcast, say): the cell's idle goes out.
MARKER_GRACE_S = 0.25
# Where the marker request finds `broadcast`: a reference taken before any cell runs, so that a cell
# that reassigns Deno.jupyter.broadcast does not break the marker.
BROADCAST_REF = "Symbol.for('lstm-course.broadcast')"


def free_ports(ip: str, n: int) -> list:
    """n distinct free ports: all held open while choosing, so the OS cannot hand one out twice."""
    held = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((ip, 0))
            held.append(s)
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


class Signer:
    def __init__(self, key: str, scheme: str):
        self.key = key.encode()
        algorithm = scheme.split("-", 1)[1] if scheme.startswith("hmac-") else "sha256"
        self.digest = getattr(hashlib, algorithm)

    def sign(self, parts: list) -> bytes:
        if not self.key:
            return b""
        h = hmac.new(self.key, digestmod=self.digest)
        for p in parts:
            h.update(p)
        return h.hexdigest().encode()

    def valid(self, rest: list) -> bool:
        """Whether [sig, header, parent, metadata, content, ...] is signed with the connection key."""
        return not self.key or hmac.compare_digest(rest[0], self.sign(rest[1:5]))


class Malformed(ValueError):
    """A message this proxy cannot read: dropped with one line on stderr."""


def split(frames: list):
    """[idents..., DELIM, sig, header, parent, metadata, content, buffers...] -> (idents, rest)."""
    try:
        k = frames.index(DELIM)
    except ValueError:
        raise Malformed("no <IDS|MSG> delimiter") from None
    rest = frames[k + 1:]
    if len(rest) < 5:
        raise Malformed(f"{len(rest)} frames after the delimiter, expected at least 5")
    return frames[:k], rest


class Proxy:
    def __init__(self, conn: dict, deno: str, conn_path: str):
        self.conn = conn
        self.signer = Signer(conn.get("key", ""), conn.get("signature_scheme", "hmac-sha256"))
        self.session = uuid.uuid4().hex
        ip = conn.get("ip", "127.0.0.1")
        transport = conn.get("transport", "tcp")
        if transport != "tcp":
            raise SystemExit(f"deno_kernel.py: only tcp transport is supported, got {transport}")
        self.ctx = zmq.Context()
        url = lambda port: f"tcp://{ip}:{port}"

        # The front end's side: the ports Jupyter gave us.
        self.f_shell = self.ctx.socket(zmq.ROUTER)
        self.f_control = self.ctx.socket(zmq.ROUTER)
        self.f_stdin = self.ctx.socket(zmq.ROUTER)
        self.f_iopub = self.ctx.socket(zmq.PUB)
        self.f_hb = self.ctx.socket(zmq.REP)
        for sock in (self.f_shell, self.f_control, self.f_stdin, self.f_iopub, self.f_hb):
            sock.setsockopt(zmq.LINGER, 1000)
        self.f_shell.bind(url(conn["shell_port"]))
        self.f_control.bind(url(conn["control_port"]))
        self.f_stdin.bind(url(conn["stdin_port"]))
        self.f_iopub.bind(url(conn["iopub_port"]))
        self.f_hb.bind(url(conn["hb_port"]))

        # Deno's kernel: same key, ports of its own.
        kconn = dict(conn)
        names = ("shell_port", "control_port", "stdin_port", "iopub_port", "hb_port")
        for name, port in zip(names, free_ports(ip, len(names))):
            kconn[name] = port
        # Next to Jupyter's own connection file (its runtime dir), readable by this user only; removed
        # as soon as Deno has answered (it has read it by then) and at exit.
        fd, self.kconn_path = tempfile.mkstemp(
            prefix="deno-kernel-", suffix=".json", dir=os.path.dirname(os.path.abspath(conn_path)) or None
        )
        with os.fdopen(fd, "w") as f:
            json.dump(kconn, f)
        identity = uuid.uuid4().hex.encode()
        self.k_shell = self.ctx.socket(zmq.DEALER)
        self.k_control = self.ctx.socket(zmq.DEALER)
        self.k_stdin = self.ctx.socket(zmq.DEALER)
        self.k_iopub = self.ctx.socket(zmq.SUB)
        for sock in (self.k_shell, self.k_stdin):
            sock.setsockopt(zmq.IDENTITY, identity)
        for sock in (self.k_shell, self.k_control, self.k_stdin, self.k_iopub):
            sock.setsockopt(zmq.LINGER, 0)
        self.k_iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.k_shell.connect(url(kconn["shell_port"]))
        self.k_control.connect(url(kconn["control_port"]))
        self.k_stdin.connect(url(kconn["stdin_port"]))
        self.k_iopub.connect(url(kconn["iopub_port"]))

        self.child = subprocess.Popen(
            [deno, "jupyter", "--kernel", "--conn", self.kconn_path],
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
        )
        # Before any cell runs: keep a reference to broadcast for the marker (BROADCAST_REF).
        self.setup_id = uuid.uuid4().hex

        self.routes = {}  # msg_id of a request -> the front end's identities (shell and control)
        self.queue = []  # execute_requests waiting: (idents, rest)
        self.running = None  # the execute_request being run: its msg_id and header bytes
        self.held_idle = None  # the running cell's idle, held until its marker comes back
        self.marker_id = None  # msg_id of the marker request for the running cell
        self.marker_sent_at = 0.0
        self.marker_done_at = None  # when the marker request went idle, if its marker has not come
        # marker request id -> header of the cell it flushes; its own messages are not forwarded
        self.markers = collections.OrderedDict()
        self.stdin_peer = None  # the front end's identities for input_request

    # -- messages -----------------------------------------------------------------------------
    def signed(self, header: bytes, parent: bytes, metadata: bytes, content: bytes, buffers: list) -> list:
        sig = self.signer.sign([header, parent, metadata, content])
        return [DELIM, sig, header, parent, metadata, content, *buffers]

    def request(self, code: str, msg_id: str) -> list:
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "course-kernel",
            "session": self.session,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
            "version": "5.3",
        }
        content = {"code": code, "silent": True, "store_history": False, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": False}
        return self.signed(json.dumps(header).encode(), b"{}", b"{}", json.dumps(content).encode(), [])

    def setup_request(self) -> list:
        code = f"globalThis[{BROADCAST_REF}] = Deno.jupyter.broadcast;"
        self.markers[self.setup_id] = b"{}"
        return self.request(code, self.setup_id)

    def marker_request(self) -> list:
        msg_id = uuid.uuid4().hex
        code = f'(globalThis[{BROADCAST_REF}] ?? Deno.jupyter.broadcast)("{MARKER_TYPE}", {{ "id": "{msg_id}" }});'
        self.marker_id = msg_id
        self.marker_done_at = None
        self.markers[msg_id] = self.running["header"]
        while len(self.markers) > 100:
            self.markers.popitem(last=False)
        return self.request(code, msg_id)

    # -- the front end's requests ---------------------------------------------------------------
    def front_request(self, frames: list, channel: str):
        """A request from the front end, checked: its identities, frames and header; its reply is routed back."""
        idents, rest = split(frames)
        if not self.signer.valid(rest):
            raise Malformed(f"bad signature on a {channel} message")
        header = json.loads(rest[1])
        self.routes[header.get("msg_id")] = idents
        return idents, rest, header

    def on_front_shell(self, frames: list):
        idents, rest, header = self.front_request(frames, "shell")
        if header.get("msg_type") == "execute_request":
            self.queue.append((idents, rest))
            self.next_execute()
        else:
            self.k_shell.send_multipart([DELIM, *rest])

    def next_execute(self):
        if self.running is not None or not self.queue:
            return
        idents, rest = self.queue.pop(0)
        header = json.loads(rest[1])
        self.running = {"msg_id": header.get("msg_id"), "header": rest[1]}
        self.stdin_peer = idents
        self.k_shell.send_multipart([DELIM, *rest])

    def on_front_control(self, frames: list):
        _, rest, _ = self.front_request(frames, "control")
        self.k_control.send_multipart([DELIM, *rest])

    def on_front_stdin(self, frames: list):
        _, rest = split(frames)
        self.k_stdin.send_multipart([DELIM, *rest])

    # -- the kernel's replies and outputs -------------------------------------------------------
    def reply(self, front, frames: list):
        _, rest = split(frames)
        self.forget_connection_file()
        parent = json.loads(rest[2])
        msg_id = parent.get("msg_id")
        if msg_id in self.markers:
            return  # the marker request's execute_reply
        idents = self.routes.pop(msg_id, None)
        if idents is not None:
            front.send_multipart([*idents, DELIM, *rest])

    def on_kernel_stdin(self, frames: list):
        _, rest = split(frames)
        if self.stdin_peer is not None:
            self.f_stdin.send_multipart([*self.stdin_peer, DELIM, *rest])

    def on_kernel_iopub(self, frames: list):
        idents, rest = split(frames)
        header = json.loads(rest[1])
        parent = json.loads(rest[2])
        msg_type = header.get("msg_type")
        parent_id = parent.get("msg_id")
        running = self.running

        if parent_id in self.markers:
            if msg_type == MARKER_TYPE:
                if json.loads(rest[4]).get("id") == self.marker_id:
                    self.release()
                return
            if msg_type == "status":
                state = json.loads(rest[4]).get("execution_state")
                if state == "idle" and parent_id == self.marker_id and self.held_idle is not None:
                    self.marker_done_at = time.monotonic()
                return
            if msg_type == "execute_input":
                return
            # An output of the cell that the kernel published after the marker request started:
            # it belongs to the cell that ran before (the kernel stamps the request it is running).
            cell_header = self.markers[parent_id]
            self.f_iopub.send_multipart([*idents, *self.signed(rest[1], cell_header, rest[3], rest[4], rest[5:])])
            return

        if (running is not None and parent_id == running["msg_id"] and msg_type == "status"
                and json.loads(rest[4]).get("execution_state") == "idle"):
            self.held_idle = frames
            self.k_shell.send_multipart(self.marker_request())
            self.marker_sent_at = time.monotonic()
            return
        self.f_iopub.send_multipart(frames)

    def release(self):
        """The running cell's outputs are all out: forward its idle and start the next cell."""
        if self.held_idle is not None:
            self.f_iopub.send_multipart(self.held_idle)
        self.held_idle = None
        self.marker_id = None
        self.marker_done_at = None
        self.running = None
        self.next_execute()

    def forget_connection_file(self):
        if self.kconn_path is not None:
            try:
                os.unlink(self.kconn_path)
            except OSError:
                pass
            self.kconn_path = None

    # -- the loop -------------------------------------------------------------------------------
    def run(self) -> int:
        poller = zmq.Poller()
        handlers = {
            self.f_shell: self.on_front_shell,
            self.f_control: self.on_front_control,
            self.f_stdin: self.on_front_stdin,
            self.f_hb: lambda frames: self.f_hb.send_multipart(frames),
            self.k_shell: lambda frames: self.reply(self.f_shell, frames),
            self.k_control: lambda frames: self.reply(self.f_control, frames),
            self.k_stdin: self.on_kernel_stdin,
            self.k_iopub: self.on_kernel_iopub,
        }
        for sock in handlers:
            poller.register(sock, zmq.POLLIN)
        self.k_shell.send_multipart(self.setup_request())
        exited_at = None
        while True:
            events = dict(poller.poll(20 if self.held_idle is not None or exited_at else 100))
            for sock in handlers:
                if sock in events:
                    # Drain what is there, kernel outputs before shell replies as the order above says.
                    while True:
                        try:
                            frames = sock.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        try:
                            handlers[sock](frames)
                        except Exception as e:  # noqa: BLE001 - one bad message must not stop the kernel
                            print(f"deno_kernel.py: dropped a message: {type(e).__name__}: {e}", file=sys.stderr)
            now = time.monotonic()
            if self.held_idle is not None and (
                now - self.marker_sent_at > MARKER_TIMEOUT_S
                or (self.marker_done_at is not None and now - self.marker_done_at > MARKER_GRACE_S)
            ):
                self.release()
            code = self.child.poll()
            if code is not None:
                if exited_at is None and code > 0:  # an error, not a signal Jupyter sent on shutdown
                    print(f"deno_kernel.py: Deno's kernel exited with code {code}", file=sys.stderr)
                # Let the last replies (shutdown_reply) through, then go.
                exited_at = exited_at or time.monotonic()
                if time.monotonic() - exited_at > 0.05:
                    self.close()
                    return code

    def close(self):
        self.forget_connection_file()
        self.ctx.destroy(linger=100)


def die_with_parent():
    """Linux: the kernel gets SIGKILL if this proxy dies, so no orphan kernel is left."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deno", default="deno", help="the deno executable")
    parser.add_argument("connection_file")
    args = parser.parse_args()
    with open(args.connection_file) as f:
        conn = json.load(f)
    proxy = Proxy(conn, args.deno, args.connection_file)
    # Jupyter interrupts a kernel with SIGINT (kernel.json has no interrupt_mode): pass it on.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _f: proxy.child.send_signal(s))
    try:
        return proxy.run()
    finally:
        if proxy.child.poll() is None:
            proxy.child.kill()


if __name__ == "__main__":
    sys.exit(main())
