/**
 * The page's side of the notebook runner: a kernel, as Jupyter has one, made of a Web Worker (`worker.ts`).
 * Cells wait in a queue and run one at a time; a cell run as part of "Run all" that fails cancels the cells
 * queued after it (as Jupyter does); `restart` terminates the worker, whatever it is doing, and starts a new one
 * with an empty scope.
 *
 * @module
 */

import type { Output, RunRequest, WorkerMessage } from "./protocol.ts";

/** What the page hears about one queued cell. */
export interface RunHandlers {
  /** The cell starts, as execution `count` (`In [count]`). */
  onStart(count: number): void;
  onOutput(output: Output): void;
  onDone(ok: boolean, seconds: number): void;
  /** The cell will not run: an earlier cell of its batch failed, or the kernel restarted. */
  onCancel(reason: "error" | "restart"): void;
}

interface Job {
  source: string;
  handlers: RunHandlers;
  /** Jobs of one batch ("Run all") stop at the first error. */
  batch?: number;
  run?: number;
}

/** A notebook kernel in a Web Worker (module worker at `url`). */
export class Kernel {
  private worker: Worker | undefined;
  private queue: Job[] = [];
  private running: Job | undefined;
  private nextRun = 1;
  private nextBatch = 1;
  /** The execution count of the last cell started (Jupyter's `[n]`); 0 after a restart. */
  count = 0;
  /** Called when the worker has started (after `start` and every restart). */
  onReady: () => void = () => {};
  /** Called when the worker cannot start or dies (a script that fails to load, memory). */
  onFailure: (message: string) => void = () => {};

  constructor(private readonly url: URL) {}

  /** Starts the worker (once; `restart` starts a new one). */
  start(): void {
    if (this.worker) return;
    const worker = new Worker(this.url, { type: "module", name: "notebook kernel" });
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => this.message(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.onFailure(event.message || "the notebook's worker did not start");
    };
    this.worker = worker;
  }

  /** Whether a cell is running or waiting. */
  get busy(): boolean {
    return this.running !== undefined || this.queue.length > 0;
  }

  /** Queues one cell. */
  run(source: string, handlers: RunHandlers): void {
    this.queue.push({ source, handlers });
    this.next();
  }

  /** Queues cells to run in order; the first that fails cancels the rest. */
  runAll(cells: { source: string; handlers: RunHandlers }[]): void {
    const batch = this.nextBatch++;
    for (const c of cells) this.queue.push({ ...c, batch });
    this.next();
  }

  /** Ends whatever runs (the worker is terminated), cancels the queue, and starts a new worker. */
  restart(): void {
    this.worker?.terminate();
    this.worker = undefined;
    const dropped = [...(this.running ? [this.running] : []), ...this.queue];
    this.running = undefined;
    this.queue = [];
    this.count = 0;
    for (const job of dropped) job.handlers.onCancel("restart");
    this.start();
  }

  private next() {
    if (this.running || this.queue.length === 0 || !this.worker) return;
    const job = this.queue.shift()!;
    job.run = this.nextRun++;
    this.running = job;
    this.count++;
    job.handlers.onStart(this.count);
    const request: RunRequest = { type: "run", run: job.run, count: this.count, source: job.source };
    this.worker.postMessage(request);
  }

  private message(m: WorkerMessage) {
    if (m.type === "ready") {
      this.onReady();
      this.next();
    } else if (m.type === "output") {
      // Outputs of a finished run (a timer it left) go to the cell running now, or nowhere.
      (this.running ?? this.lastJob)?.handlers.onOutput(m.output);
    } else if (m.type === "done" && this.running?.run === m.run) {
      const job = this.running;
      this.running = undefined;
      this.lastJob = job;
      job.handlers.onDone(m.ok, m.seconds);
      if (!m.ok && job.batch !== undefined) {
        const cancelled = this.queue.filter((j) => j.batch === job.batch);
        this.queue = this.queue.filter((j) => j.batch !== job.batch);
        for (const j of cancelled) j.handlers.onCancel("error");
      }
      this.next();
    }
  }

  private lastJob: Job | undefined;
}
