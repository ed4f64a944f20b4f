// End to end: `deno task start` registers the course's Deno kernel and serves the notebooks, and a
// kernel started for a notebook imports the course library through the `@course/lib` alias.
// Jupyter's data dir is a temporary one (JUPYTER_DATA_DIR), so the user's kernels are not touched.
// Talks to Jupyter the way its web page does: REST for sessions, a WebSocket for the kernel
// (Jupyter messaging protocol 5.3, https://jupyter-client.readthedocs.io/en/stable/messaging.html).
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Collects everything a stream says, in the background (a pipe nobody reads would stall the server). */
function collect(stream: ReadableStream<Uint8Array>): { text: () => string; done: Promise<void> } {
  let log = "";
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of stream) log += decoder.decode(chunk, { stream: true });
  })();
  return { text: () => log, done };
}

/** Waits until the server prints its URL with the login token. */
async function waitForToken(log: () => string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const m = /token=([0-9a-f]+)/.exec(log());
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Jupyter printed no URL with a token within ${ms} ms:\n${log()}`);
}

/** Runs `code` in the kernel and returns its `execute_result` as text/plain. */
function execute(ws: WebSocket, code: string, session: string): Promise<string> {
  const msgId = crypto.randomUUID();
  return new Promise((resolvePromise, reject) => {
    let result: string | undefined;
    let replied = false;
    const timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(code)} within 60 s`)), 60_000);
    const finish = () => {
      if (replied && result !== undefined) {
        clearTimeout(timer);
        ws.removeEventListener("message", onMessage);
        resolvePromise(result);
      }
    };
    const onMessage = (event: MessageEvent) => {
      const msg = JSON.parse(event.data as string);
      if (msg.parent_header?.msg_id !== msgId) return;
      if (msg.msg_type === "execute_result") result = msg.content.data["text/plain"];
      if (msg.msg_type === "error") result = `error: ${msg.content.ename}: ${msg.content.evalue}`;
      if (msg.msg_type === "execute_reply") replied = true;
      finish();
    };
    ws.addEventListener("message", onMessage);
    ws.send(JSON.stringify({
      header: { msg_id: msgId, username: "test", session, msg_type: "execute_request", version: "5.3", date: "" },
      parent_header: {},
      metadata: {},
      content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false },
      channel: "shell",
      buffers: [],
    }));
  });
}

/**
 * Waits until the kernel answers a kernel_info_request, asking again every second. A request sent
 * before the kernel's sockets are connected is silently lost (ZeroMQ's "slow joiner"), which on a
 * loaded machine made the first execute_request hang; Jupyter's own clients wait the same way.
 */
async function waitForKernel(ws: WebSocket, session: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let ready = false;
  const onMessage = (event: MessageEvent) => {
    if (JSON.parse(event.data as string).msg_type === "kernel_info_reply") ready = true;
  };
  ws.addEventListener("message", onMessage);
  try {
    while (!ready) {
      if (Date.now() > deadline) throw new Error(`the kernel did not answer kernel_info_request within ${ms} ms`);
      ws.send(JSON.stringify({
        header: {
          msg_id: crypto.randomUUID(),
          username: "test",
          session,
          msg_type: "kernel_info_request",
          version: "5.3",
          date: "",
        },
        parent_header: {},
        metadata: {},
        content: {},
        channel: "shell",
        buffers: [],
      }));
      for (let k = 0; k < 10 && !ready; k++) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    ws.removeEventListener("message", onMessage);
  }
}

Deno.test({
  name: "deno task start serves the notebooks, and their Deno kernel imports @course/lib",
  async fn() {
    const port = freePort();
    const dataDir = await Deno.makeTempDir({ prefix: "course-jupyter-" });
    const server = new Deno.Command(Deno.execPath(), {
      args: ["task", "start", "--no-browser", `--port=${port}`, "--ip=127.0.0.1"],
      cwd: ROOT,
      env: { NO_COLOR: "1", JUPYTER_DATA_DIR: dataDir },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const base = `http://127.0.0.1:${port}`;
    const stdout = collect(server.stdout), stderr = collect(server.stderr);
    let token = "";
    try {
      token = await waitForToken(() => stdout.text() + stderr.text(), 30_000);
      const api = async (path: string, init?: RequestInit) => {
        const response = await fetch(`${base}${path}${path.includes("?") ? "&" : "?"}token=${token}`, init);
        assert.ok(response.ok, `${init?.method ?? "GET"} ${path}: HTTP ${response.status}`);
        return await response.json();
      };

      const specs = await api("/api/kernelspecs");
      assert.ok("deno" in specs.kernelspecs, `kernelspecs: ${Object.keys(specs.kernelspecs)}`);
      const spec = specs.kernelspecs.deno.spec;
      assert.ok(spec.metadata?.lstm_course, `"deno" is the course's kernel: ${JSON.stringify(spec)}`);
      assert.match(spec.argv[1], /deno_kernel\.py$/);

      const contents = await api("/api/contents");
      const names: string[] = contents.content.map((c: { name: string }) => c.name);
      assert.ok(names.includes("03-pointwise-operations.ipynb"), `notebooks served: ${names}`);

      const session = await api("/api/sessions", {
        method: "POST",
        body: JSON.stringify({ path: "03-pointwise-operations.ipynb", type: "notebook", kernel: { name: "deno" } }),
      });
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/kernels/${session.kernel.id}/channels?token=${token}`);
      await new Promise((ok, fail) => {
        ws.onopen = ok;
        ws.onerror = fail;
      });
      try {
        const sessionId = crypto.randomUUID();
        await waitForKernel(ws, sessionId, 60_000);
        const cwd = await execute(ws, "Deno.cwd()", sessionId);
        assert.match(cwd, /notebooks"?$/, "the kernel runs in the notebooks folder");
        const product = await execute(
          ws,
          'const { mul } = await import("@course/lib"); mul([4, 5, 6], [1, 2, 3]).join(" ")',
          sessionId,
        );
        assert.equal(product, '"4 10 18"');
      } finally {
        ws.close();
        await api(`/api/sessions/${session.id}`, { method: "DELETE" }).catch(() => {});
      }
    } finally {
      if (token) await fetch(`${base}/api/shutdown?token=${token}`, { method: "POST" }).then((r) => r.body?.cancel());
      const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
      await server.status;
      clearTimeout(timer);
      await Promise.all([stdout.done, stderr.done]);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
