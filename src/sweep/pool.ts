import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { Fifo } from "../model/fifo.js";
import { evaluate, type Job, type JobResult, type Outcome } from "./evaluate.js";
import { type WorkerLaunch, workerLaunch } from "./worker-code.js";

/** Runs jobs and gives back their outcomes; `close` frees its workers. */
export interface JobRunner {
  /** How many jobs run at once. */
  readonly size: number;
  run(job: Omit<Job, "id">): Promise<Outcome>;
  /** Frees the workers: idle ones at once, busy ones after their job (or at once, killed, with `now`). */
  close(options?: { now?: boolean }): Promise<void>;
}

/** The default number of workers: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

function settle(result: JobResult): Outcome {
  if (result.state === "failed") throw new Error(result.error);
  return result.outcome;
}

/**
 * Runs each job on the calling thread, one at a time (tests, and searches too small to share).
 * Each job waits for the event loop's next turn first, so timers and signal handlers run between jobs.
 */
export class InlineRunner implements JobRunner {
  readonly size = 1;
  async run(job: Omit<Job, "id">): Promise<Outcome> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return settle(evaluate({ ...job, id: 0 }));
  }
  async close(): Promise<void> {}
}

interface Pending {
  job: Job;
  resolve: (outcome: Outcome) => void;
  reject: (error: Error) => void;
}

/** Jobs handed to one worker before its first one comes back: the next is already queued there. */
const IN_FLIGHT = 2;

/** Characters of a worker's stderr kept, to say why it stopped. */
const STDERR_TAIL = 4096;

interface Worker {
  child: ChildProcess;
  /** The jobs sent to it and not yet answered, in the order it answers them. */
  jobs: Pending[];
  /** The end of what it wrote to stderr. */
  stderr: string;
}

/**
 * A pool of `size` worker processes (child node processes, see worker-code.ts for why not
 * threads), started on first use. Jobs queue in order and go to the worker with the fewest jobs
 * in flight; each worker gets up to IN_FLIGHT at once, so it starts its next job without waiting
 * for the main process to see the last result. Each job carries its own seed, so the results do
 * not depend on the pool size or on which worker ran what. A worker that dies fails its jobs in
 * flight with its exit code and the last line it wrote to stderr; the others go on.
 */
export class WorkerPool implements JobRunner {
  private readonly workers = new Set<Worker>();
  private readonly queue = new Fifo<Pending>();
  private nextId = 0;
  private closed = false;

  /**
   * @param size how many worker processes
   * @param launch how a worker process starts (tests start some through tsx)
   */
  constructor(
    readonly size: number,
    private readonly launch: () => WorkerLaunch = workerLaunch,
  ) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`invalid workers: ${size} (expected a positive integer)`);
    }
  }

  /** The process ids of the running workers (the bench reads their memory). */
  get pids(): number[] {
    return [...this.workers].flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid]));
  }

  run(job: Omit<Job, "id">): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error("the worker pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, id: this.nextId++ }, resolve, reject });
      this.pump();
    });
  }

  async close(options: { now?: boolean } = {}): Promise<void> {
    this.closed = true;
    const error = new Error("the worker pool is closed");
    while (this.queue.size > 0) this.queue.shift()?.reject(error);
    const all = [...this.workers];
    this.workers.clear();
    for (const w of all) for (const p of w.jobs.splice(0)) p.reject(error);
    await Promise.all(all.map((w) => stop(w, options.now ?? false)));
  }

  /** The worker with the fewest jobs in flight, if it can take another; spawns one while below size. */
  private pick(): Worker | undefined {
    let best: Worker | undefined;
    let least = IN_FLIGHT;
    for (const w of this.workers) {
      if (w.jobs.length < least) {
        best = w;
        least = w.jobs.length;
      }
    }
    if (least > 0 && this.workers.size < this.size) return this.spawn();
    return best;
  }

  private pump(): void {
    while (this.queue.size > 0 && !this.closed) {
      const worker = this.pick();
      if (!worker) return;
      const pending = this.queue.shift() as Pending;
      const child = worker.child;
      try {
        // A send that fails (the worker died) kills it; its close then fails its jobs with why.
        child.send(pending.job, (error) => {
          if (error) child.kill("SIGKILL");
        });
      } catch (error) {
        pending.reject(error as Error);
        continue;
      }
      worker.jobs.push(pending);
    }
  }

  private spawn(): Worker {
    const launch = this.launch();
    const child = spawn(process.execPath, launch.args, {
      stdio: [launch.source === null ? "ignore" : "pipe", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    const worker: Worker = { child, jobs: [], stderr: "" };
    this.workers.add(worker);
    if (launch.source !== null && child.stdin) {
      // A worker that dies while reading its code breaks this pipe; its exit says why.
      child.stdin.on("error", () => {});
      child.stdin.end(launch.source);
    }
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      worker.stderr = (worker.stderr + text).slice(-STDERR_TAIL);
    });
    child.on("message", (result: JobResult) => {
      const pending = worker.jobs.shift();
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
      if (!this.workers.delete(worker)) return;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      for (const p of worker.jobs.splice(0)) p.reject(error);
      if (!this.closed) this.pump();
    };
    // An error with no process is a spawn that failed; any other ends in a close, which says why.
    child.on("error", (error) => {
      if (child.pid === undefined) fail(new Error(`a sweep worker could not start: ${error.message}`));
      else child.kill("SIGKILL");
    });
    // "close" comes after the worker's stderr has been read to the end, so its last line is there.
    child.on("close", (code, signal) => {
      const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
      const last = lastLine(worker.stderr);
      fail(new Error(`a sweep worker stopped with ${how}${last ? `: ${last}` : ""}`));
    });
    return worker;
  }
}

/** The last non-empty line of a text, trimmed. */
function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim());
  return lines.filter((l) => l.length > 0).pop() ?? "";
}

/** Ends a worker: closing its channel makes it exit; a kill if it has not within a second, or at once with `now`. */
function stop(worker: Worker, now: boolean): Promise<void> {
  const child = worker.child;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected && !now) child.disconnect();
    else child.kill("SIGKILL");
  });
}

/** A pool of `workers` processes, or the calling thread when `workers` is 0. */
export function createRunner(workers: number): JobRunner {
  return workers === 0 ? new InlineRunner() : new WorkerPool(workers);
}
