/**
 * Headless Chromium through puppeteer-core: the one way the course's tools drive a real browser
 * (the website check, `tools/site/check_site.ts`, and Jupyter's own UI, `tools/notebooks/check_jupyter.ts`),
 * and the one static server that serves a site to it ({@linkcode serveFolder}).
 *
 * Chromium is Debian's `chromium` package (`.ci/run` installs it); `$CHROMIUM` names another binary.
 * puppeteer-core downloads no browser of its own.
 *
 * @module
 */

import { extname, join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export type { Browser, Page };

/** Something a page reported as an error: a console.error, an uncaught exception, a failed load. */
export interface PageError {
  kind: "console" | "exception" | "load";
  text: string;
}

/** Starts headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
  try {
    return await puppeteer.launch({
      executablePath,
      headless: true,
      args: [
        "--no-sandbox", // CI runs as root, where Chromium's sandbox will not start
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-background-networking", // no network here: do not try
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-dev-shm-usage", // containers often have a tiny /dev/shm
      ],
    });
  } catch (e) {
    throw new Error(
      `Cannot start Chromium (${executablePath}): ${(e as Error).message.split("\n")[0]}. ` +
        "Install it (Debian/Ubuntu: apt install chromium) or set CHROMIUM to its path.",
    );
  }
}

/** A new tab `width` CSS pixels wide, and the list its errors are collected in as they happen. */
export async function openPage(
  browser: Browser,
  width = 1100,
  height = 900,
): Promise<{ page: Page; errors: PageError[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  const errors: PageError[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "assert") {
      const where = msg.location()?.url ? ` (${msg.location().url})` : "";
      errors.push({ kind: "console", text: `${msg.text()}${where}` });
    }
  });
  page.on("pageerror", (e) => errors.push({ kind: "exception", text: e instanceof Error ? e.message : String(e) }));
  page.on("requestfailed", (r) => {
    errors.push({ kind: "load", text: `${r.url()}: ${r.failure()?.errorText ?? "failed"}` });
  });
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push({ kind: "load", text: `${r.url()}: HTTP ${r.status()}` });
  });
  return { page, errors };
}

/**
 * Screenshots of the whole page, top to bottom, in slices of at most `sliceHeight` CSS pixels
 * (Chromium garbles single captures taller than its maximum texture size, about 16,000 px).
 * Writes `prefix-1.png`, `prefix-2.png`, … in `dir`; returns their paths.
 */
export async function screenshots(page: Page, dir: string, prefix: string, sliceHeight = 6_000): Promise<string[]> {
  const { width, height } = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  }));
  const paths: string[] = [];
  for (let y = 0, k = 1; y < height; y += sliceHeight, k++) {
    const path = join(dir, `${prefix}-${k}.png`);
    await page.screenshot({
      path,
      clip: { x: 0, y, width, height: Math.min(sliceHeight, height - y) },
      captureBeyondViewport: true,
    });
    paths.push(path);
  }
  return paths;
}

/** Content types of the files a site holds. */
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".gz": "application/gzip",
  ".bin": "application/octet-stream",
  ".json": "application/json",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * A static server of `dir` on a free port of 127.0.0.1, as any static host serves a site (no special headers):
 * files by path with their content type, `index.html` for a folder, 403 outside `dir`, else 404. `requests`
 * collects the paths asked for, in order.
 */
export function serveFolder(dir: string): { url: string; server: Deno.HttpServer; requests: string[] } {
  const requests: string[] = [];
  let port = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (a) => void (port = a.port) }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    requests.push(path);
    if (path.split("/").includes("..")) return new Response("forbidden", { status: 403 });
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const bytes = await Deno.readFile(file);
      const headers = { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" };
      return new Response(req.method === "HEAD" ? null : bytes, { headers });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return { url: `http://127.0.0.1:${port}/`, server, requests };
}
