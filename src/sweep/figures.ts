import { join } from "node:path";
import { heatmapChart } from "../charts/heatmap.js";
import { timeUnitFor } from "../charts/time-axis.js";
import type { Figure } from "../charts/types.js";
import { writeFigure } from "../charts/write.js";
import type { AxisValue } from "./axis.js";
import { isTimeMetric } from "./evaluate.js";
import { heatmapData, lineData } from "./figure-data.js";
import { sweepLineFigure } from "./line-figure.js";
import type { SweepMeta } from "./output.js";
import type { PointRow } from "./rows.js";

/** A figure of a sweep and the file name it is written under. */
export interface NamedFigure {
  file: string;
  figure: Figure;
}

function cellKey(v: AxisValue): string | number {
  return typeof v === "boolean" ? String(v) : v;
}

function confidenceOf(meta: SweepMeta): number {
  const level = (meta.scenario as { run?: { confidence?: unknown } } | null)?.run?.confidence;
  return typeof level === "number" ? level : 0.95;
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
  const line = lineData(meta, rows(), metric);
  if (line) {
    out.push({
      file: `${metric}-line.svg`,
      figure: sweepLineFigure(line, {
        subtitle: line.fixed === "" ? subtitle : `${subtitle}; ${line.fixed}`,
        confidence: confidenceOf(meta),
      }),
    });
  }
  const maps = heatmapData(meta, rows(), metric);
  maps.forEach((map, i) => {
    if (map.cells.length === 0) return;
    const unit = isTimeMetric(metric) ? timeUnitFor(Math.max(...map.cells.map((c) => c.value))) : null;
    const figure = heatmapChart(
      map.cells.map((c) => ({ x: cellKey(c.x), y: cellKey(c.y), value: c.value / (unit?.divisor ?? 1) })),
      {
        xLabel: map.x,
        yLabel: map.y,
        valueLabel: unit ? `${metric} (${unit.label})` : metric,
        subtitle: map.fixed === "" ? subtitle : `${subtitle}; ${map.fixed}`,
        // Dark for worse: high times, low throughput.
        reverse: unit !== null,
      },
    );
    out.push({ file: maps.length === 1 ? `${metric}-heatmap.svg` : `${metric}-heatmap-${i + 1}.svg`, figure });
  });
  return out;
}

/** Writes the figures of `sweepFigures` into `out`; returns their paths. */
export function writeSweepFigures(
  meta: SweepMeta,
  count: number,
  rows: () => Iterable<PointRow>,
  metric: string,
  out: string,
): string[] {
  return sweepFigures(meta, count, rows, metric).map(({ file, figure }) => {
    const path = join(out, file);
    writeFigure(path, figure);
    return path;
  });
}
