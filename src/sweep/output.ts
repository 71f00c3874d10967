import type { AxisValue } from "./axis.js";
import type { PointRow, PooledLatency } from "./rows.js";
import type { SweepHeader } from "./store.js";
import { judgedValue, meetsTarget, type SweepTarget } from "./target.js";

/** What sweep.json says about a sweep besides its points. Times in nanoseconds. */
export interface SweepMeta {
  format: "gilsim-sweep";
  version: 1;
  id: string;
  name: string;
  /** Present only for a shard: "2/4". A merged sweep has none, like an unsharded one. */
  shard?: string;
  /** Points in the whole grid. */
  size: number;
  replications: number | null;
  seed: number | null;
  axes: { path: string; values: AxisValue[] }[];
  /** Every metric name found in the points' summaries, sorted. */
  metrics: string[];
  /** The base scenario object. */
  scenario: unknown;
  /** The --target the sweep was run with, if any: then each point says whether it meets it (`meetsTarget`). */
  target?: SweepTarget;
}

/** sweep.json as a whole: the meta fields and one entry per point, in grid order. */
export type SweepDocument = SweepMeta & { points: PointRow[] };

/** The sweep's run.confidence, the level of its intervals (default 0.95). */
export function confidenceOf(meta: SweepMeta): number {
  const level = (meta.scenario as { run?: { confidence?: unknown } } | null)?.run?.confidence;
  return typeof level === "number" ? level : 0.95;
}

/**
 * The meta fields of a sweep from its points file's header and metric names: nothing that
 * depends on timing, worker count or the order points finished in.
 */
export function sweepMeta(header: SweepHeader, metrics: readonly string[], target?: SweepTarget): SweepMeta {
  return {
    format: "gilsim-sweep",
    version: 1,
    id: header.id,
    name: header.name,
    ...(header.shard === null ? {} : { shard: header.shard }),
    size: header.size,
    replications: header.replications,
    seed: header.seed,
    axes: header.axes,
    metrics: [...metrics].sort(),
    scenario: header.scenario,
    ...(target === undefined ? {} : { target }),
  };
}

/**
 * sweep.json in pieces, for rows given in grid order: two-space indented meta fields, then
 * one line per point, so a sweep of any size is written without holding it.
 */
export function* sweepJsonChunks(meta: SweepMeta, rows: Iterable<PointRow>): Generator<string> {
  yield `${JSON.stringify(meta, null, 2).replace(/\n}$/, "")},\n  "points": [`;
  let first = true;
  for (const row of rows) {
    const line =
      meta.target === undefined
        ? row
        : { ...row, meetsTarget: meetsTarget(meta.target, row), targetJudged: judgedValue(meta.target, row) };
    yield `${first ? "" : ","}\n    ${JSON.stringify(line)}`;
    first = false;
  }
  yield "\n  ]\n}\n";
}

function csvField(value: AxisValue | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The pooled latency columns of sweep.csv, after the metrics. */
const POOLED: readonly (keyof PooledLatency)[] = ["count", "p50", "p90", "p95", "p99", "max"];

/**
 * sweep.csv in pieces: one row per point; the varied paths, then each metric's mean and
 * confidence bounds (`latency.p99`, `latency.p99.lo`, `latency.p99.hi`), then the latency
 * quantiles of all the point's replications pooled (`pooledLatency.p99`), how many replications
 * run.until cut short (`truncated`), and, with a target, whether the point meets it
 * (`meetsTarget`) and the value judged against it (`targetJudged`: the 95% bound on the target's
 * side, times the model-error allowance's factor when there is one; empty for a time of a point
 * cut short, which never meets a target). Times in nanoseconds, throughput per second.
 */
export function* sweepCsvChunks(meta: SweepMeta, rows: Iterable<PointRow>): Generator<string> {
  const header = ["index", "seed", "replications", ...meta.axes.map((a) => a.path)];
  for (const m of meta.metrics) header.push(m, `${m}.lo`, `${m}.hi`);
  for (const q of POOLED) header.push(`pooledLatency.${q}`);
  header.push("truncated");
  if (meta.target) header.push("meetsTarget", "targetJudged");
  yield `${header.map(csvField).join(",")}\n`;
  for (const p of rows) {
    const row: (AxisValue | null | undefined)[] = [p.index, p.seed, p.replications];
    for (const a of meta.axes) row.push(p.values[a.path]);
    for (const m of meta.metrics) {
      const s = p.summary[m];
      row.push(s?.mean, s?.lo, s?.hi);
    }
    for (const q of POOLED) row.push(p.pooledLatency?.[q]);
    row.push(p.truncated ?? 0);
    if (meta.target) row.push(meetsTarget(meta.target, p), judgedValue(meta.target, p));
    yield `${row.map(csvField).join(",")}\n`;
  }
}

/** The whole of sweep.json for rows in memory (sorted here into grid order). */
export function formatSweepJson(meta: SweepMeta, rows: readonly PointRow[]): string {
  return [
    ...sweepJsonChunks(
      meta,
      [...rows].sort((a, b) => a.index - b.index),
    ),
  ].join("");
}

/** The whole of sweep.csv for rows in memory (sorted here into grid order). */
export function formatSweepCsv(meta: SweepMeta, rows: readonly PointRow[]): string {
  return [
    ...sweepCsvChunks(
      meta,
      [...rows].sort((a, b) => a.index - b.index),
    ),
  ].join("");
}
