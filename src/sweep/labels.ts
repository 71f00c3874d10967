/**
 * Readable names for what a sweep figure shows: a scenario path ("runtime.switchInterval") or a
 * metric ("latency.p99") becomes the quantity and unit a reader expects ("switch interval",
 * "p99 latency"). A path with no entry here is named after its last field, split into words, with
 * the class and step it belongs to: never the raw path.
 */
import { type TimeUnit, timeUnitFor } from "../charts/time-axis.js";
import { formatDuration } from "../engine/time.js";
import type { AxisValue } from "./axis.js";
import { isTimeMetric } from "./evaluate.js";

export interface Quantity {
  quantity: string;
  unit?: string;
}

const PATHS: Readonly<Record<string, Quantity>> = {
  "executor.kind": { quantity: "executor" },
  "executor.workers": { quantity: "workers" },
  "executor.loops": { quantity: "event loops", unit: "processes" },
  "executor.startMethod": { quantity: "start method" },
  "executor.offload.kind": { quantity: "offload executor" },
  "executor.offload.workers": { quantity: "offload workers" },
  "machine.cores": { quantity: "cores" },
  "runtime.python": { quantity: "Python version" },
  "runtime.gil": { quantity: "GIL" },
  "runtime.switchInterval": { quantity: "switch interval" },
  "workload.arrivals.rate": { quantity: "arrival rate" },
  "workload.arrivals.count": { quantity: "tasks" },
  "workload.arrivals.clients": { quantity: "clients" },
  "workload.arrivals.think": { quantity: "think time" },
  "workload.concurrency": { quantity: "concurrency limit" },
  "run.until": { quantity: "run length" },
};

const METRICS: Readonly<Record<string, Quantity>> = {
  "gil.convoys": { quantity: "GIL convoys", unit: "count" },
  "gil.forced": { quantity: "forced GIL switches", unit: "count" },
  "gil.waitShare": { quantity: "share of thread time waiting for the GIL" },
  "latency.max": { quantity: "maximum latency" },
  "latency.mean": { quantity: "mean latency" },
  "latency.p50": { quantity: "median latency" },
  "latency.p90": { quantity: "p90 latency" },
  "latency.p95": { quantity: "p95 latency" },
  "latency.p99": { quantity: "p99 latency" },
  "loop.lag.p99": { quantity: "p99 event-loop lag" },
  makespan: { quantity: "makespan" },
  throughput: { quantity: "throughput", unit: "tasks/s" },
  "wait.mean": { quantity: "mean wait before starting" },
  "wait.p99": { quantity: "p99 wait before starting" },
};

const WORDS: Readonly<Record<string, string>> = { cpu: "CPU", io: "IO", gil: "GIL", p99: "p99", ipc: "IPC" };

/** "switchInterval" -> "switch interval"; "cpu" -> "CPU". */
function words(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(" ")
    .map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase())
    .join(" ");
}

/** What a varied path holds, e.g. {quantity: "CPU of step 1 (class 2)"} for workload.classes[1].steps[0].cpu. */
export function pathQuantity(path: string): Quantity {
  const known = PATHS[path];
  if (known) return known;
  const fields = path.split(".").filter((f) => !/^\[?\d+\]?$/.test(f));
  const last = (fields.at(-1) ?? path).replace(/\[\d+\]$/, "");
  const where: string[] = [];
  const step = /steps\[(\d+)\]/.exec(path);
  const klass = /classes\[(\d+)\]/.exec(path);
  if (step) where.push(`step ${Number(step[1]) + 1}`);
  if (klass) where.push(`class ${Number(klass[1]) + 1}`);
  const name = words(last);
  if (where.length === 0) return { quantity: name };
  return { quantity: `${name} of ${where[0]}${where[1] ? ` (${where[1]})` : ""}` };
}

/** What a metric measures; times take their unit from the data, so none is given for them. */
export function metricQuantity(metric: string): Quantity {
  return METRICS[metric] ?? { quantity: words(metric.replaceAll(".", " ")) };
}

/** "GIL: off", "workers: 8": one varied value as a legend or subtitle names it. */
export function describeValue(path: string, value: AxisValue | undefined): string {
  return `${pathQuantity(path).quantity}: ${String(value)}`;
}

/** A metric value for people: a duration for times, 3 significant digits otherwise. */
export function formatMetric(metric: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (isTimeMetric(metric)) return formatDuration(Math.round(value));
  const text = String(Number(value.toPrecision(3)));
  return metric === "throughput" ? `${text}/s` : text;
}

/**
 * The one unit a sweep figure writes a time metric in, on its axis, in its title, its labels and
 * its cells alike: the axis unit (timeUnitFor) of the largest value the figure shows. Null for a
 * metric that is not a time.
 */
export function metricUnit(metric: string, values: readonly number[]): TimeUnit | null {
  if (!isTimeMetric(metric)) return null;
  let top = 0;
  for (const v of values) if (v > top) top = v;
  return timeUnitFor(top);
}

/**
 * A metric value in a figure's unit, to 3 significant digits, spaced as the notebooks' figures
 * write times: "25 ms" (or "0.025 s" on a figure in seconds), "40/s", "0.12". Without a unit, a
 * time takes its own (formatDuration).
 */
export function formatIn(metric: string, value: number, unit: TimeUnit | null): string {
  if (unit === null || !Number.isFinite(value)) return formatMetric(metric, value);
  return `${Number((value / unit.divisor).toPrecision(3))} ${unit.label}`;
}

/** "one run", "the mean of 3 replications", "the mean of 2 to 5 replications": what one point of a figure is. */
export function replicationsText(replications: { fewest: number; most: number }): string {
  const { fewest, most } = replications;
  if (most <= 1) return "one run";
  return `the mean of ${fewest === most ? fewest : `${fewest} to ${most}`} replications`;
}

/** The fewest and most replications of some points; null for none. */
export function replicationsOf(points: Iterable<{ replications: number }>): { fewest: number; most: number } | null {
  let fewest = Number.POSITIVE_INFINITY;
  let most = 0;
  for (const p of points) {
    fewest = Math.min(fewest, p.replications);
    most = Math.max(most, p.replications);
  }
  return most === 0 ? null : { fewest, most };
}
