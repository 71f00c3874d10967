/**
 * Where runs happen. A scenario of the presets' size runs at once on the page's thread (no copy of
 * its trace to make); a bigger one runs in a worker, reporting progress, and can be cancelled by
 * terminating that worker. The p99 sparkline's points run in a pool of workers beside the page (one
 * per core the browser reports, at most SWEEP_POOL), one point a message each, so they come in
 * that many at a time. A new run of the same configuration stops its older points: a worker still
 * busy on one is terminated, so it takes no core from the new run, and replaced by a fresh one.
 *
 * The worker is the page's own inline script, started from a blob: URL of its text; where a
 * worker cannot start, the same work runs on the page's thread.
 */

import type { Scenario } from "../scenario/scenario.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { BIG_WORK, type Outcome, p99WithWorkers, runScenario, workEstimate } from "./run.js";

let pageScript: string | null = null;
/** The blob: URL of the page's script, made once for every worker (each would hold a copy). */
let pageUrl: string | null = null;

/** Keeps the text of the page's script (main.ts), which workers are started from. */
export function keepPageScript(text: string | null): void {
  pageScript = text;
  pageUrl = null;
}

export type RunResult =
  | { state: "done"; outcome: Outcome }
  | { state: "cancelled" }
  | { state: "failed"; message: string };

/** Whether a worker could start at all: the page's script is known and the browser has Worker. */
function startWorkerPossible(): boolean {
  return pageScript !== null && typeof Worker !== "undefined";
}

function startWorker(): Worker | null {
  if (!pageScript || typeof Worker === "undefined") return null;
  try {
    pageUrl ??= URL.createObjectURL(new Blob([pageScript], { type: "text/javascript" }));
    return new Worker(pageUrl);
  } catch {
    return null;
  }
}

export interface SweepPointResult {
  workers: number;
  p99: number;
  throughput: number;
}

/** At most this many workers run the sparkline's points at once. */
export const SWEEP_POOL = 4;

/** How many sweep workers to run: one per core the browser reports (at least 1, at most SWEEP_POOL). */
export function sweepPoolSize(cores: number | undefined): number {
  return Math.max(1, Math.min(SWEEP_POOL, Number.isInteger(cores) && (cores as number) > 0 ? (cores as number) : 1));
}

/** One point of a sweep, waiting for a worker or running on one. */
interface SweepJob {
  key: string;
  input: unknown;
  workers: number;
  settle: (p: SweepPointResult | null) => void;
}

/** A sweep worker (null until started, or after it was stopped) and the job it is running. */
interface SweepSlot {
  worker: Worker | null;
  job: SweepJob | null;
}

export class Runner {
  private runWorker: Worker | null = null;
  private pending: ((r: RunResult) => void) | null = null;
  /** The sweep workers; undefined until the first sweep, empty where no worker can start. */
  private sweepSlots: SweepSlot[] | undefined;
  /** Points waiting for a free sweep worker, oldest first. */
  private readonly sweepQueue: SweepJob[] = [];
  /** The latest sweep of each key (a configuration): an older one of the same key stops. */
  private readonly sweepGeneration = new Map<string, number>();
  private nextId = 1;

  /** Whether a run of `scenario` goes to the worker (and shows progress). */
  isBig(scenario: Scenario): boolean {
    return workEstimate(scenario) > BIG_WORK;
  }

  /** Runs a scenario: at once when small, in a worker with progress when big. */
  run(input: unknown, scenario: Scenario, progress: (done: number, total: number) => void): Promise<RunResult> {
    this.cancel();
    if (!this.isBig(scenario)) {
      try {
        return Promise.resolve({ state: "done", outcome: runScenario(scenario) });
      } catch (error) {
        return Promise.resolve({ state: "failed", message: (error as Error).message });
      }
    }
    const worker = startWorker();
    if (!worker) {
      try {
        return Promise.resolve({ state: "done", outcome: runScenario(scenario) });
      } catch (error) {
        return Promise.resolve({ state: "failed", message: (error as Error).message });
      }
    }
    this.runWorker = worker;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending = resolve;
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.id !== id) return;
        if (m.kind === "progress") progress(m.done, m.total);
        else if (m.kind === "outcome") this.finish({ state: "done", outcome: m.outcome });
        else if (m.kind === "error") this.finish({ state: "failed", message: m.message });
      };
      worker.onerror = (event) => this.finish({ state: "failed", message: event.message || "the worker failed" });
      worker.postMessage({ id, kind: "run", input } satisfies ToWorker);
    });
  }

  private finish(result: RunResult): void {
    const resolve = this.pending;
    this.pending = null;
    this.runWorker?.terminate();
    this.runWorker = null;
    resolve?.(result);
  }

  /** Stops a run in progress (its promise resolves "cancelled"). */
  cancel(): void {
    if (this.pending) this.finish({ state: "cancelled" });
  }

  /**
   * Runs the scenario at each worker count, trace off, reporting each point as it comes; a later
   * call with the same key (a configuration) outdates this one: its remaining points are dropped.
   * Resolves true when every point is in.
   */
  async sweep(
    key: string,
    input: unknown,
    scenario: Scenario,
    counts: readonly number[],
    point: (p: SweepPointResult) => void,
  ): Promise<boolean> {
    this.stopSweep(key);
    const generation = this.sweepGeneration.get(key) as number;
    const current = () => this.sweepGeneration.get(key) === generation;
    if (this.slots().length === 0) {
      for (const workers of counts) {
        await new Promise((r) => setTimeout(r, 0));
        if (!current()) return false;
        point({ workers, ...p99WithWorkers(input, scenario, workers) });
      }
      return current();
    }
    let delivered = 0;
    await Promise.all(
      counts.map(async (workers) => {
        const p = await new Promise<SweepPointResult | null>((settle) => {
          this.sweepQueue.push({ key, input, workers, settle });
          this.dispatch();
        });
        if (p && current()) {
          delivered++;
          point(p);
        }
      }),
    );
    return current() && delivered === counts.length;
  }

  /**
   * Outdates the sweep of `key`: its points still queued are dropped, and a worker running one of
   * them is terminated, so the next run has the cores to itself; a fresh worker takes its place
   * when a point next needs one.
   */
  stopSweep(key: string): void {
    this.sweepGeneration.set(key, (this.sweepGeneration.get(key) ?? 0) + 1);
    for (let i = this.sweepQueue.length - 1; i >= 0; i--) {
      const job = this.sweepQueue[i] as SweepJob;
      if (job.key !== key) continue;
      this.sweepQueue.splice(i, 1);
      job.settle(null);
    }
    for (const slot of this.sweepSlots ?? []) if (slot.job?.key === key) this.drop(slot);
    this.dispatch(); // another configuration's points may be waiting for those slots
  }

  /** Terminates a slot's worker (a fresh one starts when the slot is next given a point) and settles its job. */
  private drop(slot: SweepSlot): void {
    slot.worker?.terminate();
    slot.worker = null;
    const job = slot.job;
    slot.job = null;
    job?.settle(null);
  }

  private slots(): SweepSlot[] {
    if (this.sweepSlots === undefined) {
      this.sweepSlots = [];
      // Where no worker can start at all, there are no slots and the points run on the page.
      if (startWorkerPossible()) {
        const size = sweepPoolSize(typeof navigator === "undefined" ? undefined : navigator.hardwareConcurrency);
        for (let i = 0; i < size; i++) this.sweepSlots.push({ worker: null, job: null });
      }
    }
    return this.sweepSlots;
  }

  /** Gives each free sweep worker the next queued point, starting a worker where a slot has none. */
  private dispatch(): void {
    for (const slot of this.sweepSlots ?? []) {
      if (slot.job || this.sweepQueue.length === 0) continue;
      slot.worker ??= startWorker();
      const worker = slot.worker;
      if (!worker) continue;
      const job = this.sweepQueue.shift() as SweepJob;
      slot.job = job;
      const id = this.nextId++;
      const listen = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.id !== id) return;
        worker.removeEventListener("message", listen);
        worker.removeEventListener("error", failed);
        if (slot.job !== job) return; // stopped meanwhile
        slot.job = null;
        job.settle(m.kind === "point" ? { workers: m.workers, p99: m.p99, throughput: m.throughput } : null);
        this.dispatch();
      };
      // A worker that fails (its script would not load, it ran out of memory) loses this point
      // only: it is dropped, and a fresh one takes the next.
      const failed = () => {
        worker.removeEventListener("message", listen);
        worker.removeEventListener("error", failed);
        if (slot.job === job) this.drop(slot);
        this.dispatch();
      };
      worker.addEventListener("message", listen);
      worker.addEventListener("error", failed);
      worker.postMessage({ id, kind: "point", input: job.input, workers: job.workers } satisfies ToWorker);
    }
    // No slot could start a worker: the points left cannot run.
    if (this.sweepQueue.length > 0 && !(this.sweepSlots ?? []).some((slot) => slot.worker)) {
      for (const job of this.sweepQueue.splice(0)) job.settle(null);
    }
  }
}
