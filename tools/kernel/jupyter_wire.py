"""The Jupyter wire protocol as the course's kernel proxy (deno_kernel.py) needs it: signing and checking
messages with the connection key, splitting frames, and the files and ports a kernel is started with."""

import hashlib
import hmac
import json
import os
import socket
import sys
import tempfile

DELIM = b"<IDS|MSG>"


def warn(message: str):
    """One line on stderr (Jupyter's terminal), never an error itself (that terminal may be gone)."""
    try:
        print(f"deno_kernel.py: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


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


def private_copy(conn: dict, folder: str) -> str:
    """Deno's connection file, next to Jupyter's own (in its runtime dir), readable by this user only
    (mkstemp: mode 600). It holds the key: the proxy removes it as soon as Deno has answered (Deno has
    read it by then) and at any exit (forget_connection_file, registered with atexit)."""
    fd, path = tempfile.mkstemp(prefix="deno-kernel-", suffix=".json", dir=folder or None)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(conn, f)
    except BaseException:
        os.unlink(path)
        raise
    return path


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
