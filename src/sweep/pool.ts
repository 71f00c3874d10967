import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { evaluate, type Job, type JobResult, type Summary } from "./evaluate.js";

/** Runs jobs and gives back their summaries; `close` frees its threads. */
export interface JobRunner {
  /** How many jobs run at once. */
  readonly size: number;
  run(job: Omit<Job, "id">): Promise<Summary>;
  close(): Promise<void>;
}

/** The default number of workers: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

function settle(result: JobResult): Summary {
  if (result.state === "failed") throw new Error(result.error);
  return result.summary;
}

/** Runs each job on the calling thread, one at a time (tests, and searches too small to share). */
export class InlineRunner implements JobRunner {
  readonly size = 1;
  async run(job: Omit<Job, "id">): Promise<Summary> {
    return settle(evaluate({ ...job, id: 0 }));
  }
  async close(): Promise<void> {}
}

interface Pending {
  job: Job;
  resolve: (summary: Summary) => void;
  reject: (error: Error) => void;
}

/*
 * Node 20 does not apply `execArgv: ["--import", "tsx"]` hooks before a worker's entry module
 * loads (the .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION), so each worker starts from a small
 * evaluated script that registers tsx's loader and then imports worker.ts.
 */
function bootstrap(): string {
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./worker.ts", import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

/** Jobs handed to one worker before its first one comes back: the next is already queued there. */
const IN_FLIGHT = 2;

/**
 * A pool of `size` worker threads (node:worker_threads), started on first use. Jobs queue in
 * order and go to the worker with the fewest jobs in flight; each worker gets up to IN_FLIGHT at
 * once, so it starts its next job without waiting for the main thread to see the last result.
 * Each job carries its own seed, so the results do not depend on the pool size or on which
 * worker ran what.
 */
export class ThreadPool implements JobRunner {
  /** Per worker, the jobs sent to it and not yet answered, in the order it answers them. */
  private readonly inflight = new Map<Worker, Pending[]>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`invalid workers: ${size} (expected a positive integer)`);
    }
  }

  run(job: Omit<Job, "id">): Promise<Summary> {
    if (this.closed) return Promise.reject(new Error("the worker pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, id: this.nextId++ }, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new Error("the worker pool is closed");
    for (const p of this.queue.splice(0)) p.reject(error);
    const all = [...this.inflight.keys()];
    for (const jobs of this.inflight.values()) for (const p of jobs.splice(0)) p.reject(error);
    this.inflight.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  /** The worker with the fewest jobs in flight, if it can take another; spawns one while below size. */
  private pick(): Worker | undefined {
    let best: Worker | undefined;
    let least = IN_FLIGHT;
    for (const [worker, jobs] of this.inflight) {
      if (jobs.length < least) {
        best = worker;
        least = jobs.length;
      }
    }
    if (least > 0 && this.inflight.size < this.size) return this.spawn();
    return best;
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const worker = this.pick();
      if (!worker) return;
      const pending = this.queue.shift() as Pending;
      this.inflight.get(worker)?.push(pending);
      worker.postMessage(pending.job);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(bootstrap(), { eval: true });
    this.inflight.set(worker, []);
    worker.on("message", (result: JobResult) => {
      const pending = this.inflight.get(worker)?.shift();
      if (pending) {
        try {
          pending.resolve(settle(result));
        } catch (error) {
          pending.reject(error as Error);
        }
      }
      this.pump();
    });
    const fail = (error: Error) => {
      const jobs = this.inflight.get(worker) ?? [];
      this.inflight.delete(worker);
      for (const p of jobs) p.reject(error);
      if (!this.closed) this.pump();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.inflight.has(worker)) fail(new Error(`a sweep worker stopped with exit code ${code}`));
    });
    return worker;
  }
}

/** A thread pool of `workers`, or the calling thread when `workers` is 0. */
export function createRunner(workers: number): JobRunner {
  return workers === 0 ? new InlineRunner() : new ThreadPool(workers);
}
