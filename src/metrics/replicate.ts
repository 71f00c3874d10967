import { checkBudget } from "../model/budget.js";
import { type RunResult, type SimulateOptions, simulate, simulateAsync } from "../model/simulate.js";
import type { Scenario } from "../scenario/scenario.js";
import { studentTQuantile } from "./student-t.js";
import type { Metrics } from "./types.js";

/** A mean with its confidence interval. With one run the interval is [mean, mean]. */
export interface Estimate {
  mean: number;
  lo: number;
  hi: number;
  halfWidth: number;
}

export interface Replication {
  runs: Metrics[];
  /** Keyed by metric: makespan, throughput, latency.mean|p50|p90|p95|p99|max, wait.mean|p99, gil.waitShare, gil.convoys, loop.lag.p99. */
  summary: Record<string, Estimate>;
  confidence: number;
}

/** The scalar metrics a replication summarizes, by name. */
export function scalarMetrics(m: Metrics): Record<string, number> {
  const gil0 = m.gil[0];
  const loop0 = m.loops[0];
  return {
    makespan: m.makespan,
    throughput: m.throughput,
    "latency.mean": m.latency.mean,
    "latency.p50": m.latency.p50,
    "latency.p90": m.latency.p90,
    "latency.p95": m.latency.p95,
    "latency.p99": m.latency.p99,
    "latency.max": m.latency.max,
    "wait.mean": m.wait.mean,
    "wait.p99": m.wait.p99,
    "gil.waitShare": gil0?.waitShare ?? 0,
    "gil.convoys": gil0?.convoys ?? 0,
    "gil.forced": gil0?.forced ?? 0,
    "loop.lag.p99": loop0?.lag.p99 ?? 0,
  };
}

/** Mean and Student-t confidence interval of independent samples. */
export function estimate(values: readonly number[], confidence: number): Estimate {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, n);
  if (n < 2) return { mean, lo: mean, hi: mean, halfWidth: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance / n);
  return { mean, lo: mean - half, hi: mean + half, halfWidth: half };
}

export interface ReplicateOptions {
  replications?: number;
  seed?: number;
  /** Told, while the runs go, run k (from 0) and its finished tasks so far (see simulate's progress). */
  progress?: (run: number, completed: number) => void;
  /** A limit on the events of each run (see simulate). */
  maxEvents?: number | null;
  /** Refuse runs estimated to need more memory than this (see simulate). */
  memoryLimit?: number;
  /** Stops replicateAsync between slices of work. */
  signal?: AbortSignal;
}

/**
 * Runs independent replications (seeds seed, seed + 1, ...; every random stream is derived from
 * its seed, so they share nothing) with the trace off, and summarizes each metric.
 */
export function replicate(scenario: Scenario, options: ReplicateOptions = {}): Replication {
  const { n, runOptions } = prepare(scenario, options);
  const runs: Metrics[] = [];
  for (let k = 0; k < n; k++) runs.push(simulate(scenario, runOptions(k)).metrics);
  return summarize(runs, scenario.run.confidence);
}

/** replicate, each run in slices that let the event loop turn (see simulateAsync): same result. */
export async function replicateAsync(scenario: Scenario, options: ReplicateOptions = {}): Promise<Replication> {
  const { n, runOptions } = prepare(scenario, options);
  const runs: Metrics[] = [];
  for (let k = 0; k < n; k++) {
    const result: RunResult = await simulateAsync(scenario, {
      ...runOptions(k),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    runs.push(result.metrics);
  }
  return summarize(runs, scenario.run.confidence);
}

function prepare(scenario: Scenario, options: ReplicateOptions) {
  const n = options.replications ?? scenario.run.replications;
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`invalid replications: ${n} (expected a positive integer)`);
  const seed = options.seed ?? scenario.seed;
  const limits = {
    ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}),
    ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
  };
  checkBudget(scenario, { traceInMemory: false, runs: n, ...limits });
  const progress = options.progress;
  const runOptions = (k: number): SimulateOptions => ({
    seed: seed + k,
    trace: false,
    ...limits,
    ...(progress ? { progress: (completed: number) => progress(k, completed) } : {}),
  });
  return { n, runOptions };
}

/** Each scalar metric's mean and confidence interval over the runs. */
function summarize(runs: Metrics[], confidence: number): Replication {
  const columns = new Map<string, number[]>();
  for (const m of runs) {
    for (const [key, value] of Object.entries(scalarMetrics(m))) {
      let col = columns.get(key);
      if (!col) {
        col = [];
        columns.set(key, col);
      }
      col.push(value);
    }
  }
  const summary: Record<string, Estimate> = {};
  for (const [key, col] of columns) summary[key] = estimate(col, confidence);
  return { runs, summary, confidence };
}
