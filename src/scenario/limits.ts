import { z } from "zod";
import { MAX_TIME } from "../engine/time.js";

/*
 * The valid range of every number in a scenario, stated once. Each range is wide enough for any
 * real workload and narrow enough that a run cannot silently hang or overflow: every duration is
 * finite and at most 2^53 ns (the clock is exact that far, about 104 days), and every count is
 * small enough to simulate. A new field (a new step kind, a new option) takes its range from here:
 * `integerIn("repeat")` for a count, `durationSchema` (src/scenario/duration.ts) for a time.
 * Checks that involve the whole scenario (its total time, its work, its memory) are in
 * src/model/budget.ts.
 */

/** The range of each integer field: [min, max], inclusive. */
export const INTEGER_RANGES = {
  /** machine.cores */
  cores: { min: 1, max: 1024 },
  /** executor.workers and a pool's workers: threads or processes. */
  workers: { min: 1, max: 10_000 },
  /** executor.loops: processes each running an event loop. */
  loops: { min: 1, max: 1024 },
  /** workload.concurrency: tasks in progress at once. */
  concurrency: { min: 1, max: 1_000_000_000 },
  /** workload.arrivals.count: tasks in a run. */
  count: { min: 1, max: 1_000_000_000 },
  /** workload.arrivals.clients: a closed population. */
  clients: { min: 1, max: 10_000_000 },
  /** run.replications: independent runs. */
  replications: { min: 1, max: 10_000 },
  /** A repeat step's count (repeats inside repeats multiply: see MAX_STEPS_PER_TASK). */
  repeat: { min: 1, max: 1_000_000_000 },
  /** A spawn step's child tasks (create_task from a coroutine). */
  spawn: { min: 1, max: 1_000_000 },
  /** A threads step's threads (Thread.start then join). */
  threads: { min: 1, max: 10_000 },
  /** workload.chunksize: tasks per work item of a process pool's map. */
  chunksize: { min: 1, max: 1_000_000 },
  /** An Erlang distribution's k (each draw sums k exponentials). */
  erlangK: { min: 1, max: 1000 },
} as const;

/** The range of each real-valued field: [min, max], with whether the ends are included. */
export const NUMBER_RANGES = {
  /** A task class's weight in the class mix. */
  weight: { min: 0, max: 1e9, minOpen: true },
  /** runtime.gilRecency: the share of hand-offs the thread displaced last wins. */
  gilRecency: { min: 0, max: 1 },
  /** runtime.gilRequesterWins: the share of forced switches the waiter that asked for the drop wins. */
  gilRequesterWins: { min: 0, max: 1 },
  /** runtime.pythonSlowdown: a factor on Python CPU time. */
  pythonSlowdown: { min: 1, max: 100 },
  /** runtime.forkCow.share: the parent's copy-on-write debt after its forks, in units of forkCost. */
  forkCowShare: { min: 0, max: 100 },
  /** runtime.forkCow.slowdown: how many times slower the parent's work runs while it owes that debt. */
  forkCowSlowdown: { min: 1, max: 1000 },
  /** runtime.ipcPerByte: nanoseconds per pickled byte. */
  ipcPerByte: { min: 0, max: 1e6 },
  /** A gamma distribution's shape. */
  gammaShape: { min: 0, max: 1e6, minOpen: true },
  /** A lognormal distribution's sigma (its mean, exp(mu + sigma^2 / 2), must also fit the clock). */
  lognormalSigma: { min: 0, max: 10 },
  /** An empirical distribution's weights. */
  weightOfValue: { min: 0, max: 1e12 },
} as const;

/** Bytes: a class's payload, pickled each way per task in a process pool (1 TiB at most). */
export const MAX_PAYLOAD_BYTES = 2 ** 40;
/** Arrivals per second: at most one a nanosecond, at least one in the clock's 104 days. */
export const RATE_RANGE = { min: 1e9 / MAX_TIME, max: 1e9 } as const;
/** Steps one task runs, its repeats multiplied out. */
export const MAX_STEPS_PER_TASK = 1_000_000_000;

/**
 * 1024 -> "1,024", as toLocaleString("en-US") writes it. Integers are grouped by hand: the
 * schema formats every limit when it is built, and the first toLocaleString call of a process
 * loads ICU's number formatting, about 15 ms of every CLI start.
 */
export function formatLimit(n: number): string {
  if (n >= 1e12) return n.toExponential(0).replace("e+", "e");
  if (!Number.isInteger(n)) return n.toLocaleString("en-US");
  return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}

/** An integer field with its range: below it "expected a positive integer" (or "... at least N"), above "expected at most N". */
export function integerIn(field: keyof typeof INTEGER_RANGES) {
  const { min, max } = INTEGER_RANGES[field];
  const low = min === 1 ? "expected a positive integer" : `expected an integer of at least ${formatLimit(min)}`;
  return z
    .number({ error: low })
    .int({ error: low })
    .min(min, { error: low })
    .max(max, { error: `expected at most ${formatLimit(max)}` });
}

/** A number field with its range; `low` is what a value below it (or not a number) is told. */
export function numberIn(field: keyof typeof NUMBER_RANGES, low: string) {
  const range: { min: number; max: number; minOpen?: boolean } = NUMBER_RANGES[field];
  const base = z.number({ error: low });
  const bounded = range.minOpen ? base.gt(range.min, { error: low }) : base.min(range.min, { error: low });
  return bounded.max(range.max, { error: `expected at most ${formatLimit(range.max)}` });
}
