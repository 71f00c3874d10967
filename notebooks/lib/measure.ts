import type { Estimate as ChartEstimate } from "../../src/charts/estimate.js";
import { formatNanos } from "../../src/charts/time-axis.js";
import type { Nanos } from "../../src/engine/time.js";
import { replicate } from "../../src/metrics/replicate.js";
import { type RunResult, simulate } from "../../src/model/simulate.js";
import { formatLimit } from "../../src/scenario/limits.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

/** Parses and simulates a scenario object. */
export function sim(input: ScenarioInput, options: { seed?: number; trace?: boolean } = {}): RunResult {
  return simulate(parseScenario(input), options);
}

/** Throughput and a latency quantile with confidence intervals over `replications` runs. */
export function measure(
  input: ScenarioInput,
  replications: number,
  quantile: "latency.p99" | "latency.p95" | "latency.p50" | "latency.mean" | "makespan" = "latency.p99",
): { throughput: ChartEstimate & object; latency: ChartEstimate & object; makespan: number } {
  const rep = replicate(parseScenario(input), { replications });
  const pick = (key: string) => {
    const e = rep.summary[key];
    if (!e) throw new Error(`no metric ${key}`);
    return { mean: e.mean, lo: e.lo, hi: e.hi };
  };
  return { throughput: pick("throughput"), latency: pick(quantile), makespan: pick("makespan").mean };
}

/** A duration to 3 significant digits in the largest fitting unit, as the figures write it: "12.3 ms". */
export const ms = (ns: Nanos): string => formatNanos(ns);

/** A ratio with one decimal and a times sign: "3.9×". */
export const times = (x: number): string => `${x.toFixed(1)}×`;

/** A count rounded to a whole number, thousands grouped: "3,539". */
export const count = (x: number): string => formatLimit(Math.round(x));

/** A percentage with no decimals: "42%". */
export const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** 1, 2, 4, ... up to `max` (inclusive when a power of two). */
export function powersOfTwo(max: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= max; n *= 2) out.push(n);
  return out;
}
