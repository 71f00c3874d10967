import { metricsFromTrace } from "../metrics/from-trace.js";
import type { Metrics } from "../metrics/types.js";
import { simulate } from "../model/simulate.js";
import { compareMetrics } from "../real/compare.js";
import { applyProfile } from "../real/profile.js";
import { parseScenario } from "../scenario/scenario.js";
import { type RandomRecord, recordRuns } from "./record.js";

/*
 * How much of a random set's latency error comes from the start of each run: the errors of p50,
 * p95 and p99 with each record's session profile (as `gilsim validate` computes them), counted
 * from every task and again from the tasks that arrived after a warm-up, in the real runs and the
 * simulation alike. Every run starts its pools, threads and caches cold; a service in its steady
 * state has done so long before. scripts/validation-warmup.ts prints it.
 */

export const WARMUP_KEYS = ["latency.p50", "latency.p95", "latency.p99"] as const;

export interface WarmupRow {
  id: string;
  family: string;
  /** Errors of WARMUP_KEYS, (simulated - real mean) / real mean, from every task. */
  all: number[];
  /** The same from the tasks that arrived after the warm-up. */
  warm: number[];
}

/**
 * The rows of the records that have a session profile and do not arrive in one batch (a batch
 * arrives at 0: nothing is left after a warm-up). `warmup` in ns.
 */
export function warmupErrors(records: Iterable<RandomRecord>, warmup: number): WarmupRow[] {
  const rows: WarmupRow[] = [];
  for (const rec of records) {
    if (!rec.profile || rec.drawn.arrivals === "batch") continue;
    const scenario = parseScenario(applyProfile(rec.input, rec.profile), rec.id);
    const trace = simulate(scenario, { seed: scenario.seed, trace: true }).trace;
    if (!trace) throw new Error(`${rec.id}: the simulation recorded no trace`);
    const reals = recordRuns(rec);
    const errorsFrom = (from: number): number[] => {
      const real: Metrics[] = reals.map((r) => metricsFromTrace(r.trace, { warmup: from }));
      const compared = compareMetrics(metricsFromTrace(trace, { warmup: from }), real);
      return WARMUP_KEYS.map((key) => compared.find((r) => r.key === key)?.error ?? Number.NaN);
    };
    rows.push({ id: rec.id, family: rec.drawn.family, all: errorsFrom(0), warm: errorsFrom(warmup) });
  }
  return rows;
}

/** A process pool runs the tasks (alone, or behind an event loop). */
export function hasProcessPool(row: WarmupRow): boolean {
  return row.family.includes("processes");
}

/** The mean of the finite values. */
export function meanOf(xs: readonly number[]): number {
  const finite = xs.filter(Number.isFinite);
  return finite.reduce((a, b) => a + b, 0) / finite.length;
}
