import { type Replication, replicate } from "../metrics/replicate.js";
import type { Scenario } from "../scenario/scenario.js";
import type { LatencySummary } from "./fit.js";

/*
 * Self-consistency: the fitted scenario simulated at the configuration it was recorded at should
 * give back the recorded latencies. Each percentile's error is (simulated - recorded) / recorded,
 * with its sign: positive means the simulation is slower than the program was.
 */

export const PERCENTILES = ["p50", "p95", "p99"] as const;
export type Percentile = (typeof PERCENTILES)[number];

/** A fitted scenario passes when p50 and p95 are within this of the recording. */
export const CONSISTENCY_TARGET = 0.1;

export interface Consistency {
  replications: number;
  rows: {
    percentile: Percentile;
    recorded: number;
    simulated: number;
    /** The simulated value's 95% confidence half-width over the replications. */
    halfWidth: number;
    error: number;
  }[];
  /** |error| of p50 and p95 at most CONSISTENCY_TARGET. */
  passes: boolean;
}

/** Simulates `scenario` (its trace off) and compares its latency percentiles with `recorded`. */
export function selfConsistency(scenario: Scenario, recorded: LatencySummary, replications = 5): Consistency {
  const rep: Replication = replicate(scenario, { replications });
  const rows = PERCENTILES.map((percentile) => {
    const e = rep.summary[`latency.${percentile}`];
    const simulated = e?.mean ?? Number.NaN;
    return {
      percentile,
      recorded: recorded[percentile],
      simulated,
      halfWidth: e?.halfWidth ?? 0,
      error: (simulated - recorded[percentile]) / recorded[percentile],
    };
  });
  const passes = rows.filter((r) => r.percentile !== "p99").every((r) => Math.abs(r.error) <= CONSISTENCY_TARGET);
  return { replications, rows, passes };
}
