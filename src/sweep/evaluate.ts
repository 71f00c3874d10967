import { type Estimate, estimate, scalarMetrics } from "../metrics/replicate.js";
import { LatencySketch, type SketchData } from "../metrics/sketch.js";
import { simulate } from "../model/simulate.js";
import type { Scenario } from "../scenario/scenario.js";

/** Metric name ("latency.p99", "throughput", ...) -> its mean and confidence interval across replications. */
export type Summary = Record<string, Estimate>;

/**
 * The metrics each point's summary holds: the scalar metrics of `replicate`, in name order.
 * (A test checks this list against what replicate returns.)
 */
export const SUMMARY_METRICS: readonly string[] = [
  "gil.convoys",
  "gil.forced",
  "gil.waitShare",
  "latency.max",
  "latency.mean",
  "latency.p50",
  "latency.p90",
  "latency.p95",
  "latency.p99",
  "loop.lag.p99",
  "makespan",
  "throughput",
  "wait.mean",
  "wait.p99",
];

/** Whether a metric is a time in nanoseconds (the others are rates, counts or shares). */
export function isTimeMetric(name: string): boolean {
  return /^(latency|wait|loop\.lag)\.|^makespan$/.test(name);
}

/**
 * Whether a point's value of `metric` is only a lower bound: a run of it stopped at run.until with
 * tasks unfinished, and the metric is a time (the unfinished tasks would have taken longer). A cut
 * run's throughput is what it served, and reads as it is.
 */
export function cutShort(point: { truncated?: number }, metric: string): boolean {
  return (point.truncated ?? 0) > 0 && isTimeMetric(metric);
}

/**
 * One unit of work of a sweep or a search: a parsed scenario, run `replications` times from
 * `seed`. Plain data, so it crosses to a worker process by structured clone.
 */
export interface Job {
  /** Set by the caller to match a result with its job. */
  id: number;
  scenario: Scenario;
  seed: number;
  replications: number;
}

/** Metric name -> its value in each replication of a job, in replication order. */
export type Runs = Record<string, number[]>;

/** What a job gives back. */
export interface Outcome {
  /** Each metric's mean and confidence interval over the job's replications (`summarize(runs)`). */
  summary: Summary;
  /** Each metric in each replication: the replications of a point run in parts join from these. */
  runs: Runs;
  /** The latencies of every measured task of the job's runs in one sketch. */
  latency: SketchData;
  /**
   * How many of the replications stopped (at run.until) with tasks unfinished: their latencies
   * count only the tasks that finished, so they are lower bounds.
   */
  truncated: number;
}

export type JobResult =
  | { id: number; state: "done"; outcome: Outcome }
  | { id: number; state: "failed"; error: string };

/**
 * Runs a job: replications seed, seed + 1, ... (as `replicate` runs them) with trace recording
 * off. Each run's scalar metrics and latency sketch are kept, its other metrics (queue series,
 * per-thread usage) dropped where they were made.
 */
export function evaluate(job: Job): JobResult {
  try {
    const n = job.replications;
    if (!(Number.isInteger(n) && n >= 1))
      throw new RangeError(`invalid replications: ${n} (expected a positive integer)`);
    const scenario: Scenario = { ...job.scenario, run: { ...job.scenario.run, trace: false } };
    const runs: Runs = {};
    const latency = new LatencySketch();
    let truncated = 0;
    for (let k = 0; k < n; k++) {
      const result = simulate(scenario, { seed: job.seed + k, trace: false });
      if (result.truncated) truncated++;
      for (const [name, value] of Object.entries(scalarMetrics(result.metrics))) {
        const column = runs[name];
        if (column) column.push(value);
        else runs[name] = [value];
      }
      latency.add(result.latency);
    }
    const sorted: Runs = {};
    for (const name of Object.keys(runs).sort()) sorted[name] = runs[name] as number[];
    const outcome = {
      summary: summarize(sorted, scenario.run.confidence),
      runs: sorted,
      latency: latency.toData(),
      truncated,
    };
    return { id: job.id, state: "done", outcome };
  } catch (error) {
    return { id: job.id, state: "failed", error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Each metric's mean and Student-t confidence interval over its replications (as `replicate`
 * computes them), in name order so its JSON is the same bytes every time.
 */
export function summarize(runs: Readonly<Runs>, confidence: number): Summary {
  const out: Summary = {};
  for (const name of Object.keys(runs).sort()) {
    const s = estimate(runs[name] as number[], confidence);
    out[name] = { mean: s.mean, lo: s.lo, hi: s.hi, halfWidth: s.halfWidth };
  }
  return out;
}
