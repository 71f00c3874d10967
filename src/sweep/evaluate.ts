import { type Estimate, replicate } from "../metrics/replicate.js";
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

export type JobResult =
  | { id: number; state: "done"; summary: Summary }
  | { id: number; state: "failed"; error: string };

/**
 * Runs a job: `replicate` with trace recording off. Only the summary comes back, so the runs'
 * full metrics (queue series, per-thread usage) are dropped where they were made.
 */
export function evaluate(job: Job): JobResult {
  try {
    const scenario: Scenario = { ...job.scenario, run: { ...job.scenario.run, trace: false } };
    const { summary } = replicate(scenario, { replications: job.replications, seed: job.seed });
    return { id: job.id, state: "done", summary: sortKeys(summary) };
  } catch (error) {
    return { id: job.id, state: "failed", error: error instanceof Error ? error.message : String(error) };
  }
}

/** The summary with its metrics in name order, so its JSON is the same bytes every time. */
function sortKeys(summary: Summary): Summary {
  const out: Summary = {};
  for (const name of Object.keys(summary).sort()) {
    const s = summary[name];
    if (s) out[name] = { mean: s.mean, lo: s.lo, hi: s.hi, halfWidth: s.halfWidth };
  }
  return out;
}
