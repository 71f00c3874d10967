import { formatDuration } from "../engine/time.js";
import { cutShort, isTimeMetric } from "./evaluate.js";
import type { SweepMeta } from "./output.js";
import type { PointRow } from "./rows.js";

/** Sweeps with more points than this print a one-line note instead of a table. */
export const MAX_TABLE_ROWS = 40;

/** A metric value for people: a duration for times, 3 significant digits otherwise. */
export function formatMetric(metric: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (isTimeMetric(metric)) return formatDuration(Math.round(value));
  const text = String(Number(value.toPrecision(3)));
  return metric === "throughput" ? `${text}/s` : text;
}

/**
 * The points of a sweep as a text table: the varied values, then the metric's mean and the
 * half-width of its confidence interval. Long sweeps get a line pointing to sweep.csv instead.
 */
export function formatSweepTable(meta: SweepMeta, count: number, points: Iterable<PointRow>, metric: string): string {
  if (count > MAX_TABLE_ROWS) {
    return `${count} points: see sweep.csv for every metric, mean and confidence bounds`;
  }
  const header = [...meta.axes.map((a) => a.path), metric, "+/-"];
  const rows = [...points].map((p) => {
    const s = p.summary[metric];
    return [
      ...meta.axes.map((a) => String(p.values[a.path])),
      // A time from runs cut short by run.until is a lower bound.
      s ? `${cutShort(p, metric) ? "≥ " : ""}${formatMetric(metric, s.mean)}` : "-",
      s ? formatMetric(metric, s.halfWidth) : "-",
    ];
  });
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ")).join("\n");
}
