import { cutShort } from "./evaluate.js";
import { formatMetric } from "./labels.js";
import { confidenceOf, type SweepMeta } from "./output.js";
import type { PointRow } from "./rows.js";
import { boundName } from "./slo.js";
import { allowanceNote, meetsTarget, type SweepTarget, targetLabel } from "./target.js";

/** Sweeps with more points than this print a one-line note instead of a table. */
export const MAX_TABLE_ROWS = 40;

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

/**
 * The line after the table for a sweep with a target: how many of its points meet it at their
 * confidence bound, and how many cannot because run.until cut them short.
 */
export function formatTargetLine(
  meta: SweepMeta,
  count: number,
  points: Iterable<PointRow>,
  target: SweepTarget,
): string {
  let met = 0;
  let cut = 0;
  for (const row of points) {
    if (meetsTarget(target, row)) met++;
    else if (cutShort(row, target.metric)) cut++;
  }
  const level = boundName(confidenceOf(meta), target.bound === "hi");
  const why = cut > 0 ? `; ${cut} cut short by run.until, whose times are lower bounds, cannot` : "";
  const note = allowanceNote(target);
  return `target ${targetLabel(target)} (at the ${level}${note ? `; ${note}` : ""}): ${met} of ${count} point${count === 1 ? "" : "s"} ${met === 1 ? "meets" : "meet"} it${why}`;
}
