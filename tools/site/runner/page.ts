/**
 * "Run it here" on a notebook page of the course website: the page script every notebook page loads (bundled by
 * `tools/site/build_site.ts` as `runner/page.js`, a small classic script, so a page opened from a file loads it
 * too). It puts a bar under the page's navigation with one button; pressing it loads run mode
 * (`runner/run_mode.js`, `run_mode.ts`: the editors, the notebook's worker), which takes the bar over. Readers who
 * never press it download nothing more.
 *
 * A page opened from a file (`file://`) cannot start a module worker or fetch the course's data: there the
 * button says to serve the folder over HTTP instead.
 *
 * State for tests, on `<body>`: `data-runner` is `off` until run mode is on.
 *
 * @module
 */

const STYLE = `
.course-runner { position: sticky; top: 0; z-index: 10; display: flex; gap: 10px; align-items: center; flex-wrap: wrap;
  padding: 8px 24px; background: #fffbea; border-bottom: 1px solid #eadfa8; font: 14px/1.4 system-ui, sans-serif; }
.course-runner button { font: 600 14px system-ui, sans-serif; padding: 5px 12px; border-radius: 6px; cursor: pointer;
  border: 1px solid #b9a85a; background: white; }
.course-runner button.primary { background: #1f4fa0; color: white; border-color: #1f4fa0; }
.course-runner button:disabled { opacity: 0.5; cursor: default; }
.course-runner .status { color: #555; }
.course-runner .status.stopped { color: #a33; font-weight: 600; }
`;

/** What the bar says on a page opened from a file. */
export const NEEDS_HTTP = "Running needs the site served over HTTP: a page opened from a file cannot start the " +
  "notebook's worker. Serve the site's folder with any static server, for example " +
  "python3 -m http.server -d build/site 8000, and open the page from http://localhost:8000/.";

/** The bar under the navigation, with "Run it here". */
function runnerBar(): HTMLElement {
  const style = document.createElement("style");
  style.textContent = STYLE;
  document.head.appendChild(style);
  const bar = document.createElement("div");
  bar.className = "course-runner";
  bar.innerHTML = `<button class="primary" data-action="enable">▶ Run it here</button>` +
    `<span class="status">Edit and run this notebook in your browser, nothing to install: the cells run in ` +
    `order and share their variables, as in Jupyter.</span>`;
  const nav = document.querySelector(".course-nav");
  if (nav) nav.after(bar);
  else document.body.prepend(bar);
  return bar;
}

function say(bar: HTMLElement, message: string) {
  const status = bar.querySelector<HTMLElement>(".status")!;
  status.textContent = message;
  status.classList.add("stopped");
}

/** Loads run mode and hands it the bar. */
function enable(bar: HTMLElement, button: HTMLButtonElement) {
  if (location.protocol === "file:") return say(bar, NEEDS_HTTP);
  button.disabled = true;
  button.textContent = "Loading…";
  const script = document.createElement("script");
  script.src = new URL("runner/run_mode.js", document.baseURI).href;
  script.onload = () => (globalThis as { courseRunMode?: (bar: HTMLElement) => void }).courseRunMode?.(bar);
  script.onerror = () => {
    button.disabled = false;
    button.textContent = "▶ Run it here";
    say(bar, "The runner did not load (runner/run_mode.js): check the connection and press the button again.");
  };
  document.head.appendChild(script);
}

function start() {
  const bar = runnerBar();
  document.body.dataset.runner = "off";
  const button = bar.querySelector<HTMLButtonElement>("[data-action=enable]")!;
  button.addEventListener("click", () => enable(bar, button), { once: false });
}

if (typeof document !== "undefined" && document.querySelector(".jp-Notebook")) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
