import { rateSchema } from "../scenario/duration.js";
import { setAt } from "./path.js";

/** Parses `--load 500/s` (also "2/ms", "30/min", or a bare number per second) into arrivals per second. */
export function parseLoad(text: string): number {
  const value = /^\s*\d+(\.\d*)?\s*$/.test(text) ? Number(text) : text;
  const parsed = rateSchema.safeParse(value);
  if (!parsed.success)
    throw new RangeError(`invalid --load: ${JSON.stringify(text)} (expected a rate above 0 like 500/s)`);
  return parsed.data;
}

/**
 * The scenario object with Poisson arrivals at `rate` per second, keeping its task count (replayed
 * arrivals: as many tasks as times): an open load, the way a service sees independent users.
 */
export function applyLoad(raw: unknown, rate: number): unknown {
  const arrivals = (raw as { workload?: { arrivals?: { count?: unknown; times?: unknown } } } | null)?.workload
    ?.arrivals;
  const count =
    Array.isArray(arrivals?.times) && arrivals.count === undefined ? arrivals.times.length : arrivals?.count;
  return setAt(raw, ["workload", "arrivals"], { kind: "poisson", rate, count });
}
