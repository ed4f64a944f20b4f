"""Ending the kernel with the front end that started it, for the course's kernel proxy (deno_kernel.py)."""

import ctypes
import os
import signal
import time

# The front end that started the kernel (JPY_PARENT_PID, which jupyter_client sets) is looked for this
# often: once it has died (killed hard, it cannot shut the kernel down), Deno is stopped and the proxy
# exits, as ipykernel's ParentPollerUnix does.
PARENT_POLL_S = 1.0


class ParentWatch:
    """Whether the front end that started the kernel has died (JPY_PARENT_PID, as ipykernel's
    ParentPollerUnix): the proxy's parent changed (it was reparented) or that pid is gone. Looked at
    every PARENT_POLL_S; never, when JPY_PARENT_PID is not set (the proxy was started by hand)."""

    def __init__(self):
        pid = os.environ.get("JPY_PARENT_PID", "")
        self.pid = int(pid) if pid.isdigit() else 0
        self.ppid = os.getppid()
        self.checked = time.monotonic()

    def gone(self) -> bool:
        if self.pid <= 1 or time.monotonic() - self.checked < PARENT_POLL_S:
            return False
        self.checked = time.monotonic()
        if os.getppid() != self.ppid:
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            pass  # it exists, as another user's process
        return False


def die_with_parent():
    """Linux: the kernel gets SIGKILL if this proxy dies, so no orphan kernel is left."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
