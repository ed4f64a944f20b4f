"""The course's kernel against the Jupyter project's own kernel test suite (jupyter_kernel_test, Debian's
python3-jupyter-kernel-test): run by tests/kernel_test.ts as `python3 -m unittest -v conformance` in this
folder, with JUPYTER_DATA_DIR set to a dir where `deno task kernel` registered "deno".

Each test of KernelTests that the kernel can pass is given its samples; what Deno's kernel has no notion of
(a pager, history) or cannot do (inspect) is skipped with the reason, which tests/kernel_test.ts checks
and the README's kernel section lists. Two checks of the course's own follow: the proxy takes colour
codes out of a value's text/plain only, never out of streams or tracebacks.
"""
import unittest

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message

# Deno's kernel answers every inspect_request "ok" with found: false (Deno 2.9.6): it has no
# introspection (JupyterLab's Shift+Tab, the classic Notebook's tooltip). denoland/deno#20664.
NO_INSPECT = "Deno's kernel answers inspect_request with found: false (denoland/deno#20664)"
NO_PAGER = "Deno has no pager: no code of a cell opens one (ipykernel's `?` and help())"
NO_HISTORY = "Deno's kernel keeps no history: history_reply is always empty"


class DenoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "deno"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'

    completion_samples = [
        {"text": "Math.P", "matches": {"PI"}},
        {"text": "JSON.str", "matches": {"stringify"}},
        {"text": "Deno.jupyter.di", "matches": {"display"}},
    ]

    complete_code_samples = ["6 * 7", "const x = 1;", "function f() { return 1; }", "{ a: 1, b: 2 }",
                             "await Promise.resolve(1)"]
    incomplete_code_samples = ["function f() {", "const a = [1, 2,", "Math.max(", "`abc", "/* a comment"]
    # Deno's kernel answers "complete" for the first three; the proxy asks Deno's parser (deno fmt).
    invalid_code_samples = ["const = ;", "let x = ;", "x +* 2", "}"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},  # Deno sends "\x1b[33m42\x1b[39m": the proxy takes the colour out
        {"code": "[1, 2, 'a']", "result": '[ 1, 2, "a" ]'},
        {"code": "Deno.jupyter.md`**bold**`", "mime": "text/markdown", "result": "**bold**"},
        {"code": "Deno.jupyter.html`<b>bold</b>`", "mime": "text/html", "result": "<b>bold</b>"},
    ]

    code_display_data = [
        {"code": 'await Deno.jupyter.display({ "text/html": "<i>x</i>", "text/plain": "x" }, { raw: true })',
         "mime": "text/html"},
        {"code": "await Deno.jupyter.display(Deno.jupyter.md`# A title`)", "mime": "text/markdown"},
    ]

    # Deno.jupyter has no clear(); broadcast sends any iopub message, clear_output included.
    code_clear_output = 'console.log("a"); Deno.jupyter.broadcast("clear_output", { wait: false });'

    code_inspect_sample = "Math.max"

    # The reply must come and be well formed; what it finds is Deno's (NO_INSPECT). (No docstrings on the
    # tests: unittest -v would print them, and tests/kernel_test.ts reads one line per test.)
    def test_inspect(self):
        self.flush_channels()
        msg_id = self.kc.inspect(self.code_inspect_sample)
        reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        validate_message(reply, "inspect_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        if not reply["content"]["found"]:
            self.skipTest(NO_INSPECT)
        self.assertGreaterEqual(len(reply["content"]["data"]), 1)

    @unittest.skip(NO_PAGER)
    def test_pager(self):
        pass

    @unittest.skip(NO_HISTORY)
    def test_history(self):
        pass

    # The proxy takes colour codes out of a value's text/plain only: a stream and an error keep theirs.
    def test_colour_kept_in_streams_and_tracebacks(self):
        self.flush_channels()
        _, outputs = self.execute_helper("console.log(Deno.inspect(42, { colors: true }))")
        self.assertEqual([m["content"]["text"] for m in outputs], ["\x1b[33m42\x1b[39m\n"])
        self.flush_channels()
        _, outputs = self.execute_helper('throw new Error("\\x1b[31mred\\x1b[0m")')
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])
        self.assertIn("\x1b[31m", outputs[0]["content"]["traceback"][0])

    # Deno.jupyter.display(value) sends the value's text/plain coloured, as a cell's last value: taken out.
    def test_display_data_text_plain_uncoloured(self):
        self.flush_channels()
        _, outputs = self.execute_helper("await Deno.jupyter.display(42)")
        self.assertEqual([(m["msg_type"], m["content"]["data"].get("text/plain")) for m in outputs],
                         [("display_data", "42")])
