import type { AxisValue } from "./axis.js";
import { cutShort } from "./evaluate.js";
import { describeValue, replicationsOf } from "./labels.js";
import type { SweepMeta } from "./output.js";
import type { PointRow } from "./rows.js";
import { meetsTarget } from "./target.js";

/** One line of a line figure: the metric against the x axis, at fixed values of the other axes. */
export interface LineSeries {
  /** The other axes' values, "GIL: off, cores: 4"; "" when there are none. */
  label: string;
  /** The other varied axes' values on this line, by path. */
  values: Record<string, AxisValue>;
  /** `capped`: a run of the point was cut short by run.until, so y is a lower bound. `meets`: the point meets the sweep's target. */
  points: { x: number; y: number; lo: number; hi: number; capped?: boolean; meets?: boolean }[];
}

/** A metric against one varied parameter, one line per combination of the others. */
export interface LineData {
  metric: string;
  x: string;
  series: LineSeries[];
  /** The axes that take one value only, "executor: threads"; "" when there are none. */
  fixed: string;
  /**
   * What is the same on every line, for the paths that say which executor kind a line is
   * (executor.kind, runtime.python, runtime.gil): from an axis with one value, else from the
   * base scenario. A path set nowhere is absent.
   */
  context?: Record<string, AxisValue>;
  /** The fewest and most replications of the points drawn, for the caption; absent when unknown. */
  replications?: { fewest: number; most: number };
}

/** A metric over two varied parameters, at fixed values of any others. */
export interface HeatmapData {
  metric: string;
  x: string;
  y: string;
  xValues: AxisValue[];
  yValues: AxisValue[];
  /** The other axes' values; "" when there are none. */
  fixed: string;
  /** `capped` and `meets` as in LineSeries' points. */
  cells: { x: AxisValue; y: AxisValue; value: number; capped?: boolean; meets?: boolean }[];
  /** The fewest and most replications of the cells' points; null when there are no cells. */
  replications: { fewest: number; most: number } | null;
}

/** The paths whose values say which executor kind (and GIL) a point runs. */
export const KIND_PATHS = ["executor.kind", "runtime.python", "runtime.gil"] as const;

/** The value at a dotted path of the base scenario object, when it is a number, string or boolean. */
function scenarioValue(scenario: unknown, path: string): AxisValue | undefined {
  let at: unknown = scenario;
  for (const key of path.split(".")) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === "number" || typeof at === "string" || typeof at === "boolean" ? at : undefined;
}

/** KIND_PATHS' values shared by every point of a sweep: a single-valued axis's, else the base scenario's. */
function kindContext(meta: SweepMeta): Record<string, AxisValue> {
  const out: Record<string, AxisValue> = {};
  for (const path of KIND_PATHS) {
    const axis = meta.axes.find((a) => a.path === path);
    const value = axis ? (axis.values.length === 1 ? axis.values[0] : undefined) : scenarioValue(meta.scenario, path);
    if (value !== undefined) out[path] = value;
  }
  return out;
}

/** At most this many lines in one line figure, and heatmaps per sweep. */
export const MAX_SERIES = 12;
export const MAX_HEATMAPS = 6;

function label(values: Record<string, AxisValue>, paths: readonly string[]): string {
  return paths.map((p) => describeValue(p, values[p])).join(", ");
}

/**
 * Groups rows by the values of `paths`, in first-seen (grid) order, keeping at most `max`
 * groups: rows of later groups are dropped as they stream by, so memory is bounded by what
 * the figure shows.
 */
function groupBy(rows: Iterable<PointRow>, paths: readonly string[], max: number, shrink: (row: PointRow) => PointRow) {
  const groups = new Map<string, PointRow[]>();
  for (const row of rows) {
    const key = label(row.values, paths);
    let g = groups.get(key);
    if (!g) {
      if (groups.size === max) continue;
      g = [];
      groups.set(key, g);
    }
    g.push(shrink(row));
  }
  return groups;
}

/** A copy of a row with only the one metric, so groups hold little; a target's metric is kept too. */
export function slim(metric: string, meta: SweepMeta) {
  const keep = [...new Set([metric, meta.target?.metric ?? metric])];
  return (row: PointRow): PointRow => {
    const summary: PointRow["summary"] = {};
    for (const m of keep) {
      const s = row.summary[m];
      if (s) summary[m] = s;
    }
    return { ...row, summary };
  };
}

/** A point's `capped` (cutShort) and `meets` flags, each only when true. */
function flags(meta: SweepMeta, row: PointRow, metric: string): { capped?: boolean; meets?: boolean } {
  return {
    ...(cutShort(row, metric) ? { capped: true } : {}),
    ...(meta.target && meetsTarget(meta.target, row) ? { meets: true } : {}),
  };
}

/**
 * The line figure of a sweep, from its rows in grid order: x is the first axis with two or more
 * numeric values; null when there is none or the metric is missing.
 */
export function lineData(meta: SweepMeta, rows: Iterable<PointRow>, metric: string): LineData | null {
  const xAxis = meta.axes.find((a) => a.values.length >= 2 && a.values.every((v) => typeof v === "number"));
  if (!xAxis || !meta.metrics.includes(metric)) return null;
  // An axis with one value labels every line alike: it goes in `fixed` instead.
  const others = meta.axes.filter((a) => a !== xAxis && a.values.length >= 2).map((a) => a.path);
  const single = meta.axes.filter((a) => a !== xAxis && a.values.length < 2);
  const fixed = single.map((a) => describeValue(a.path, a.values[0])).join(", ");
  const series: LineSeries[] = [];
  const drawn: PointRow[] = [];
  for (const [key, points] of groupBy(rows, others, MAX_SERIES, slim(metric, meta))) {
    const first = points[0]?.values ?? {};
    const line: LineSeries = {
      label: key,
      values: Object.fromEntries(others.map((p) => [p, first[p] as AxisValue])),
      points: [],
    };
    for (const p of points) {
      const s = p.summary[metric];
      if (!s) continue;
      drawn.push(p);
      line.points.push({
        x: p.values[xAxis.path] as number,
        y: s.mean,
        lo: s.lo,
        hi: s.hi,
        ...flags(meta, p, metric),
      });
    }
    line.points.sort((a, b) => a.x - b.x);
    series.push(line);
  }
  const replications = replicationsOf(drawn);
  return {
    metric,
    x: xAxis.path,
    series,
    fixed,
    context: kindContext(meta),
    ...(replications ? { replications } : {}),
  };
}

/**
 * The heatmaps of a sweep, from its rows in grid order: the first two axes with two or more
 * values as x and y, one heatmap per combination of the remaining axes (at most MAX_HEATMAPS).
 * Empty with fewer than two such axes.
 */
export function heatmapData(meta: SweepMeta, rows: Iterable<PointRow>, metric: string): HeatmapData[] {
  const varied = meta.axes.filter((a) => a.values.length >= 2);
  const [xAxis, yAxis] = varied;
  if (!xAxis || !yAxis || !meta.metrics.includes(metric)) return [];
  const others = meta.axes.filter((a) => a !== xAxis && a !== yAxis).map((a) => a.path);
  const out: HeatmapData[] = [];
  for (const [fixed, points] of groupBy(rows, others, MAX_HEATMAPS, slim(metric, meta))) {
    const shown = points.filter((p) => p.summary[metric] !== undefined);
    const cells = shown.flatMap((p) => {
      const s = p.summary[metric];
      return s
        ? [
            {
              x: p.values[xAxis.path] as AxisValue,
              y: p.values[yAxis.path] as AxisValue,
              value: s.mean,
              ...flags(meta, p, metric),
            },
          ]
        : [];
    });
    const replications = replicationsOf(shown);
    out.push({
      metric,
      x: xAxis.path,
      y: yAxis.path,
      xValues: xAxis.values,
      yValues: yAxis.values,
      fixed,
      cells,
      replications,
    });
  }
  return out;
}
