/**
 * What-if heatmap: one cell per (x, y) variant, its colour the value (a p99, a speedup...), with
 * a colour ramp legend and, when cells are few and wide enough, the value written in each cell.
 * Sequential values use viridis; values around a pivot (a speedup around 1) use a red-blue
 * diverging scheme. Both stay readable to colour-blind readers and in grey.
 */
import * as Plot from "@observablehq/plot";
import { chartFigure, panel } from "./figure.js";
import { rampLegend } from "./legend-ramp.js";
import { boolean, figureText, invalid, oneOf, optionalText } from "./options.js";
import { textOn } from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE, PAD } from "./theme.js";
import type { Figure, FigureOptions } from "./types.js";

export interface HeatCell {
  x: string | number;
  y: string | number;
  value: number;
}

export interface HeatmapOptions extends FigureOptions {
  /** Axis labels with units, e.g. "workers (threads)", "switch interval (ms)". Default "x" and "y". */
  xLabel?: string;
  yLabel?: string;
  /** What the colour shows, with its unit, e.g. "p99 latency (ms)". Default "value". */
  valueLabel?: string;
  /** "sequential" (default, viridis) or "diverging" (red-blue around `pivot`). */
  scheme?: "sequential" | "diverging";
  /** Centre of a diverging scheme; default 1 (a ratio such as a speedup). */
  pivot?: number;
  /** Reverse the colours (e.g. so that high p99 is dark); default false. */
  reverse?: boolean;
  /** Write values in cells: default when there are at most 120 cells and they fit. */
  cellLabels?: boolean;
  /** Formats values in cells and on the ramp; default 3 significant digits. */
  format?: (value: number) => string;
}

const MARGIN_TOP = 24;
const MARGIN_BOTTOM = 40;
const MARGIN_RIGHT = 8;
const RAMP_WIDTH = 300;

/** The distinct values of a key: numbers ascending if all are numbers, else in order of appearance. */
function domainOf(values: readonly (string | number)[]): (string | number)[] {
  const distinct = [...new Set(values)];
  return distinct.every((v) => typeof v === "number") ? (distinct as number[]).sort((a, b) => a - b) : distinct;
}

export function heatmapChart(cells: readonly HeatCell[], options: HeatmapOptions = {}): Figure {
  if (!Array.isArray(cells) || cells.length === 0) throw invalid("cells", cells, "a non-empty array of HeatCell");
  cells.forEach((c, i) => {
    if (!Number.isFinite(c.value)) throw invalid(`cells[${i}].value`, c.value, "a finite number");
  });
  const xLabel = optionalText("xLabel", options.xLabel, "x") ?? "x";
  const yLabel = optionalText("yLabel", options.yLabel, "y") ?? "y";
  const valueLabel = optionalText("valueLabel", options.valueLabel, "value") ?? "value";
  const scheme = oneOf("scheme", options.scheme, ["sequential", "diverging"] as const, "sequential");
  const pivot = options.pivot ?? 1;
  if (!Number.isFinite(pivot)) throw invalid("pivot", options.pivot, "a finite number");
  const reverse = boolean("reverse", options.reverse, false);
  if (options.format !== undefined && typeof options.format !== "function")
    throw invalid("format", options.format, "a function");
  const format = options.format ?? ((v: number) => String(Number(v.toPrecision(3))));
  const xs = domainOf(cells.map((c) => c.x));
  const ys = domainOf(cells.map((c) => c.y));
  const fig = figureText(options, {
    width: 720,
    height: Math.round(Math.min(480, Math.max(160, ys.length * 44)) + MARGIN_TOP + MARGIN_BOTTOM),
    title: `${valueLabel} by ${xLabel} and ${yLabel}`,
    subtitle: `${cells.length} variants`,
    caption: `Each cell is one variant; its colour shows ${valueLabel}${scheme === "diverging" ? `, centred on ${format(pivot)}` : ""}.`,
  });

  const values = cells.map((c) => c.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // Ratios around a positive pivot diverge on a log scale, so 0.5x and 2x get the same strength.
  const logDiverging = scheme === "diverging" && lo > 0 && pivot > 0;
  const colorOptions: Plot.ScaleOptions =
    scheme === "sequential"
      ? { type: "linear", scheme: "viridis", domain: [lo, hi === lo ? lo + 1 : hi], reverse }
      : {
          type: logDiverging ? "diverging-log" : "diverging",
          scheme: "rdbu",
          pivot,
          domain: [Math.min(lo, pivot), Math.max(hi, pivot)],
          reverse,
        };
  const color = Plot.scale({ color: colorOptions });
  const fillOf = (c: HeatCell): string => String(color.apply(c.value));

  const plotWidth = fig.width - 2 * PAD;
  const marginLeft = Math.ceil(Math.max(...ys.map((y) => textWidth(String(y), AXIS_SIZE)))) + 14;
  const cellWidth = (plotWidth - marginLeft - MARGIN_RIGHT) / xs.length;
  const cellHeight = (fig.height - MARGIN_TOP - MARGIN_BOTTOM) / ys.length;
  const fits = cells.every((c) => textWidth(format(c.value), AXIS_SIZE) + 6 <= cellWidth) && cellHeight >= 14;
  const labels = boolean("cellLabels", options.cellLabels, cells.length <= 120 && fits);

  const context = createRenderContext();
  const plot = plotSvg(context, {
    width: plotWidth,
    height: fig.height,
    marginLeft,
    marginRight: MARGIN_RIGHT,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    x: { domain: xs, padding: 0.04 },
    y: { domain: ys, padding: 0.06 },
    color: { type: "identity" },
    marks: [
      Plot.cell(cells, { x: "x", y: "y", fill: fillOf }),
      labels
        ? Plot.text(cells, {
            x: "x",
            y: "y",
            text: (c: HeatCell) => format(c.value),
            fill: (c: HeatCell) => textOn(fillOf(c)),
          })
        : null,
      Plot.axisX({ label: xLabel, labelAnchor: "center", labelArrow: "none", tickSize: 0 }),
      Plot.axisY({ label: yLabel, labelAnchor: "top", labelArrow: "none", tickSize: 0 }),
    ],
  });
  const [d0, d1] = color.domain as [number, number];
  const ramp = rampLegend(context, {
    color: (v) => String(color.apply(v)),
    domain: scheme === "diverging" ? [d0, pivot, d1] : [d0, d1],
    type: logDiverging ? "log" : "linear",
    label: valueLabel,
    width: Math.min(RAMP_WIDTH, plotWidth),
    format,
  });
  return chartFigure(context, fig, ramp, [[panel(plot, plotWidth, fig.height)]]);
}
