"""Proxy.from_deno on its own (no kernel): a message Deno signed correctly passes unchanged, one it
signed wrongly is signed again (Deno 2.9.6 does that now and then to a 5 MB output), and one whose
frames do not parse raises (the proxy's loop drops it with a line on stderr). Prints one JSON line."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "kernel"))
from deno_kernel import Proxy  # noqa: E402
from jupyter_wire import DELIM, Signer  # noqa: E402


class Stub:
    signer = Signer("a-key", "hmac-sha256")
    resigned = 0
    signed = Proxy.signed
    from_deno = Proxy.from_deno


proxy = Stub()
header = json.dumps({"msg_id": "1", "msg_type": "display_data"}).encode()
content = json.dumps({"data": {"text/plain": "x" * 100_000}, "metadata": {}}).encode()
good = [b"ident", *proxy.signed(header, b"{}", b"{}", content, [])]
bad = [b"ident", DELIM, b"0" * 64, header, b"{}", b"{}", content]
broken = [b"ident", DELIM, b"0" * 64, header, b"{}", b"{}", content[:-5]]
result = {"good": "unchanged" if proxy.from_deno(good) == good else "changed"}
fixed = proxy.from_deno(bad)
result["bad"] = "signed again" if fixed[3:] == bad[3:] and fixed[2] != bad[2] else "not fixed"
result["badValid"] = proxy.signer.valid(fixed[2:])
try:
    proxy.from_deno(broken)
    result["broken"] = "accepted"
except ValueError as e:
    result["broken"] = "ValueError" if isinstance(e, ValueError) else type(e).__name__
result["resigned"] = proxy.resigned
print(json.dumps(result))
