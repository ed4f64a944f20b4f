/**
 * Run mode of a notebook page (bundled by `tools/site/build_site.ts` as `runner/run_mode.js`, which `page.ts`
 * loads when a learner presses "Run it here"). The page keeps the outputs Jupyter made when the site was built;
 * run mode gives every code cell an editor (CodeMirror 6, TypeScript highlighting), a run button and a prompt that
 * shows `[*]` while it waits or runs. Shift+Enter runs a cell and moves to the next, Ctrl+Enter runs it and stays;
 * "Run all" runs every cell in order and stops at the first error; "Stop" ends the run by restarting the notebook
 * (its worker, `worker_queue.ts`) and says so. A cell's new outputs replace its old ones; an error shows in the cell
 * with the line it came from.
 *
 * State for tests, on `<body>`: `data-runner` is `on`, `data-kernel` is `idle` or `busy`; on each code cell,
 * `data-run-state` is `queued`, `running`, `done`, `error`, `cancelled` or `stopped`.
 *
 * @module
 */

import { basicSetup, EditorView } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { javascript } from "@codemirror/lang-javascript";
import { Kernel, type RunHandlers } from "./worker_queue.ts";
import { appendOutput, clearOutputs, fillOutput } from "./render.ts";
import { type Output, STOPPED } from "./protocol.ts";

/** What `tools/site/_site.ts` puts in the page: the notebook's code cells, by notebook index, in page order. */
interface CellSource {
  index: number;
  source: string;
}

interface PageCell extends CellSource {
  el: HTMLElement;
  prompt: HTMLElement;
  editor?: EditorView;
  area?: HTMLElement;
}

const STYLE = `
.course-run-cell { display: block; margin: 4px 0 0 auto; font-size: 12px; padding: 1px 8px; cursor: pointer;
  border: 1px solid #ccd; border-radius: 4px; background: #f6f8fc; }
.jp-CodeCell[data-run-state=running] .jp-InputPrompt, .jp-CodeCell[data-run-state=queued] .jp-InputPrompt { color: #b35c00; }
.jp-CodeCell[data-run-state=running] .jp-InputArea-editor { border-left: 3px solid #e0a100; }
.course-run-error pre { color: #a11; background: #fdf0f0; }
.course-run-note { font: 13px system-ui, sans-serif; color: #a33; padding: 4px 0 4px 8px; }
.jp-InputArea-editor .cm-editor { font-size: 13px; background: var(--jp-cell-editor-background, #f7f7f7); }
.jp-InputArea-editor .cm-editor.cm-focused { outline: 1px solid #8aa8dd; }
`;

/** The notebook's code cells on the page, with their sources. */
function readCells(): PageCell[] {
  const elements = [...document.querySelectorAll<HTMLElement>(".jp-CodeCell")];
  let sources: CellSource[] | undefined;
  try {
    sources = JSON.parse(document.getElementById("course-cells")?.textContent ?? "null") ?? undefined;
  } catch {
    sources = undefined;
  }
  return elements.map((el, k) => ({
    el,
    index: sources?.[k]?.index ?? k,
    source: sources?.length === elements.length
      ? sources[k].source
      : el.querySelector(".jp-InputArea-editor pre")?.textContent?.replace(/\n$/, "") ?? "",
    prompt: el.querySelector<HTMLElement>(".jp-InputPrompt")!,
  }));
}

export class RunMode {
  private readonly cells = readCells();
  private readonly kernel = new Kernel(new URL("runner/worker.js", document.baseURI));
  /** Outputs shown under a display id, redrawn by `update_display_data` (in any cell, as Jupyter does). */
  private readonly displays = new Map<string, HTMLElement[]>();
  private on = false;
  /** The "Run all" under way: when it started, how many cells. */
  private batch: { started: number; cells: number } | undefined;
  /** The execution count of the last cell that raised an error. */
  private failed = 0;

  /** `bar`: the page's runner bar (`page.ts`), whose buttons this takes over. */
  constructor(private readonly bar: HTMLElement) {
    const style = document.createElement("style");
    style.textContent = STYLE;
    document.head.appendChild(style);
    this.bar.addEventListener("click", (e) => this.action((e.target as HTMLElement).closest("button")?.dataset.action));
    this.kernel.onFailure = (message) => this.say(`The notebook could not start: ${message}`, true);
  }

  private action(name: string | undefined) {
    if (name === "run-all") this.runAll();
    else if (name === "stop") this.stop();
  }

  /** Run mode on: editors, run buttons, the worker started. */
  enable() {
    if (this.on) return;
    this.on = true;
    document.body.dataset.runner = "on";
    this.bar.innerHTML = `<button class="primary" data-action="run-all">▶▶ Run all</button>` +
      `<button data-action="stop">■ Stop</button><span class="status"></span>`;
    this.cells.forEach((cell, k) => this.attachEditor(cell, k));
    this.kernel.start();
    this.idle("Ready. Shift+Enter runs a cell and moves to the next; Run all runs them all, in order.");
  }

  private attachEditor(cell: PageCell, k: number) {
    const host = cell.el.querySelector<HTMLElement>(".jp-InputArea-editor")!;
    for (const child of host.children) (child as HTMLElement).style.display = "none";
    const run = (advance: boolean) => () => {
      this.runCell(cell);
      const next = advance ? this.cells[k + 1] : undefined;
      if (next) {
        next.editor?.focus();
        next.el.scrollIntoView({ block: "nearest" }); // the learner sees the cell that runs next
      }
      return true;
    };
    cell.editor = new EditorView({
      doc: cell.source,
      parent: host,
      extensions: [
        Prec.highest(keymap.of([{ key: "Shift-Enter", run: run(true) }, { key: "Mod-Enter", run: run(false) }])),
        basicSetup,
        javascript({ typescript: true }),
      ],
    });
    const button = document.createElement("button");
    button.className = "course-run-cell";
    button.textContent = "▶ Run";
    button.title = "Run this cell (Shift+Enter)";
    button.addEventListener("click", run(false));
    cell.prompt.appendChild(button);
    cell.el.dataset.runState = "";
  }

  private source(cell: PageCell): string {
    return cell.editor ? cell.editor.state.doc.toString() : cell.source;
  }

  runCell(cell: PageCell) {
    this.queued(cell);
    this.kernel.run(this.source(cell), this.handlers(cell));
    this.busy();
  }

  runAll() {
    const cells = this.cells.filter((c) => this.source(c).trim() !== "");
    this.batch = { started: performance.now(), cells: cells.length };
    for (const c of cells) this.queued(c);
    this.kernel.runAll(cells.map((c) => ({ source: this.source(c), handlers: this.handlers(c) })));
    this.busy();
  }

  stop() {
    const running = this.cells.find((c) => c.el.dataset.runState === "running");
    this.kernel.restart();
    // A fresh notebook: no cell has run in it, so none keeps its old In [n].
    for (const c of this.cells) if (c !== running) setPrompt(c, " ");
    if (running) {
      running.el.dataset.runState = "stopped";
      setPrompt(running, " ");
      const note = document.createElement("div");
      note.className = "course-run-note";
      note.textContent = STOPPED;
      (running.area ?? clearOutputs(running.el)).appendChild(note);
    }
    this.say(STOPPED, true);
    this.stopButton().disabled = true; // nothing runs now: Stop would only throw the variables away
    document.body.dataset.kernel = "idle";
  }

  private queued(cell: PageCell) {
    cell.el.dataset.runState = "queued";
    setPrompt(cell, "*");
  }

  private handlers(cell: PageCell): RunHandlers {
    let count = 0;
    return {
      onStart: (n) => {
        count = n;
        cell.el.dataset.runState = "running";
        cell.area = clearOutputs(cell.el);
        this.ticking(`Running cell [${n}]…`);
      },
      onOutput: (output) => this.output(cell, output),
      onDone: (ok, seconds) => {
        cell.el.dataset.runState = ok ? "done" : "error";
        setPrompt(cell, String(count));
        cell.prompt.title = `ran in ${seconds.toFixed(2)} s`;
        if (!ok) this.failed = count;
        if (!this.kernel.busy) this.idle(ok ? this.doneSay(count, seconds) : errorSay(count, false));
      },
      onCancel: (reason) => {
        if (cell.el.dataset.runState === "running") return; // stop() marks the running cell
        cell.el.dataset.runState = "cancelled";
        setPrompt(cell, " ");
        this.batch = undefined;
        if (reason === "error" && !this.kernel.busy) this.idle(errorSay(this.failed, true));
      },
    };
  }

  private output(cell: PageCell, output: Output) {
    if (output.output_type === "update_display_data") {
      const id = output.transient?.display_id;
      for (const child of (id && this.displays.get(id)) || []) fillOutput(child, output);
      return;
    }
    const child = appendOutput(cell.area ?? clearOutputs(cell.el), output);
    const id = output.output_type === "display_data" ? output.transient?.display_id : undefined;
    if (id) this.displays.set(id, [...(this.displays.get(id) ?? []).filter((c) => c.isConnected), child]);
  }

  /** What the bar says when the last queued cell has run without an error. */
  private doneSay(count: number, seconds: number): string {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch) return `Done: cell [${count}] ran in ${seconds.toFixed(1)} s.`;
    return `Done: ran ${batch.cells} cells in ${((performance.now() - batch.started) / 1000).toFixed(1)} s.`;
  }

  private busy() {
    document.body.dataset.kernel = "busy";
    this.stopButton().disabled = false;
  }

  private idle(message: string) {
    document.body.dataset.kernel = "idle";
    this.stopButton().disabled = true;
    this.say(message);
  }

  private stopButton(): HTMLButtonElement {
    return this.bar.querySelector<HTMLButtonElement>("[data-action=stop]")!;
  }

  /** Says `message`, then the seconds the cell has been running, once a second, until the bar says something else. */
  private ticking(message: string) {
    this.say(message);
    const started = performance.now();
    this.timer = setInterval(() => {
      const seconds = Math.round((performance.now() - started) / 1000);
      if (seconds >= 2) this.show(`${message} ${seconds} s`);
    }, 1000);
  }

  private timer: ReturnType<typeof setInterval> | undefined;

  private say(message: string, alarm = false) {
    clearInterval(this.timer);
    this.show(message, alarm);
  }

  private show(message: string, alarm = false) {
    const status = this.bar.querySelector<HTMLElement>(".status")!;
    status.textContent = message;
    status.classList.toggle("stopped", alarm);
  }
}

function setPrompt(cell: PageCell, count: string) {
  const first = cell.prompt.firstChild;
  const text = `In\u00a0[${count}]:`;
  if (first?.nodeType === Node.TEXT_NODE) first.textContent = text;
  else cell.prompt.prepend(text);
}

function errorSay(count: number, cancelled: boolean): string {
  return `The cell marked In [${count}] raised an error (shown under it)${
    cancelled ? "; the cells after it did not run" : ""
  }.`;
}

/** What `page.ts` calls once this script has loaded: run mode on, in the page's runner bar. */
Object.assign(globalThis, { courseRunMode: (bar: HTMLElement) => new RunMode(bar).enable() });
