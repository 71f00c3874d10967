import type { Metrics } from "./types.js";

/**
 * The units of the metrics as JSON (`gilsim simulate --json`, `gilsim real --json`, the explore
 * page's metrics file), stated in the file itself so a reader needs no documentation.
 */
export const METRIC_UNITS = {
  time: "ns",
  timeKeys:
    "makespan, latency.*, wait.*, loops[].lag.* (each but its count, a number of tasks or callbacks), threads[].cpu, little.meanLatency, and every series' time and lag",
  rate: "tasks/s",
  rateKeys: "throughput, little.arrivalRate",
  share: "fraction from 0 to 1",
  shareKeys: "coreUtilization[], threads[].share.*, gil[].waitShare",
  window:
    "throughput, shares and little are over the measured window: from run.warmup to the end of the run (the last task's end, or run.until)",
} as const;

/** Metrics as JSON carries them: without the time series unless asked. */
export type MetricsJson = Omit<Metrics, "queue" | "loops"> & {
  loops: (Omit<Metrics["loops"][number], "lagSeries"> & { lagSeries?: Metrics["loops"][number]["lagSeries"] })[];
  queue?: Metrics["queue"];
};

/**
 * One run's metrics for JSON: the queue and loop-lag series (up to 2,048 points each, most of
 * the bytes) only when `series` is true; the quantiles and counts always.
 */
export function metricsForJson(m: Metrics, options: { series?: boolean } = {}): MetricsJson {
  if (options.series) return m;
  const { queue: _queue, loops, ...rest } = m;
  return { ...rest, loops: loops.map(({ lagSeries: _lag, ...loop }) => loop) };
}
