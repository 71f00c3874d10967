import { join } from "node:path";
import { heatmapChart } from "../charts/heatmap.js";
import { capitalize } from "../charts/options.js";
import { timeUnitFor } from "../charts/time-axis.js";
import type { Figure } from "../charts/types.js";
import { writeFigure } from "../charts/write.js";
import type { AxisValue } from "./axis.js";
import { cutShort, isTimeMetric } from "./evaluate.js";
import { heatmapData, lineData } from "./figure-data.js";
import { metricQuantity, pathQuantity } from "./labels.js";
import { sweepLineFigure } from "./line-figure.js";
import { confidenceOf, type SweepMeta } from "./output.js";
import type { PointRow } from "./rows.js";
import { formatMetric } from "./table.js";
import { meetsTarget, targetLabel } from "./target.js";

/** A figure of a sweep and the file name it is written under. */
export interface NamedFigure {
  file: string;
  figure: Figure;
}

function cellKey(v: AxisValue): string | number {
  return typeof v === "boolean" ? String(v) : v;
}

/**
 * The figures of a sweep for one metric: `<metric>-line.svg` (the metric against the first
 * numeric varied parameter, a line per value of the others) when there is such a parameter, and
 * `<metric>-heatmap.svg` (over the first two varied parameters; numbered when other parameters
 * vary too) when two or more vary. `rows` gives the rows in grid order, afresh on each call.
 */
export function sweepFigures(
  meta: SweepMeta,
  count: number,
  rows: () => Iterable<PointRow>,
  metric: string,
): NamedFigure[] {
  const out: NamedFigure[] = [];
  const subtitle = `sweep ${meta.name}: ${count} points`;
  const level = Math.round(confidenceOf(meta) * 100);
  // A target is marked in the figures of its own metric only.
  const target = meta.target?.metric === metric ? meta.target : undefined;
  const rule = target ? `${targetLabel(target)} (${level}% ${target.bound === "hi" ? "upper" : "lower"} bound)` : "";
  const title = sweepTitle([...rows()], metric, target);
  const line = lineData(meta, rows(), metric);
  if (line) {
    out.push({
      file: `${metric}-line.svg`,
      figure: sweepLineFigure(line, {
        ...(title ? { title } : {}),
        subtitle: line.fixed === "" ? subtitle : `${subtitle}; ${line.fixed}`,
        confidence: confidenceOf(meta),
        ...(target ? { target: { value: target.value, label: `target: ${targetLabel(target)}` } } : {}),
      }),
    });
  }
  const maps = heatmapData(meta, rows(), metric);
  maps.forEach((map, i) => {
    if (map.cells.length === 0) return;
    const unit = isTimeMetric(metric) ? timeUnitFor(Math.max(...map.cells.map((c) => c.value))) : null;
    const quantity = metricQuantity(metric);
    const figure = heatmapChart(
      map.cells.map((c) => ({
        x: cellKey(c.x),
        y: cellKey(c.y),
        value: c.value / (unit?.divisor ?? 1),
        ...(c.capped ? { capped: true } : {}),
        ...(target ? { meetsTarget: c.meets === true } : {}),
      })),
      {
        x: pathQuantity(map.x),
        y: pathQuantity(map.y),
        value: {
          quantity: quantity.quantity,
          ...(unit || quantity.unit ? { unit: unit?.label ?? quantity.unit } : {}),
        },
        ...(title ? { title } : {}),
        subtitle: map.fixed === "" ? subtitle : `${subtitle}; ${map.fixed}`,
        // Dark for worse: high times, low throughput.
        reverse: unit !== null,
        cappedLabel: "run cut short by run.until: at least this",
        cappedNote:
          "Hatched cells (≥ value) come from runs cut short by run.until: their values are lower bounds, and they never meet a target.",
        ...(target
          ? {
              target: {
                value: target.value / (unit?.divisor ?? 1),
                better: target.bound === "hi" ? ("lower" as const) : ("higher" as const),
                label: rule,
              },
            }
          : {}),
      },
    );
    out.push({ file: maps.length === 1 ? `${metric}-heatmap.svg` : `${metric}-heatmap-${i + 1}.svg`, figure });
  });
  return out;
}

/**
 * The figures' title: their conclusion, computed. With a target, how many points meet it and the
 * best of them; without, the best and worst points. Lower is better for times, higher for
 * throughput. A capped point's value is a lower bound, so it is never called the best time.
 */
export function sweepTitle(
  rows: readonly PointRow[],
  metric: string,
  target: SweepMeta["target"] | undefined,
): string | null {
  const lower = isTimeMetric(metric);
  const known = rows.filter((r) => r.summary[metric] !== undefined);
  if (known.length === 0) return null;
  const value = (r: PointRow) => (r.summary[metric] as { mean: number }).mean;
  const usable = known.filter((r) => !cutShort(r, metric));
  const order = (a: PointRow, b: PointRow) => (lower ? value(a) - value(b) : value(b) - value(a)) || a.index - b.index;
  // A point is named by the parameters that vary: one that takes a single value says nothing.
  const varying = new Set(
    Object.keys(rows[0]?.values ?? {}).filter((path) => new Set(rows.map((r) => String(r.values[path]))).size > 1),
  );
  const where = (r: PointRow) =>
    Object.entries(r.values)
      .filter(([path]) => varying.has(path))
      .map(([path, v]) => `${pathQuantity(path).quantity} ${String(v)}`)
      .join(", ");
  const name = metricQuantity(metric).quantity;
  const capped = (r: PointRow) => cutShort(r, metric);
  const show = (r: PointRow) => `${capped(r) ? "≥ " : ""}${formatMetric(metric, value(r))}`;
  const at = (r: PointRow) => (where(r) === "" ? "" : ` at ${where(r)}`);
  const cut = known.filter(capped).length;
  const cutNote = cut > 0 ? `; ${cut} of ${rows.length} cut short by run.until (times at least as shown)` : "";
  if (target) {
    const meeting = rows.filter((r) => meetsTarget(target, r)).sort(order);
    const best = meeting[0];
    return best
      ? `${meeting.length} of ${rows.length} point${rows.length === 1 ? "" : "s"} ${meeting.length === 1 ? "meets" : "meet"} ${targetLabel(target)}; best: ${show(best)}${at(best)}${cutNote}`
      : `No point of ${rows.length} meets ${targetLabel(target)}${cutNote}`;
  }
  const sorted = [...(usable.length > 0 ? usable : known)].sort(order);
  const best = sorted[0] as PointRow;
  const worst = [...known].sort(order).at(-1) as PointRow;
  if (known.length === 1) return `${capitalize(name)}: ${show(best)}${at(best)}`;
  if (formatMetric(metric, value(best)) === formatMetric(metric, value(worst)) && !capped(worst)) {
    return `${capitalize(name)}: ${show(best)} at every point${cutNote}`;
  }
  // A capped point below the best uncapped one may still be the worst: its time is a lower bound.
  const hidden = known.some((r) => capped(r) && value(r) < value(worst)) ? cutNote : "";
  return `${capitalize(name)} from ${show(best)}${where(best) === "" ? "" : ` (${where(best)})`} to ${show(worst)}${where(worst) === "" ? "" : ` (${where(worst)})`}${hidden}`;
}

/** Writes the figures of `sweepFigures` into `out`, each as SVG and as PNG (2x) beside it; returns their paths. */
export function writeSweepFigures(
  meta: SweepMeta,
  count: number,
  rows: () => Iterable<PointRow>,
  metric: string,
  out: string,
): string[] {
  return sweepFigures(meta, count, rows, metric).flatMap(({ file, figure }) => {
    const svg = join(out, file);
    const png = svg.replace(/\.svg$/, ".png");
    writeFigure(svg, figure);
    writeFigure(png, figure);
    return [svg, png];
  });
}
