/**
 * Headless Chromium driven over the DevTools protocol (CDP), with nothing but Deno's WebSocket:
 * enough to load a page, collect what it logs as errors, read its DOM and take screenshots.
 * Used by `tools/check_site.ts`.
 *
 * Chromium is Debian's `chromium` package (`.ci/run` installs it); `$CHROMIUM` names another binary.
 *
 * @module
 */

import { join } from "node:path";

/** Something a page reported as an error: a console.error, an uncaught exception, a failed load. */
export interface PageError {
  kind: "console" | "exception" | "log";
  text: string;
}

type Pending = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; method: string };
type Listener = (params: Record<string, unknown>, sessionId?: string) => void;

/** A running headless Chromium and one DevTools connection to it. */
export class Chromium {
  #process: Deno.ChildProcess;
  #socket: WebSocket;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #listeners = new Map<string, Set<Listener>>();
  #profile: string;

  private constructor(process: Deno.ChildProcess, socket: WebSocket, profile: string) {
    this.#process = process;
    this.#socket = socket;
    this.#profile = profile;
    socket.onmessage = (event) => {
      const msg = JSON.parse(event.data as string);
      if (msg.id !== undefined) {
        const pending = this.#pending.get(msg.id);
        if (!pending) return;
        this.#pending.delete(msg.id);
        if (msg.error) pending.reject(new Error(`${pending.method}: ${msg.error.message}`));
        else pending.resolve(msg.result ?? {});
      } else if (msg.method) {
        for (const listener of this.#listeners.get(msg.method) ?? []) listener(msg.params ?? {}, msg.sessionId);
      }
    };
  }

  /** Starts Chromium headless and connects to it. */
  static async launch(options: { binary?: string; timeoutMs?: number } = {}): Promise<Chromium> {
    const binary = options.binary ?? Deno.env.get("CHROMIUM") ?? "chromium";
    const profile = await Deno.makeTempDir({ prefix: "course-chromium-" });
    let process: Deno.ChildProcess;
    try {
      process = new Deno.Command(binary, {
        args: [
          "--headless",
          "--no-sandbox", // CI runs as root, where Chromium's sandbox will not start
          "--disable-gpu",
          "--hide-scrollbars",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-quic",
          "--disable-dev-shm-usage", // containers often have a tiny /dev/shm
          "--remote-debugging-port=0",
          `--user-data-dir=${profile}`,
          "about:blank",
        ],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      throw new Error(
        `Cannot start Chromium (${binary}): ${(e as Error).message}. ` +
          "Install it (Debian/Ubuntu: apt install chromium) or set CHROMIUM to its path.",
      );
    }
    // Chromium prints "DevTools listening on ws://…" on stderr once it is ready; keep draining stderr after.
    const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Chromium did not start within ${options.timeoutMs ?? 30_000} ms: ${seen.slice(-500)}`)),
        options.timeoutMs ?? 30_000,
      );
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            clearTimeout(timer);
            reject(new Error(`Chromium exited before it was ready: ${seen.slice(-500)}`));
            return;
          }
          seen += value;
          const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
            break;
          }
        }
        for (;;) if ((await reader.read()).done) break;
      })();
    });
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`Cannot connect to Chromium at ${url}`));
    });
    return new Chromium(process, socket, profile);
  }

  /** Sends one DevTools command (to a page when `sessionId` is given) and waits for its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, method });
      this.#socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  /** Calls `listener` for every event named `method`; returns a function that stops it. */
  on(method: string, listener: Listener): () => void {
    if (!this.#listeners.has(method)) this.#listeners.set(method, new Set());
    this.#listeners.get(method)!.add(listener);
    return () => this.#listeners.get(method)!.delete(listener);
  }

  /** A new tab, `width` CSS pixels wide, ready to load pages. */
  async newPage(width = 1100, height = 900): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" }) as { targetId: string };
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true }) as {
      sessionId: string;
    };
    const page = new Page(this, sessionId, targetId);
    for (const domain of ["Page", "Runtime", "Log"]) await this.send(`${domain}.enable`, {}, sessionId);
    await this.send(
      "Emulation.setDeviceMetricsOverride",
      { width, height, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    return page;
  }

  /** Stops Chromium and removes its temporary profile. */
  async close(): Promise<void> {
    try {
      await Promise.race([this.send("Browser.close"), new Promise((r) => setTimeout(r, 2_000))]);
    } catch { /* already gone */ }
    this.#socket.close();
    try {
      this.#process.kill("SIGKILL");
    } catch { /* already exited */ }
    await this.#process.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

/** One tab. */
export class Page {
  readonly errors: PageError[] = [];
  #browser: Chromium;
  #session: string;
  readonly targetId: string;

  constructor(browser: Chromium, session: string, targetId: string) {
    this.#browser = browser;
    this.#session = session;
    this.targetId = targetId;
    const mine = (f: (p: Record<string, unknown>) => void): Listener => (p, s) => {
      if (s === session) f(p);
    };
    browser.on(
      "Runtime.consoleAPICalled",
      mine((p) => {
        if (p.type !== "error" && p.type !== "assert") return;
        const args = (p.args as { value?: unknown; description?: string }[]).map((a) => a.value ?? a.description);
        this.errors.push({ kind: "console", text: args.join(" ") });
      }),
    );
    browser.on(
      "Runtime.exceptionThrown",
      mine((p) => {
        const d = p.exceptionDetails as { text: string; exception?: { description?: string } };
        this.errors.push({ kind: "exception", text: d.exception?.description ?? d.text });
      }),
    );
    browser.on(
      "Log.entryAdded",
      mine((p) => {
        const e = p.entry as { level: string; text: string; url?: string };
        if (e.level === "error") this.errors.push({ kind: "log", text: `${e.text}${e.url ? ` (${e.url})` : ""}` });
      }),
    );
  }

  /** Loads `url` and waits for its load event (and for web fonts, so screenshots show final text). */
  async goto(url: string, timeoutMs = 30_000): Promise<void> {
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${url} did not load within ${timeoutMs} ms`)), timeoutMs);
      const stop = this.#browser.on("Page.loadEventFired", (_, s) => {
        if (s !== this.#session) return;
        clearTimeout(timer);
        stop();
        resolve();
      });
    });
    const result = await this.#browser.send("Page.navigate", { url }, this.#session) as { errorText?: string };
    if (result.errorText) throw new Error(`Cannot load ${url}: ${result.errorText}`);
    await loaded;
    await this.evaluate("document.fonts.ready.then(() => true)");
  }

  /** Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value as JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.#browser.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }, this.#session) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
    return r.result.value;
  }

  /**
   * Screenshots of the whole page, top to bottom, in slices of at most `sliceHeight` CSS pixels
   * (Chromium garbles single captures taller than its maximum texture size, about 16,000 px).
   * Writes `prefix-1.png`, `prefix-2.png`, … in `dir`; returns their paths.
   */
  async screenshots(dir: string, prefix: string, sliceHeight = 6_000): Promise<string[]> {
    const metrics = await this.#browser.send("Page.getLayoutMetrics", {}, this.#session) as {
      cssContentSize: { width: number; height: number };
    };
    const { width, height } = metrics.cssContentSize;
    const paths: string[] = [];
    for (let y = 0, k = 1; y < height; y += sliceHeight, k++) {
      const clip = { x: 0, y, width: Math.ceil(width), height: Math.ceil(Math.min(sliceHeight, height - y)), scale: 1 };
      const { data } = await this.#browser.send("Page.captureScreenshot", {
        format: "png",
        clip,
        captureBeyondViewport: true,
      }, this.#session) as { data: string };
      const path = join(dir, `${prefix}-${k}.png`);
      await Deno.writeFile(path, Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
      paths.push(path);
    }
    return paths;
  }

  /** Closes the tab. */
  async close(): Promise<void> {
    await this.#browser.send("Target.closeTarget", { targetId: this.targetId });
  }
}
