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
6. Interrupt (Stop) first creates the stop file the course's training loops look for after each batch
   (lib/core/stop.ts, STOP_FILE_ENV), then becomes an interrupt_request to Deno, which would die of SIGINT;
   a cell Deno cannot stop ends with a message and a kernel restart (INTERRUPT_WAIT_S);
7. is_complete says "invalid" for code that cannot parse (Deno: "complete"), and a value's text/plain
   loses its terminal colour codes (ANSI_CODE). tests/kernel/conformance.py: Jupyter's kernel test suite.
Other shell requests, control, stdin and the heartbeat pass through. What differs from Deno's kernel
alone: a cell counts as running until its outputs are out (a cell that leaves a busy timer behind stays
busy itself, rather than holding up the next cell); `input_request` goes only to the front end whose
cell asked (on_kernel_stdin), and a prompt() no front end can answer gets an empty answer; messages with
a bad signature or too few frames are dropped here, on every channel; a second client with an identity
in use takes it over (ROUTER_HANDOVER); the heartbeat is Deno's own (ping_deno); the kernel stops when
the front end that started it dies (ParentWatch); Deno's death by a signal, or failure to start, is one
line on stderr (report_exit, main); starting and stopping take a fraction of a second longer. Outputs
a cell leaves behind in timers after it has finished still arrive late, as with any kernel.

Usage (kernel.json argv): python3 /path/to/deno_kernel.py --deno /path/to/deno {connection_file}
Needs only pyzmq, which Jupyter itself depends on. Linux and macOS (Windows is not supported: Deno's
kernel there is untested by the course). Problems are printed to stderr, which Jupyter shows in the
terminal it runs in.
"""

import argparse
import atexit
import collections
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import zmq

from cell_errors import diagnose, syntax_error
from jupyter_wire import DELIM, Malformed, Signer, free_ports, private_copy, split, warn
from parent_watch import ParentWatch, die_with_parent

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
# Before that, the proxy creates the stop file that the course's training loops look for after every batch
# (lib/core/stop.ts; its path is in STOP_FILE_ENV): a loop that awaits between batches ends with an
# "Interrupted" error and every variable stays. Only if the cell has not ended STOP_FILE_WAIT_S after the
# Stop does the interrupt_request go to Deno (which stops a synchronous cell, and wedges an awaiting one).
STOP_FILE_ENV = "LSTM_COURSE_STOP_FILE"
STOP_FILE_WAIT_S = 1.5
INTERRUPTED = ("Interrupted", "the cell was stopped (Interrupt); the kernel and its variables are kept")
RESTARTING = ("Interrupted", "Deno cannot stop a cell while it awaits (a timer, a promise): the kernel is "
              "restarting, and its variables are gone. Run the notebook's cells again from the top.")
STREAM_FLUSH_CHARS = 1 << 20
# Where the marker request finds `broadcast`: a reference taken before any cell runs, so that a cell
# that reassigns Deno.jupyter.broadcast does not break the marker.
BROADCAST_REF = "Symbol.for('lstm-course.broadcast')"
# Deno colours a cell's value for a terminal (`6*7` gives "\x1b[33m42\x1b[39m") and sends it so as the
# text/plain of execute_result and display_data, where front ends and saved notebooks keep the codes
# (ipykernel sends plain text). The proxy takes them out there only: streams and error tracebacks keep
# theirs, which front ends colour.
ANSI_CODE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PLAIN_TEXT_OUTPUTS = ("execute_result", "display_data", "update_display_data")


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
        # The heartbeat is Deno's: pings go on to Deno's heartbeat and its echoes back (ping_deno; a
        # ROUTER, as ipykernel's, keeps each pinging front end's identity), so a stopped Deno looks dead.
        self.f_hb = self.ctx.socket(zmq.ROUTER)
        for sock in (self.f_shell, self.f_control, self.f_stdin, self.f_iopub, self.f_hb):
            sock.setsockopt(zmq.LINGER, 1000)
        # A front end that connects with an identity in use (a second client of one KernelManager) takes
        # it over rather than go unanswered; an input_request nobody can receive fails (on_kernel_stdin).
        for sock in (self.f_shell, self.f_control, self.f_stdin, self.f_hb):
            sock.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self.f_stdin.setsockopt(zmq.ROUTER_MANDATORY, 1)
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
        self.kconn_path = private_copy(kconn, os.path.dirname(os.path.abspath(conn_path)))
        atexit.register(self.forget_connection_file)
        identity = uuid.uuid4().hex.encode()
        self.k_shell = self.ctx.socket(zmq.DEALER)
        self.k_control = self.ctx.socket(zmq.DEALER)
        self.k_stdin = self.ctx.socket(zmq.DEALER)
        self.k_iopub = self.ctx.socket(zmq.SUB)
        self.k_hb = self.ctx.socket(zmq.DEALER)
        for sock in (self.k_shell, self.k_stdin):
            sock.setsockopt(zmq.IDENTITY, identity)
        for sock in (self.k_shell, self.k_control, self.k_stdin, self.k_iopub, self.k_hb):
            sock.setsockopt(zmq.LINGER, 0)
        self.k_iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.k_iopub.setsockopt(zmq.RCVHWM, 0)
        self.k_shell.connect(url(kconn["shell_port"]))
        self.k_control.connect(url(kconn["control_port"]))
        self.k_stdin.connect(url(kconn["stdin_port"]))
        self.k_iopub.connect(url(kconn["iopub_port"]))
        self.k_hb.connect(url(kconn["hb_port"]))

        self.deno = deno
        self.killed_for_interrupt = False
        self.stop_path = os.path.join(tempfile.gettempdir(), f"deno-kernel-stop-{uuid.uuid4().hex}")
        self.stop_deadline = None  # when to send the interrupt_request if the stop file has not ended the cell
        self.child = subprocess.Popen(
            [deno, "jupyter", "--kernel", "--conn", self.kconn_path],
            env={**os.environ, STOP_FILE_ENV: self.stop_path},
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
            # Jupyter sends SIGINT to the kernel's whole process group, and SIGINT ends Deno's kernel: on
            # Linux (where die_with_parent still ends Deno with the proxy) Deno gets a group of its own.
            start_new_session=sys.platform.startswith("linux"),
        )
        # Before any cell runs: keep a reference to broadcast for the marker (BROADCAST_REF).
        self.setup_id = uuid.uuid4().hex

        self.routes = {}  # msg_id of a request -> the front end's identities (shell and control)
        self.queue = []  # execute_requests waiting: (idents, rest)
        self.draining = False  # drain_front_shell is reading the shell socket: start no cell
        self.running = None  # the execute_request being run: its msg_id and header bytes
        self.held_idle = None  # the running cell's idle, held until its marker comes back
        self.marker_id = None  # msg_id of the marker request for the running cell
        self.marker_failed = False  # the marker request ended in an error: no marker will come
        self.kernel_heard_at = 0.0  # when Deno's kernel last published anything
        # marker request id -> header of the cell it flushes; its own messages are not forwarded
        self.markers = collections.OrderedDict()
        self.stdin_peer = None  # the running cell's front end: its shell identities and session id
        self.stdin_peers = collections.OrderedDict()  # session id -> the identities it last used on stdin
        self.input_waiting = False  # an input_request is out: the one input_reply Deno takes
        self.signals_sent = set()  # signals the proxy passed on to Deno: its death by them is no news
        self.parent = ParentWatch()
        self.interrupt_requested = False  # set by the SIGINT handler, acted on in the loop
        self.interrupt_deadline = None  # when to give up on the interrupted cell ending
        self.stream = None  # stream output being gathered: idents, header, parent, metadata, name, texts, size, since
        self.resigned = 0  # messages from Deno signed again (from_deno)
        self.is_complete_code = {}  # msg_id of an is_complete_request -> its code (is_complete)

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
            if header.get("msg_type") == "is_complete_request":
                self.is_complete_code[header.get("msg_id")] = json.loads(rest[4]).get("code", "")
            self.k_shell.send_multipart([DELIM, *rest])

    def next_execute(self):
        if self.draining or self.running is not None or not self.queue:
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
        self.stdin_peer = (idents, header.get("session"))
        self.input_waiting = False
        self.clear_stop()  # a Stop pressed for an earlier cell does not stop this one
        self.k_shell.send_multipart([DELIM, *rest])

    def drain_front_shell(self):
        """Reads every request already waiting on the shell socket into the queue, without starting any:
        Run All sends its cells at once, but on a busy machine this loop may get to the failed cell's reply
        before it has read the cells behind it (ipykernel too flushes its queue before aborting)."""
        self.draining = True
        try:
            while True:
                try:
                    frames = self.f_shell.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                self.on_front_shell(frames)
        finally:
            self.draining = False

    def abort_queue(self):
        """Run All stops at an error: each execute_request still queued is answered `aborted`, not run."""
        self.drain_front_shell()
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
        if self.stop_deadline is None and self.interrupt_deadline is None:
            try:
                open(self.stop_path, "w").close()  # the course's training loops end at their next batch
                self.stop_deadline = time.monotonic() + STOP_FILE_WAIT_S
                return
            except OSError as e:
                print(f"deno_kernel.py: cannot create the stop file {self.stop_path}: {e}", file=sys.stderr)
        self.stop_deadline = None
        request = json.loads(self.header("interrupt_request"))
        self.k_control.send_multipart(self.signed(json.dumps(request).encode(), b"{}", b"{}", b"{}", []))
        if self.interrupt_deadline is None:
            self.interrupt_deadline = time.monotonic() + INTERRUPT_WAIT_S

    def clear_stop(self):
        """Removes the stop file (lib/core/stop.ts) and forgets the pending Stop."""
        self.stop_deadline = None
        try:
            os.unlink(self.stop_path)
        except OSError:
            pass

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
        """An input_reply: checked like every request, and passed to Deno only while a prompt waits for
        it (Deno would take a stray one as the answer to the next prompt). Where it came from is where its
        session's next input_request goes (on_kernel_stdin)."""
        idents, rest = split(frames)
        if not self.signer.valid(rest):
            raise Malformed("bad signature on a stdin message")
        session = json.loads(rest[1]).get("session")
        self.stdin_peers.pop(session, None)
        self.stdin_peers[session] = idents
        while len(self.stdin_peers) > 100:
            self.stdin_peers.popitem(last=False)
        if not self.input_waiting:
            raise Malformed("an input_reply while no prompt() waits for one")
        self.input_waiting = False
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
            self.clear_stop()
            # Held until the cell's outputs are out, as ipykernel orders them (outputs, reply, idle):
            # nbclient gives a cell's outputs only 4 s (iopub_timeout) after its reply.
            running["reply"] = (self.routes.pop(msg_id, None), rest)
            self.release_when_done()
            return
        if msg_id in self.is_complete_code:
            rest = self.is_complete(rest, self.is_complete_code.pop(msg_id))
        idents = self.routes.pop(msg_id, None)
        if idents is not None:
            front.send_multipart([*idents, DELIM, *rest])

    def is_complete(self, rest: list, code: str) -> list:
        """Deno answers `is_complete` "complete" for code that cannot parse (`const = ;`): such code is
        "invalid" (a console then runs it to show the error instead of waiting for more). Deno's formatter,
        which has the same parser, decides, as for the syntax errors of diagnose."""
        if json.loads(rest[4]).get("status") != "complete" or not syntax_error(self.deno, code):
            return rest
        return self.signed(rest[1], rest[2], rest[3], json.dumps({"status": "invalid"}).encode(), rest[5:])[1:]

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
        """Deno's input_request (prompt()), to the front end whose cell asked: to the stdin identity its
        session last spoke from, else to its shell identity (as ipykernel; jupyter_client gives the two
        sockets one identity). If neither is connected on stdin, prompt() gets an empty answer, not a hang."""
        _, rest = split(frames)
        if self.stdin_peer is None:
            return
        idents, session = self.stdin_peer
        for peer in (self.stdin_peers.get(session), idents):
            try:
                if peer is not None:
                    self.f_stdin.send_multipart([*peer, DELIM, *rest], zmq.NOBLOCK)
                    self.input_waiting = True
                    return
            except zmq.ZMQError:  # EHOSTUNREACH (ROUTER_MANDATORY): not connected on stdin
                pass
        note = "prompt(): this front end does not listen on the kernel's stdin channel; the answer is empty"
        warn(note)
        self.publish("stream", {"name": "stderr", "text": note + "\n"}, rest[2])
        answer = json.dumps({"status": "ok", "value": ""}).encode()
        self.k_stdin.send_multipart(self.signed(self.header("input_reply"), rest[1], b"{}", answer, []))

    def ping_deno(self, frames: list):
        """A front end's heartbeat, passed to Deno's heartbeat; its echo comes back through k_hb (run).
        Until Deno first answers (its connection file is still there), the proxy echoes it itself: a
        client that waits for the kernel by heartbeat gives it only 1 s, and a loaded machine starts Deno
        more slowly (if Deno fails to start, the proxy ends)."""
        if self.kconn_path is not None:
            self.f_hb.send_multipart(frames)
            return
        try:
            self.k_hb.send_multipart(frames, zmq.NOBLOCK)
        except zmq.Again:
            pass  # a thousand pings unanswered: Deno is not alive, and the front end sees so

    def from_deno(self, frames: list) -> list:
        """A message from Deno's kernel, with a signature the front end accepts. Deno 2.9.6 now and then
        signs a large message wrongly (a 5 MB display_data or execute_result, in about 1 of 8 runs of
        tests/fixtures/output_race.ipynb; its frames are whole and parse), and the front end then drops
        it, or nbclient fails the notebook ("Invalid Signature"). Such a message is signed again: it came
        from Deno's own socket, which only Deno publishes on. Counted in `resigned`; said once on stderr."""
        idents, rest = split(frames)
        if self.signer.valid(rest):
            return frames
        for part in (rest[1], rest[2], rest[4]):
            json.loads(part)  # whole and readable, or Malformed (ValueError): dropped by the loop
        self.resigned += 1
        if self.resigned == 1:
            warn("Deno signed a message wrongly (seen on large outputs); the proxy signed it again")
        return [*idents, *self.signed(rest[1], rest[2], rest[3], rest[4], rest[5:])]

    def on_kernel_iopub(self, frames: list):
        self.kernel_heard_at = time.monotonic()
        idents, rest = split(frames)
        header = json.loads(rest[1])
        parent = json.loads(rest[2])
        msg_type = header.get("msg_type")
        if msg_type in PLAIN_TEXT_OUTPUTS:
            rest = self.without_colour(rest)
            frames = [*idents, DELIM, *rest]
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

    def without_colour(self, rest: list) -> list:
        """An execute_result or display_data with its text/plain's colour codes taken out (ANSI_CODE)."""
        if b"\\u001b" not in rest[4].lower() and b"\x1b" not in rest[4]:
            return rest  # no escape at all: a large display (5 MB of HTML) is not parsed for nothing
        content = json.loads(rest[4])
        data = content.get("data")
        text = data.get("text/plain") if isinstance(data, dict) else None
        if not isinstance(text, str) or "\x1b" not in text:
            return rest
        data["text/plain"] = ANSI_CODE.sub("", text)
        return self.signed(rest[1], rest[2], rest[3], json.dumps(content).encode(), rest[5:])[1:]

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

    def report_exit(self, code: int):
        """One line on stderr when Deno ends on its own: its exit code, or the signal that killed it
        (SIGKILL is most often the out-of-memory killer). Not for signals the proxy passed on or sent."""
        if code > 0:
            warn(f"Deno's kernel exited with code {code}")
        elif code < 0 and -code not in self.signals_sent and not self.killed_for_interrupt:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            warn(f"Deno was killed by {name}" + (" (out of memory?)" if -code == signal.SIGKILL else ""))

    def pass_signal(self, signum: int):
        """A signal for the kernel (SIGTERM from Jupyter), passed on to Deno."""
        self.signals_sent.add(signum)
        self.child.send_signal(signum)

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
            self.f_hb: self.ping_deno,
            self.k_hb: lambda frames: self.f_hb.send_multipart(frames),
            self.k_shell: lambda frames: self.reply(self.f_shell, self.from_deno(frames)),
            self.k_control: lambda frames: self.reply(self.f_control, self.from_deno(frames)),
            self.k_stdin: lambda frames: self.on_kernel_stdin(self.from_deno(frames)),
            self.k_iopub: lambda frames: self.on_kernel_iopub(self.from_deno(frames)),
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
            if self.stop_deadline is not None and time.monotonic() > self.stop_deadline:
                self.interrupt()  # the stop file did not end the cell: Deno's own interrupt
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
            if self.parent.gone():
                warn(f"the front end that started the kernel (pid {self.parent.pid}) is gone; stopping Deno")
                self.child.kill()
                self.close()
                return 1
            code = self.child.poll()
            if code is not None:
                if exited_at is None:
                    self.report_exit(code)
                if self.killed_for_interrupt:
                    code = 1  # a failure, so that Jupyter restarts the kernel
                elif code < 0:
                    code = 128 - code  # killed by a signal: as a shell reports it
                # Let the last replies (shutdown_reply) through, then go.
                exited_at = exited_at or time.monotonic()
                if time.monotonic() - exited_at > 0.05:
                    self.close()
                    return code

    def close(self):
        self.forget_connection_file()
        self.clear_stop()
        self.ctx.destroy(linger=100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deno", default="deno", help="the deno executable")
    parser.add_argument("connection_file")
    args = parser.parse_args()
    try:
        with open(args.connection_file) as f:
            conn = json.load(f)
        proxy = Proxy(conn, args.deno, args.connection_file)
    except (OSError, ValueError, KeyError, zmq.ZMQError) as e:  # no traceback: one line, and exit
        what = f"{e.strerror}: {e.filename}" if getattr(e, "filename", None) else f"{type(e).__name__}: {e}"
        warn(f"cannot start the kernel ({what}); run `deno task kernel` again if Deno has moved")
        return 1
    # Jupyter interrupts a kernel with SIGINT (kernel.json has no interrupt_mode), which would end Deno's
    # kernel: it becomes an interrupt_request (Proxy.interrupt), sent from the loop. SIGTERM is passed on.
    signal.signal(signal.SIGINT, lambda _s, _f: setattr(proxy, "interrupt_requested", True))
    signal.signal(signal.SIGTERM, lambda s, _f: proxy.pass_signal(s))
    signal.signal(signal.SIGHUP, lambda s, _f: proxy.pass_signal(s))
    try:
        return proxy.run()
    finally:
        if proxy.child.poll() is None:
            proxy.child.kill()


if __name__ == "__main__":
    sys.exit(main())
