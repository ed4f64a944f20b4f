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
   cell (re-signed with the connection key); the marker request's own messages are swallowed;
4. the cell's execute_reply is held with its idle (outputs, reply, idle: ipykernel's order), and its
   consecutive stream messages are joined (MARKER_SILENCE_S, STREAM_FLUSH_S say why and the one fallback);
5. an error ends Run All: queued execute_requests are answered `aborted` (stop_on_error, as ipykernel);
   a cell Deno answers only "Execution failed" gets its syntax error, from `deno fmt` (diagnose);
6. Interrupt becomes an interrupt_request to Deno, which dies of SIGINT (INTERRUPT_WAIT_S).
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
# A cell's idle goes out when its marker comes back, which is after every output of the cell, however
# long that takes (20,000 console.log lines take seconds to drain). The only safety net: if Deno's kernel
# has published nothing at all for this long since the marker was sent, the marker is taken as lost (a
# cell left the kernel stuck in a synchronous loop inside a timer, say) and the idle goes out. Every
# message Deno publishes restarts the clock, so output still flowing is never cut off.
MARKER_SILENCE_S = 60.0
# If the marker request itself failed (a cell broke both references to broadcast), no marker will come:
# the idle goes out once Deno has published nothing for this long (its output queue drains without pause).
MARKER_FAILED_SILENCE_S = 2.0
# The message a syntax error (or another failure Deno reports only as "Execution failed") gets when
# Deno's own formatter, which uses the same parser, cannot say more.
EXECUTION_FAILED = "Execution failed"
# Consecutive `stream` messages of one cell are sent on as one (as ipykernel buffers a cell's stdout):
# Deno sends one message per console.log, and 20,000 of them took front ends (nbclient) longer to read
# than the 4 s nbclient allows after a cell's reply. Held at most this long, and at most this much text.
STREAM_FLUSH_S = 0.05
# Interrupt (SIGINT from Jupyter, or an interrupt_request): Deno's kernel dies of SIGINT, so the proxy
# sends it an interrupt_request instead. That stops a synchronous cell at once and keeps every variable;
# a cell that is awaiting (a timer, a training loop between batches) it cannot stop, and the kernel then
# hangs (Deno 2.9.6). If the cell has not ended this long after the interrupt, the cell is told so and
# Deno is ended, so that Jupyter restarts the kernel rather than leave it hanging.
INTERRUPT_WAIT_S = 3.0
INTERRUPTED = ("Interrupted", "the cell was stopped (Interrupt); the kernel and its variables are kept")
RESTARTING = ("Interrupted", "Deno cannot stop a cell while it awaits (a timer, a promise): the kernel is "
              "restarting, and its variables are gone. Run the notebook's cells again from the top.")
STREAM_FLUSH_CHARS = 1 << 20
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
        # A PUB socket drops messages beyond its high-water mark (1,000 by default) when a front end
        # reads more slowly than the kernel prints: no limit, so a burst of output is queued, not lost.
        self.f_iopub.setsockopt(zmq.SNDHWM, 0)
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
        self.k_iopub.setsockopt(zmq.RCVHWM, 0)
        self.k_shell.connect(url(kconn["shell_port"]))
        self.k_control.connect(url(kconn["control_port"]))
        self.k_stdin.connect(url(kconn["stdin_port"]))
        self.k_iopub.connect(url(kconn["iopub_port"]))

        self.deno = deno
        self.killed_for_interrupt = False
        self.child = subprocess.Popen(
            [deno, "jupyter", "--kernel", "--conn", self.kconn_path],
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
            # Jupyter sends SIGINT to the kernel's whole process group, and SIGINT ends Deno's kernel: on
            # Linux (where die_with_parent still ends Deno with the proxy) Deno gets a group of its own.
            start_new_session=sys.platform.startswith("linux"),
        )
        # Before any cell runs: keep a reference to broadcast for the marker (BROADCAST_REF).
        self.setup_id = uuid.uuid4().hex

        self.routes = {}  # msg_id of a request -> the front end's identities (shell and control)
        self.queue = []  # execute_requests waiting: (idents, rest)
        self.running = None  # the execute_request being run: its msg_id and header bytes
        self.held_idle = None  # the running cell's idle, held until its marker comes back
        self.marker_id = None  # msg_id of the marker request for the running cell
        self.marker_failed = False  # the marker request ended in an error: no marker will come
        self.kernel_heard_at = 0.0  # when Deno's kernel last published anything
        # marker request id -> header of the cell it flushes; its own messages are not forwarded
        self.markers = collections.OrderedDict()
        self.stdin_peer = None  # the front end's identities for input_request
        self.interrupt_requested = False  # set by the SIGINT handler, acted on in the loop
        self.interrupt_deadline = None  # when to give up on the interrupted cell ending
        self.stream = None  # stream output being gathered: idents, header, parent, metadata, name, texts, size, since

    # -- messages -----------------------------------------------------------------------------
    def signed(self, header: bytes, parent: bytes, metadata: bytes, content: bytes, buffers: list) -> list:
        sig = self.signer.sign([header, parent, metadata, content])
        return [DELIM, sig, header, parent, metadata, content, *buffers]

    def request(self, code: str, msg_id: str) -> list:
        header = json.loads(self.header("execute_request"))
        header["msg_id"] = msg_id
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
        self.marker_failed = False
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
        try:
            content = json.loads(rest[4])
        except ValueError:
            content = {}
        self.running = {
            "msg_id": header.get("msg_id"),
            "header": rest[1],
            "code": content.get("code", ""),
            # As ipykernel: an error in a cell that is not silent aborts the cells queued behind it.
            "stop_on_error": bool(content.get("stop_on_error", True)) and not content.get("silent", False),
            "failed": False,
            "reply": None,  # its execute_reply, held like its idle: (identities, frames)
            "marker_back": False,
        }
        self.stdin_peer = idents
        self.k_shell.send_multipart([DELIM, *rest])

    def abort_queue(self):
        """Run All stops at an error: each execute_request still queued is answered `aborted`, not run."""
        queued, self.queue = self.queue, []
        for idents, rest in queued:
            parent = rest[1]
            self.publish("status", {"execution_state": "busy"}, parent)
            header = self.header("execute_reply")
            self.f_shell.send_multipart([*idents, *self.signed(
                header, parent, json.dumps({"status": "aborted"}).encode(),
                json.dumps({"status": "aborted"}).encode(), [])])
            self.publish("status", {"execution_state": "idle"}, parent)
            self.routes.pop(json.loads(parent).get("msg_id"), None)

    def header(self, msg_type: str) -> bytes:
        return json.dumps({
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "course-kernel",
            "session": self.session,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
            "version": "5.3",
        }).encode()

    def publish(self, msg_type: str, content: dict, parent: bytes):
        """An iopub message of this proxy's own, under the request whose header is `parent`."""
        self.iopub_out(self.signed(self.header(msg_type), parent, b"{}", json.dumps(content).encode(), []))

    def iopub_out(self, frames: list):
        """Sends a message to the front ends, after the stream text gathered before it."""
        self.flush_stream()
        self.f_iopub.send_multipart(frames)

    def gather_stream(self, idents: list, rest: list, parent: bytes):
        """A `stream` output for the cell whose header is `parent`: joined to the one gathered before it if
        that was the same cell's, same stream."""
        content = json.loads(rest[4])
        name, text = content.get("name"), content.get("text", "")
        if not isinstance(text, str) or rest[5:]:
            self.iopub_out([*idents, *self.signed(rest[1], parent, rest[3], rest[4], rest[5:])])
            return
        s = self.stream
        if s is not None and (s["parent"] != parent or s["name"] != name or s["size"] > STREAM_FLUSH_CHARS
                              or time.monotonic() - s["since"] > STREAM_FLUSH_S):
            self.flush_stream()
            s = None
        if s is None:
            self.stream = {"idents": idents, "header": rest[1], "parent": parent, "metadata": rest[3],
                           "name": name, "texts": [text], "size": len(text), "since": time.monotonic()}
        else:
            s["texts"].append(text)
            s["size"] += len(text)

    def flush_stream(self):
        s, self.stream = self.stream, None
        if s is not None:
            content = json.dumps({"name": s["name"], "text": "".join(s["texts"])}).encode()
            self.f_iopub.send_multipart([*s["idents"], *self.signed(s["header"], s["parent"], s["metadata"], content, [])])

    def on_front_control(self, frames: list):
        idents, rest, header = self.front_request(frames, "control")
        if header.get("msg_type") == "interrupt_request":
            self.routes.pop(header.get("msg_id"), None)
            self.interrupt()
            self.f_control.send_multipart([*idents, *self.signed(
                self.header("interrupt_reply"), rest[1], b"{}", json.dumps({"status": "ok"}).encode(), [])])
            return
        self.k_control.send_multipart([DELIM, *rest])

    def interrupt(self):
        """Stops the running cell if Deno can (module docstring, INTERRUPT_WAIT_S)."""
        if self.running is None or self.running["reply"] is not None:
            return  # nothing running (or it has ended and only its outputs are draining)
        self.running["interrupted"] = True
        request = json.loads(self.header("interrupt_request"))
        self.k_control.send_multipart(self.signed(json.dumps(request).encode(), b"{}", b"{}", b"{}", []))
        if self.interrupt_deadline is None:
            self.interrupt_deadline = time.monotonic() + INTERRUPT_WAIT_S

    def give_up_interrupt(self):
        """The interrupted cell did not end: it is told why, and Deno is ended for Jupyter to restart."""
        self.interrupt_deadline = None
        running = self.running
        if running is None or running["reply"] is not None:
            return
        ename, evalue = RESTARTING
        print(f"deno_kernel.py: {evalue}", file=sys.stderr)
        self.publish("error", {"ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]},
                     running["header"])
        self.flush_stream()
        self.child.kill()
        self.killed_for_interrupt = True

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
            # The marker request's execute_reply: swallowed. If it failed, no marker will come.
            if msg_id == self.marker_id and json.loads(rest[4]).get("status") != "ok":
                self.marker_failed = True
                print("deno_kernel.py: the output marker failed; releasing the cell when output stops",
                      file=sys.stderr)
            return
        running = self.running
        if running is not None and msg_id == running["msg_id"] and front is self.f_shell:
            content = json.loads(rest[4])
            if content.get("status") == "error":
                running["failed"] = True
                if content.get("evalue") == EXECUTION_FAILED and not content.get("traceback"):
                    rest = self.explain_failure(rest, content, running)
            self.interrupt_deadline = None
            # Held until the cell's outputs are out, as ipykernel orders them (outputs, reply, idle):
            # nbclient gives a cell's outputs only 4 s (iopub_timeout) after its reply.
            running["reply"] = (self.routes.pop(msg_id, None), rest)
            self.release_when_done()
            return
        idents = self.routes.pop(msg_id, None)
        if idents is not None:
            front.send_multipart([*idents, DELIM, *rest])

    def explain_failure(self, rest: list, content: dict, running: dict) -> list:
        """Deno answers a cell it could not parse with "Execution failed" and nothing else, and shows
        nothing in the cell. Its formatter uses the same parser (swc) and says what and where: that goes
        into the reply and, as an `error` output, into the cell."""
        if running.get("interrupted"):
            ename, evalue = INTERRUPTED
            traceback = [f"{ename}: {evalue}"]
        else:
            ename, evalue, traceback = diagnose(self.deno, running["code"])
        content = {**content, "ename": ename, "evalue": evalue, "traceback": traceback}
        self.publish("error", {"ename": ename, "evalue": evalue, "traceback": traceback}, running["header"])
        body = json.dumps(content).encode()
        return self.signed(rest[1], rest[2], rest[3], body, rest[5:])[1:]

    def on_kernel_stdin(self, frames: list):
        _, rest = split(frames)
        if self.stdin_peer is not None:
            self.f_stdin.send_multipart([*self.stdin_peer, DELIM, *rest])

    def on_kernel_iopub(self, frames: list):
        self.kernel_heard_at = time.monotonic()
        idents, rest = split(frames)
        header = json.loads(rest[1])
        parent = json.loads(rest[2])
        msg_type = header.get("msg_type")
        parent_id = parent.get("msg_id")
        running = self.running

        if parent_id in self.markers:
            if msg_type == MARKER_TYPE:
                if json.loads(rest[4]).get("id") == self.marker_id and running is not None:
                    running["marker_back"] = True
                    self.release_when_done()
                return
            if msg_type in ("status", "execute_input"):
                return
            if msg_type == "error" and parent_id == self.marker_id:
                return  # the marker request failed (reply() notes it): not the cell's error
            # An output of the cell that the kernel published after the marker request started:
            # it belongs to the cell that ran before (the kernel stamps the request it is running).
            cell_header = self.markers[parent_id]
            if msg_type == "stream":
                self.gather_stream(idents, rest, cell_header)
            else:
                self.iopub_out([*idents, *self.signed(rest[1], cell_header, rest[3], rest[4], rest[5:])])
            return

        if (running is not None and parent_id == running["msg_id"] and msg_type == "status"
                and json.loads(rest[4]).get("execution_state") == "idle"):
            self.held_idle = frames
            self.k_shell.send_multipart(self.marker_request())
            return
        if msg_type == "stream" and running is not None and parent_id == running["msg_id"]:
            self.gather_stream(idents, rest, rest[2])
            return
        self.iopub_out(frames)

    def release_when_done(self):
        """Releases the running cell once its marker is back and its reply has come."""
        running = self.running
        if (running is not None and self.held_idle is not None and running["marker_back"]
                and running["reply"] is not None):
            self.release()

    def release(self):
        """The running cell's outputs are all out: forward its idle and start the next cell (or, if it
        failed and asked to stop on error, answer the queued cells `aborted`)."""
        running = self.running
        self.flush_stream()
        if running is not None and running["reply"] is not None:
            idents, rest = running["reply"]
            if idents is not None:
                self.f_shell.send_multipart([*idents, DELIM, *rest])
        if self.held_idle is not None:
            self.iopub_out(self.held_idle)
        self.held_idle = None
        self.marker_id = None
        self.marker_failed = False
        self.running = None
        if running is not None and running["failed"] and running["stop_on_error"]:
            self.abort_queue()
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
            busy = self.held_idle is not None or self.stream is not None or exited_at
            events = dict(poller.poll(20 if busy else 100))
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
            if self.interrupt_requested:
                self.interrupt_requested = False
                self.interrupt()
            if self.interrupt_deadline is not None and time.monotonic() > self.interrupt_deadline:
                self.give_up_interrupt()
            if self.stream is not None and time.monotonic() - self.stream["since"] > STREAM_FLUSH_S:
                self.flush_stream()
            if self.held_idle is not None:
                silence = time.monotonic() - self.kernel_heard_at
                if silence > (MARKER_FAILED_SILENCE_S if self.marker_failed else MARKER_SILENCE_S):
                    if not self.marker_failed:
                        print(f"deno_kernel.py: no output marker after {MARKER_SILENCE_S:.0f} s of silence; "
                              "releasing the cell", file=sys.stderr)
                    self.release()
            code = self.child.poll()
            if code is not None:
                if exited_at is None and code > 0:  # an error, not a signal Jupyter sent on shutdown
                    print(f"deno_kernel.py: Deno's kernel exited with code {code}", file=sys.stderr)
                if self.killed_for_interrupt:
                    code = 1  # a failure, so that Jupyter restarts the kernel
                # Let the last replies (shutdown_reply) through, then go.
                exited_at = exited_at or time.monotonic()
                if time.monotonic() - exited_at > 0.05:
                    self.close()
                    return code

    def close(self):
        self.forget_connection_file()
        self.ctx.destroy(linger=100)


def parse_error(deno: str, code: str, ext: str) -> list:
    """The lines of the syntax error Deno's formatter finds in `code` parsed as `ext`; [] if none (or
    if the formatter cannot be run)."""
    try:
        out = subprocess.run(
            [deno, "fmt", "--no-config", f"--ext={ext}", "-"], input=code.encode(), capture_output=True,
            timeout=10, env={**os.environ, "NO_COLOR": "1", "RUST_BACKTRACE": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    lines = out.stderr.decode(errors="replace").split("Stack backtrace:")[0].rstrip().splitlines()
    return lines if out.returncode != 0 and lines and "SyntaxError" in lines[0] else []


def diagnose(deno: str, code: str):
    """(ename, evalue, traceback) for a cell Deno could not run: the syntax error, with its line, as
    Deno's formatter reports it (the same parser as Deno's REPL), or a plain sentence if it parses."""
    lines = parse_error(deno, code, "ts")
    if not lines or not parse_error(deno, code, "tsx"):  # Deno's REPL runs a cell that parses either way
        return ("Error", "Deno could not run this cell and did not say why (it is not a syntax error: an "
                "import that cannot be resolved or installed, perhaps)", [])
    ename, _, message = lines[0].split("error: ", 1)[-1].partition(": ")
    where, body = "", []
    for line in lines[1:]:
        row_col = line.strip().rsplit(":", 2)[-2:]
        if line.strip().startswith("at ") and all(p.isdigit() for p in row_col):
            where = f" (line {row_col[0]}, column {row_col[1]})"
        else:
            body.append(line)
    return ename, message + where, [f"{ename}: {message}{where}", *body]


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
    # Jupyter interrupts a kernel with SIGINT (kernel.json has no interrupt_mode), which would end Deno's
    # kernel: it becomes an interrupt_request (Proxy.interrupt), sent from the loop. SIGTERM is passed on.
    signal.signal(signal.SIGINT, lambda _s, _f: setattr(proxy, "interrupt_requested", True))
    signal.signal(signal.SIGTERM, lambda s, _f: proxy.child.send_signal(s))
    try:
        return proxy.run()
    finally:
        if proxy.child.poll() is None:
            proxy.child.kill()


if __name__ == "__main__":
    sys.exit(main())
