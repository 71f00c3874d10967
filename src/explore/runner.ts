/**
 * Where runs happen. A scenario of the presets' size runs at once on the page's thread (no copy of
 * its trace to make); a bigger one runs in a worker, reporting progress, and can be cancelled by
 * terminating that worker. The p99 sparkline's points run in a second worker beside the page, one
 * point a message, so a newer request simply outdates the older points.
 *
 * The worker is the page's own inline script, started from a blob: URL of its text; where a
 * worker cannot start, the same work runs on the page's thread.
 */

import type { Scenario } from "../scenario/scenario.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { BIG_WORK, type Outcome, p99WithWorkers, runScenario, workEstimate } from "./run.js";

let pageScript: string | null = null;

/** Keeps the text of the page's script (main.ts), which workers are started from. */
export function keepPageScript(text: string | null): void {
  pageScript = text;
}

export type RunResult =
  | { state: "done"; outcome: Outcome }
  | { state: "cancelled" }
  | { state: "failed"; message: string };

function startWorker(): Worker | null {
  if (!pageScript || typeof Worker === "undefined") return null;
  try {
    const url = URL.createObjectURL(new Blob([pageScript], { type: "text/javascript" }));
    return new Worker(url);
  } catch {
    return null;
  }
}

export interface SweepPointResult {
  workers: number;
  p99: number;
  throughput: number;
}

export class Runner {
  private runWorker: Worker | null = null;
  private pending: ((r: RunResult) => void) | null = null;
  private sweepWorker: Worker | null | undefined;
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
    const generation = (this.sweepGeneration.get(key) ?? 0) + 1;
    this.sweepGeneration.set(key, generation);
    const current = () => this.sweepGeneration.get(key) === generation;
    if (this.sweepWorker === undefined) this.sweepWorker = startWorker();
    const worker = this.sweepWorker;
    for (const workers of counts) {
      if (!current()) return false;
      let p: SweepPointResult | null;
      if (worker) p = await this.workerPoint(worker, input, workers);
      else {
        await new Promise((r) => setTimeout(r, 0));
        if (!current()) return false;
        p = { workers, ...p99WithWorkers(input, scenario, workers) };
      }
      if (!current()) return false;
      if (p) point(p);
    }
    return true;
  }

  private workerPoint(worker: Worker, input: unknown, workers: number): Promise<SweepPointResult | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const listen = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.id !== id) return;
        worker.removeEventListener("message", listen);
        resolve(m.kind === "point" ? { workers: m.workers, p99: m.p99, throughput: m.throughput } : null);
      };
      worker.addEventListener("message", listen);
      worker.postMessage({ id, kind: "point", input, workers } satisfies ToWorker);
    });
  }
}
