import type { Nanos } from "../engine/time.js";
import { LatencySketch, type SketchData } from "../metrics/sketch.js";
import type { AxisValue } from "./axis.js";
import { type Runs, type Summary, summarize } from "./evaluate.js";

/**
 * Latency quantiles of all the measured tasks of a point's replications together, read from
 * their histograms added up (never an average of each run's quantiles). In nanoseconds.
 */
export interface PooledLatency {
  count: number;
  p50: Nanos;
  p90: Nanos;
  p95: Nanos;
  p99: Nanos;
  max: Nanos;
}

/** What identifies a point in its rows. */
export interface PointId {
  index: number;
  key: string;
  /** Seed of the point's first replication; replication k runs with seed + k. */
  seed: number;
  /** The point's replications, all of them. */
  replications: number;
  values: Record<string, AxisValue>;
}

/** One finished point: a line of a points file. */
export interface PointRow extends PointId {
  /** Each metric's mean over the replications, with its confidence interval. */
  summary: Summary;
  pooledLatency: PooledLatency;
  /**
   * Replications that stopped at run.until with tasks unfinished (their latencies are lower
   * bounds: the unfinished tasks would have taken longer). Absent when none did.
   */
  truncated?: number;
}

/**
 * Replications [from, to) of a point too costly for one shard: a line of a shard's points file.
 * `merge` joins the parts of a point into its PointRow, the same bytes as a run in one piece.
 */
export interface PartRow extends PointId {
  part: [from: number, to: number];
  /** The point's run.confidence, to summarize the joined replications. */
  confidence: number;
  /** Each metric in each of the part's replications, in order. */
  runs: Runs;
  /** The part's latencies, every replication's added up. */
  latency: SketchData;
  /** The part's replications cut short by run.until; absent when none were. */
  truncated?: number;
}

/** A part's results, as `wholeRow` takes them. */
export interface PartResult {
  from: number;
  to: number;
  runs: Runs;
  latency: SketchData;
  /** Replications of the part cut short by run.until (0 or absent when none). */
  truncated?: number;
}

/** Whether a line's row is a part of a point. */
export function isPart(row: PointRow | PartRow): row is PartRow {
  return "part" in row;
}

/**
 * The row of a point from the results of its replications: one part holding all of them, or parts
 * that tile them in order. Each metric's replications are joined in order and summarized, and the
 * latency sketches added, so a point gives the same row, to the byte, however it was cut.
 */
export function wholeRow(point: PointId, parts: readonly PartResult[], confidence: number): PointRow {
  let at = 0;
  const runs: Runs = {};
  const latency = new LatencySketch();
  let truncated = 0;
  for (const p of parts) {
    truncated += p.truncated ?? 0;
    if (p.from !== at) throw new RangeError(`invalid parts of point ${point.key}: replication ${at} is missing`);
    at = p.to;
    for (const [name, values] of Object.entries(p.runs)) {
      const joined = runs[name] ?? [];
      for (const v of values) joined.push(v);
      runs[name] = joined;
    }
    latency.add(LatencySketch.fromData(p.latency));
  }
  if (at !== point.replications) {
    throw new RangeError(`invalid parts of point ${point.key}: ${at} of ${point.replications} replications`);
  }
  const q = latency.summary();
  return {
    index: point.index,
    key: point.key,
    seed: point.seed,
    replications: point.replications,
    values: point.values,
    summary: summarize(runs, confidence),
    pooledLatency: { count: q.count, p50: q.p50, p90: q.p90, p95: q.p95, p99: q.p99, max: q.max },
    // Only when some run was cut short, so the rows of sweeps that ran to the end keep their bytes.
    ...(truncated > 0 ? { truncated } : {}),
  };
}

/** The row of replications [from, to) of a point. */
export function partRow(point: PointId, part: PartResult, confidence: number): PartRow {
  return {
    index: point.index,
    key: point.key,
    seed: point.seed,
    replications: point.replications,
    values: point.values,
    part: [part.from, part.to],
    confidence,
    runs: part.runs,
    latency: part.latency,
    ...((part.truncated ?? 0) > 0 ? { truncated: part.truncated } : {}),
  };
}
