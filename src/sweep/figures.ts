import { join } from "node:path";
import { heatmapChart } from "../charts/heatmap.js";
import { capitalize } from "../charts/options.js";
import type { TimeUnit } from "../charts/time-axis.js";
import type { Figure } from "../charts/types.js";
import { writeFigure } from "../charts/write.js";
import type { AxisValue } from "./axis.js";
import { cutShort, isTimeMetric } from "./evaluate.js";
import { heatmapData, lineData, slim } from "./figure-data.js";
import { formatIn, metricQuantity, metricUnit, pathQuantity, replicationsText } from "./labels.js";
import { sweepLineFigure } from "./line-figure.js";
import { confidenceOf, type SweepMeta } from "./output.js";
import type { PointRow } from "./rows.js";
import { boundName } from "./slo.js";
import { allowanceNote, drawnLabel, drawnLimit, meetsTarget, targetLabel, targetLegend } from "./target.js";

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
 * vary too) when two or more vary. `rows` gives the rows in grid order; they are read once, kept
 * with only the metrics the figures show, and the title, lines and heatmaps all draw on that.
 */
export function sweepFigures(
  meta: SweepMeta,
  count: number,
  rows: () => Iterable<PointRow>,
  metric: string,
): NamedFigure[] {
  const out: NamedFigure[] = [];
  const points = [...rows()].map(slim(metric, meta));
  // A target is marked in the figures of its own metric only.
  const target = meta.target?.metric === metric ? meta.target : undefined;
  const unit = figureUnit(points, metric, target);
  const note = target ? allowanceNote(target, unit) : "";
  // Short, for the heatmap's legend (which does not wrap inside an item); the note goes in its caption.
  const rule = target ? `${targetLabel(target, unit)} (${boundName(confidenceOf(meta), target.bound === "hi")})` : "";
  const title = sweepTitle(points, metric, target, unit);
  const subtitle = (fixed: string) => sweepSubtitle(meta, count, fixed);
  const line = lineData(meta, points, metric);
  if (line) {
    out.push({
      file: `${metric}-line.svg`,
      figure: sweepLineFigure(line, {
        ...(title ? { title } : {}),
        subtitle: subtitle(line.fixed),
        confidence: confidenceOf(meta),
        ...(unit ? { unit } : {}),
        ...(target
          ? {
              target: {
                value: drawnLimit(target),
                label: `target: ${targetLegend(target, unit)}`,
                name: targetLabel(target, unit),
                ...(note ? { note } : {}),
              },
            }
          : {}),
      }),
    });
  }
  const maps = heatmapData(meta, points, metric);
  maps.forEach((map, i) => {
    if (map.cells.length === 0) return;
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
        subtitle: subtitle(map.fixed),
        ...(map.replications
          ? { cellNote: `Each cell is ${replicationsText(map.replications)} of one sweep point` }
          : {}),
        // Dark for worse: high times, low throughput.
        reverse: unit !== null,
        cappedLabel: "run cut short by run.until: at least this",
        cappedNote:
          "Hatched cells (≥ value) come from runs cut short by run.until: their values are lower bounds, and they never meet a target.",
        ...(target
          ? {
              target: {
                value: drawnLimit(target) / (unit?.divisor ?? 1),
                better: target.bound === "hi" ? ("lower" as const) : ("higher" as const),
                label: rule,
                legend: `on the colour bar: ${drawnLabel(target, unit)}`,
                ...(note ? { note } : {}),
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
 * The one unit of a time metric in every figure of a sweep (axes, title, cells and target alike):
 * metricUnit of the largest value a figure draws, an interval's top or the target.
 */
function figureUnit(
  rows: readonly PointRow[],
  metric: string,
  target: SweepMeta["target"] | undefined,
): TimeUnit | null {
  const tops = rows.flatMap((r) => {
    const s = r.summary[metric];
    return s ? [s.mean, s.hi] : [];
  });
  return metricUnit(metric, target?.metric === metric ? [...tops, target.value] : tops);
}

/** At most this many values of a varied parameter are listed in a subtitle; more read "first to last". */
const LISTED_VALUES = 6;

/**
 * The figures' subtitle: what was swept. The scenario by name, the points, each varied parameter
 * with its values, `fixed` (what is the same across the figure), then the base scenario's own
 * description, said to be the base's: the sweep may change what it describes.
 */
export function sweepSubtitle(meta: SweepMeta, count: number, fixed = ""): string {
  const varied = meta.axes
    .filter((a) => a.values.length >= 2)
    .map((a) => {
      const v = a.values;
      const listed =
        v.length <= LISTED_VALUES
          ? v.map(String).join(", ")
          : `${String(v[0])} to ${String(v.at(-1))}, ${v.length} values`;
      return `${pathQuantity(a.path).quantity} (${listed})`;
    });
  const over =
    varied.length === 0
      ? ""
      : ` over ${varied.length === 1 ? varied[0] : `${varied.slice(0, -1).join(", ")} and ${varied.at(-1)}`}`;
  const points = count < meta.size ? `${count} of ${meta.size} points` : `${count} point${count === 1 ? "" : "s"}`;
  const description = (meta.scenario as { description?: unknown } | null)?.description;
  const base =
    typeof description === "string" && description.trim() !== ""
      ? ` The base scenario, before the varied values: ${description.trim()}`
      : "";
  return `Sweep of ${meta.name}${over}, ${points}${fixed === "" ? "" : `; ${fixed}`}.${base}`;
}

/**
 * The figures' title: their conclusion, computed. With a target, how many points meet it and the
 * best of them; without, the best and worst points. Lower is better for times, higher for
 * throughput. A capped point's value is a lower bound, so it is never called the best time.
 * Values are written in `unit`, the figures' own (default: metricUnit of the rows' values).
 */
export function sweepTitle(
  rows: readonly PointRow[],
  metric: string,
  target: SweepMeta["target"] | undefined,
  unit: TimeUnit | null = figureUnit(rows, metric, target),
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
  const format = (r: PointRow) => formatIn(metric, value(r), unit);
  const show = (r: PointRow) => `${capped(r) ? "≥ " : ""}${format(r)}`;
  const at = (r: PointRow) => (where(r) === "" ? "" : ` at ${where(r)}`);
  const cut = known.filter(capped).length;
  const cutNote = cut > 0 ? `; ${cut} of ${rows.length} cut short by run.until (times at least as shown)` : "";
  if (target) {
    const meeting = rows.filter((r) => meetsTarget(target, r)).sort(order);
    const best = meeting[0];
    return best
      ? `${meeting.length} of ${rows.length} point${rows.length === 1 ? "" : "s"} ${meeting.length === 1 ? "meets" : "meet"} ${targetLabel(target, unit)}; best: ${show(best)}${at(best)}${cutNote}`
      : `No point of ${rows.length} meets ${targetLabel(target, unit)}${cutNote}`;
  }
  const sorted = [...(usable.length > 0 ? usable : known)].sort(order);
  const best = sorted[0] as PointRow;
  const worst = [...known].sort(order).at(-1) as PointRow;
  if (known.length === 1) return `${capitalize(name)}: ${show(best)}${at(best)}`;
  if (format(best) === format(worst) && !capped(worst)) {
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
