"""How the course's kernel starts and ends when things go wrong: run by tests/kernel_test.ts with
JUPYTER_DATA_DIR set to a dir where `deno task kernel` registered "deno". Prints one JSON line of
observations.

- A deno that cannot be started (no such file; a file that is not executable): one line on stderr, no
  Python traceback, a non-zero exit, and no copy of the connection file (it holds the key) left behind.
- A deno that exits with code 3 is reported as such (and the proxy exits 3); the copy of the connection
  file it was given is readable by its owner only (mode 600).
- Deno killed by a signal (SIGKILL, as the out-of-memory killer does), both a stand-in that kills
  itself and the real kernel killed while idle: one line naming the signal, a non-zero exit.
- The front end that started the kernel (JPY_PARENT_PID) killed with SIGKILL: the proxy and Deno are
  gone within a few seconds.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpecManager
from procs import children  # this folder

SPEC = KernelSpecManager().get_kernel_spec("deno").argv  # python, deno_kernel.py, --deno, deno, {connection_file}
PYTHON, PROXY, DENO = SPEC[0], SPEC[1], SPEC[3]


def gone(pid):
    """Whether pid has ended (no such process, or a zombie waiting for a parent to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def run_proxy(deno, timeout=30):
    """Runs the proxy with `deno` on a fresh connection file; returns its exit code, its stderr lines and
    the files left in the connection file's folder besides the connection file itself."""
    runtime = tempfile.mkdtemp(prefix="course-kernel-")
    try:
        conn, _ = write_connection_file(os.path.join(runtime, "kernel.json"))
        out = subprocess.run([PYTHON, PROXY, "--deno", deno, conn], capture_output=True, timeout=timeout)
        left = sorted(n for n in os.listdir(runtime) if n != "kernel.json")
        return {"code": out.returncode, "stderr": out.stderr.decode().strip().splitlines(), "left": left}
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def stand_in(folder, name, body):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)
    return path


def real_deno_killed():
    """The real kernel, ready, then its Deno killed with SIGKILL."""
    runtime = tempfile.mkdtemp(prefix="course-kernel-")
    proxy = None
    try:
        conn, _ = write_connection_file(os.path.join(runtime, "kernel.json"))
        proxy = subprocess.Popen([PYTHON, PROXY, "--deno", DENO, conn], stderr=subprocess.PIPE)
        kc = BlockingKernelClient(connection_file=conn)
        kc.load_connection_file()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        kc.stop_channels()
        [deno] = children(proxy.pid)
        os.kill(deno, signal.SIGKILL)
        started = time.monotonic()
        code = proxy.wait(timeout=10)
        lines = proxy.stderr.read().decode().strip().splitlines()
        return {"code": code, "seconds": round(time.monotonic() - started, 2),
                "stderr": [line for line in lines if "deno_kernel.py" in line]}
    finally:
        if proxy is not None and proxy.poll() is None:
            proxy.kill()
        shutil.rmtree(runtime, ignore_errors=True)


PARENT = """
import sys, time
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name="deno", connection_file=sys.argv[1])
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
print(km.provisioner.process.pid, flush=True)
time.sleep(120)
"""


def parent_killed():
    """A short-lived front end starts the kernel and is killed with SIGKILL: how long the proxy and Deno
    outlive it."""
    runtime = tempfile.mkdtemp(prefix="course-kernel-")
    pids = []
    try:
        log = open(os.path.join(runtime, "stderr.txt"), "w+")
        parent = subprocess.Popen([PYTHON, "-c", PARENT, os.path.join(runtime, "kernel.json")],
                                  stdout=subprocess.PIPE, stderr=log)
        proxy = int(parent.stdout.readline())
        pids = [proxy, *children(proxy)]
        parent.kill()
        parent.wait()
        started = time.monotonic()
        while not all(gone(p) for p in pids) and time.monotonic() - started < 15:
            time.sleep(0.05)
        seconds = round(time.monotonic() - started, 2)
        log.seek(0)
        lines = [line for line in log.read().splitlines() if "deno_kernel.py" in line]
        return {"processes": len(pids), "gone": all(gone(p) for p in pids), "seconds": seconds, "stderr": lines}
    finally:
        for pid in pids:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(runtime, ignore_errors=True)


result = {}
folder = tempfile.mkdtemp(prefix="course-deno-")
try:
    result["missing"] = run_proxy(os.path.join(folder, "no-such-deno"))
    not_executable = os.path.join(folder, "deno-not-executable")
    with open(not_executable, "w") as f:
        f.write("not a program\n")
    result["not_executable"] = run_proxy(not_executable)
    # Deno's argv is: jupyter --kernel --conn <the proxy's copy of the connection file>.
    result["exit_3"] = run_proxy(stand_in(folder, "deno-exit-3", 'stat -c "mode %a" "$4" >&2; exit 3'))
    result["self_killed"] = run_proxy(stand_in(folder, "deno-killed", "kill -KILL $$"))
finally:
    shutil.rmtree(folder, ignore_errors=True)
result["real_killed"] = real_deno_killed()
result["parent_killed"] = parent_killed()
print(json.dumps(result), flush=True)
os._exit(0)  # skip jupyter_client's noisy __del__ at interpreter exit
