/**
 * What-if heatmap: one cell per (x, y) variant, its colour the value (a p99, a speedup...), with
 * a colour ramp legend and, when cells are few and wide enough, the value written in each cell.
 * Sequential values use viridis; values around a pivot (a speedup around 1) use a red-blue
 * diverging scheme. Both stay readable to colour-blind readers and in grey.
 *
 * The caller declares what x, y and the colour hold. The colour goes log by itself when the
 * values span a decade, so a 20x difference is not lost among the top shades. A target outlines
 * the cells that meet it; a cap marks the cells at or above it as capped (hatched, "≥ cap").
 */
import * as Plot from "@observablehq/plot";
import { logTickLabel, scaleLabel } from "./axis.js";
import { dimensionLabel } from "./dimension.js";
import { chartFigure, panel } from "./figure.js";
import { addHatch } from "./hatch.js";
import type { Block } from "./legend.js";
import { swatchLegend } from "./legend.js";
import { onRamp, rampLegend } from "./legend-ramp.js";
import { boolean, figureText, invalid, oneOf } from "./options.js";
import { textOn } from "./palette.js";
import { createRenderContext, plotSvg, type RenderContext } from "./render.js";
import { SVG_NS } from "./svg.js";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE, GAP, INK, PAD } from "./theme.js";
import type { Figure, FigureOptions } from "./types.js";

export interface HeatCell {
  x: string | number;
  y: string | number;
  value: number;
  /** Whether the cell meets the target, when the caller decides it otherwise than by `value` (say, by a confidence bound). */
  meetsTarget?: boolean;
  /** The value is only a lower bound (a run was cut short): the cell reads "≥ value" and is hatched. */
  capped?: boolean;
}

/** What an axis or the colour holds: the quantity and its unit, e.g. {quantity: "threads"}. */
export interface HeatDimension {
  quantity: string;
  unit?: string;
}

export interface HeatmapOptions extends FigureOptions {
  /** What the columns are, e.g. {quantity: "threads"}. Required. */
  x: HeatDimension;
  /** What the rows are, e.g. {quantity: "Python CPU per request"}. Required. */
  y: HeatDimension;
  /** What the colour shows, e.g. {quantity: "p99 latency", unit: "ms"}; scale default "auto" (log over a decade). */
  value: HeatDimension & { scale?: "linear" | "log" | "auto" };
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
  /**
   * Outline the cells whose value meets this target ("lower": at most it; "higher": at least it).
   * `label` names it in the legend, short; `note`, when given, says more in the caption only;
   * `legend`, when given, names the black line the colour bar then draws at `value`.
   */
  target?: { value: number; better: "lower" | "higher"; label: string; note?: string; legend?: string };
  /** Values at or above this were capped by the caller: such cells read "≥ cap" and are hatched. */
  cap?: number;
  /** What the hatching means in the legend when cells are `capped` one by one; default "capped: at least this". */
  cappedLabel?: string;
  /** The caption's sentence on cells `capped` one by one; default "Hatched cells (≥ value) were capped: their values are lower bounds." */
  cappedNote?: string;
  /** What one cell is, opening the caption; default "Each cell is one variant". */
  cellNote?: string;
}

/** Ratio of largest to smallest value from which "auto" colours on a log scale. */
export const LOG_COLOR_SPAN = 10;

/** Above the rows: room for the y axis's name when it does not fit upright beside them. */
const MARGIN_TOP = 24;
/** Above the rows when the y axis's name is upright beside them: a little air under the legend. */
const MARGIN_TOP_UPRIGHT = 8;
const MARGIN_BOTTOM = 40;
const MARGIN_RIGHT = 8;
const RAMP_WIDTH = 300;

/** The distinct values of a key: numbers ascending if all are numbers, else in order of appearance. */
function domainOf(values: readonly (string | number)[]): (string | number)[] {
  const distinct = [...new Set(values)];
  return distinct.every((v) => typeof v === "number") ? (distinct as number[]).sort((a, b) => a - b) : distinct;
}

function checkDimension(name: string, value: unknown): HeatDimension {
  const d = value as HeatDimension | undefined;
  if (typeof d?.quantity !== "string" || d.quantity === "")
    throw invalid(name, value, "{quantity, unit?} declaring what it holds");
  return d;
}

export function heatmapChart(cells: readonly HeatCell[], options: HeatmapOptions): Figure {
  if (!Array.isArray(cells) || cells.length === 0) throw invalid("cells", cells, "a non-empty array of HeatCell");
  cells.forEach((c, i) => {
    if (!Number.isFinite(c.value)) throw invalid(`cells[${i}].value`, c.value, "a finite number");
  });
  const xLabel = dimensionLabel(checkDimension("x", options?.x));
  const yLabel = dimensionLabel(checkDimension("y", options.y));
  const valueDim = checkDimension("value", options.value);
  const valueLabel = dimensionLabel(valueDim);
  const valueScale = oneOf("value.scale", options.value.scale, ["linear", "log", "auto"] as const, "auto");
  const cap = options.cap;
  if (cap !== undefined && !Number.isFinite(cap)) throw invalid("cap", cap, "a finite number");
  const target = options.target;
  if (target !== undefined && (!Number.isFinite(target.value) || !["lower", "higher"].includes(target.better))) {
    throw invalid("target", target.value, '{value, better: "lower" or "higher", label}');
  }
  const scheme = oneOf("scheme", options.scheme, ["sequential", "diverging"] as const, "sequential");
  const pivot = options.pivot ?? 1;
  if (!Number.isFinite(pivot)) throw invalid("pivot", options.pivot, "a finite number");
  const reverse = boolean("reverse", options.reverse, false);
  if (options.format !== undefined && typeof options.format !== "function")
    throw invalid("format", options.format, "a function");
  const format = options.format ?? logTickLabel;
  // The cap in the value's unit, where the figure names one (the cells' own numbers do without it).
  const capText = (v: number): string => `${format(v)}${valueDim.unit ? ` ${valueDim.unit}` : ""}`;
  const xs = domainOf(cells.map((c) => c.x));
  const ys = domainOf(cells.map((c) => c.y));
  // The y axis's name goes upright along the rows, left of their tick labels, when it fits there:
  // above them it sits under the colour ramp and reads as the ramp's caption.
  const fitsUpright = (rows: number): boolean => textWidth(yLabel, AXIS_SIZE) <= rows - 8;
  const rowsHeight = Math.round(Math.min(480, Math.max(160, ys.length * 44)));
  const fig = figureText(options, {
    width: 720,
    height: rowsHeight + (fitsUpright(rowsHeight) ? MARGIN_TOP_UPRIGHT : MARGIN_TOP) + MARGIN_BOTTOM,
    title: `${valueLabel.charAt(0).toUpperCase()}${valueLabel.slice(1)} by ${xLabel} and ${yLabel}`,
    subtitle: `${cells.length} variants`,
    caption: [
      `${options.cellNote ?? "Each cell is one variant"}; its colour shows ${valueLabel}${scheme === "diverging" ? `, centred on ${format(pivot)}` : ""}.`,
      target
        ? cells.some((c) => meetsTargetOf(c, target))
          ? `Outlined cells meet ${target.label}${target.note ? `; ${target.note}` : ""}.`
          : `No cell meets ${target.label}.`
        : "",
      cap !== undefined && cells.some((c) => c.value >= cap) ? `Hatched cells were capped at ${capText(cap)}.` : "",
      cells.some((c) => c.capped === true && !(cap !== undefined && c.value >= cap))
        ? (options.cappedNote ?? "Hatched cells (≥ value) were capped: their values are lower bounds.")
        : "",
    ]
      .filter(Boolean)
      .join(" "),
  });

  const values = cells.map((c) => c.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // Ratios around a positive pivot diverge on a log scale, so 0.5x and 2x get the same strength.
  const logDiverging = scheme === "diverging" && lo > 0 && pivot > 0;
  const logSequential =
    scheme === "sequential" && (valueScale === "log" || (valueScale === "auto" && lo > 0 && hi / lo >= LOG_COLOR_SPAN));
  if (logSequential && !(lo > 0)) throw invalid("value.scale", "log", "linear when a value is 0 or less");
  const colorOptions: Plot.ScaleOptions =
    scheme === "sequential"
      ? {
          type: logSequential ? "log" : "linear",
          scheme: "viridis",
          domain: [lo, hi === lo ? lo * 2 || 1 : hi],
          reverse,
        }
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
  const upright = fitsUpright(fig.height - MARGIN_TOP_UPRIGHT - MARGIN_BOTTOM);
  const marginTop = upright ? MARGIN_TOP_UPRIGHT : MARGIN_TOP;
  const marginLeft =
    Math.ceil(Math.max(...ys.map((y) => textWidth(String(y), AXIS_SIZE)))) + 14 + (upright ? AXIS_SIZE + 8 : 0);
  const cellWidth = (plotWidth - marginLeft - MARGIN_RIGHT) / xs.length;
  const cellHeight = (fig.height - marginTop - MARGIN_BOTTOM) / ys.length;
  const overCap = (c: HeatCell): boolean => cap !== undefined && c.value >= cap;
  const isCapped = (c: HeatCell): boolean => overCap(c) || c.capped === true;
  const meets = (c: HeatCell): boolean => target !== undefined && meetsTargetOf(c, target);
  /** A capped cell's hatch in its text's colour: white lines on a dark fill, dark ones on a light fill. */
  const whiteLines = (c: HeatCell): boolean => textOn(fillOf(c)) === "#ffffff";
  const cellText = (c: HeatCell): string =>
    overCap(c) ? `≥ ${format(cap as number)}` : isCapped(c) ? `≥ ${format(c.value)}` : format(c.value);
  const fits = cells.every((c) => textWidth(cellText(c), AXIS_SIZE) + 6 <= cellWidth) && cellHeight >= 14;
  const labels = boolean("cellLabels", options.cellLabels, cells.length <= 120 && fits);

  const context = createRenderContext();
  const plot = plotSvg(context, {
    width: plotWidth,
    height: fig.height,
    marginLeft,
    marginRight: MARGIN_RIGHT,
    marginTop,
    marginBottom: MARGIN_BOTTOM,
    x: { domain: xs, padding: 0.04 },
    y: { domain: ys, padding: 0.06 },
    color: { type: "identity" },
    marks: [
      Plot.cell(cells, { x: "x", y: "y", fill: fillOf }),
      Plot.cell(cells.filter(isCapped), {
        x: "x",
        y: "y",
        fill: (c: HeatCell) => `url(#${whiteLines(c) ? HATCH_ID : HATCH_DARK_ID})`,
      }),
      // Cells that meet the target: a white ring inside a dark one, so it shows on light and dark fills.
      Plot.cell(cells.filter(meets), { x: "x", y: "y", fill: "none", stroke: "#ffffff", strokeWidth: 5, inset: 3 }),
      Plot.cell(cells.filter(meets), { x: "x", y: "y", fill: "none", stroke: INK, strokeWidth: 2.5, inset: 1.5 }),
      ...(labels
        ? [false, true].map((bold) =>
            Plot.text(
              cells.filter((c) => meets(c) === bold),
              {
                x: "x",
                y: "y",
                text: cellText,
                fill: (c: HeatCell) => textOn(fillOf(c)),
                ...(bold ? { fontWeight: "bold" } : {}),
              },
            ),
          )
        : []),
      Plot.axisX({ label: xLabel, labelAnchor: "center", labelArrow: "none", tickSize: 0 }),
      Plot.axisY({
        label: yLabel,
        labelArrow: "none",
        tickSize: 0,
        ...(upright ? { labelAnchor: "center", labelOffset: marginLeft - 4 } : { labelAnchor: "top" }),
      }),
    ],
  });
  const capped = cells.filter(isCapped);
  if (capped.some(whiteLines))
    addHatch(context, plot, { id: HATCH_ID, size: 8, stroke: "#ffffff", strokeOpacity: 0.45 });
  if (!capped.every(whiteLines))
    addHatch(context, plot, { id: HATCH_DARK_ID, size: 8, stroke: INK, strokeOpacity: 0.35 });
  const [d0, d1] = color.domain as [number, number];
  const rampDomain = scheme === "diverging" ? [d0, pivot, d1] : [d0, d1];
  const ramp = rampLegend(context, {
    color: (v) => String(color.apply(v)),
    domain: rampDomain,
    type: logDiverging || logSequential ? "log" : "linear",
    label: scaleLabel(valueLabel, logSequential),
    width: Math.min(RAMP_WIDTH, plotWidth),
    format: (v) => (cap !== undefined && v >= cap ? `≥ ${format(v)}` : format(v)),
    ...(target?.legend !== undefined ? { mark: target.value } : {}),
  });
  const marks = swatchLegend(
    context,
    [
      {
        items: [
          ...(cells.some(meets) && target
            ? [{ kind: "box" as const, label: `meets ${target.label}`, fill: "#ffffff", stroke: INK }]
            : []),
          // The target's line across the colour bar, when it falls on the bar.
          ...(target?.legend !== undefined && onRamp(rampDomain, target.value)
            ? [{ kind: "line" as const, label: target.legend, stroke: INK, width: 2 }]
            : []),
          ...(cells.some(overCap)
            ? [
                {
                  kind: "box" as const,
                  label: `capped at ${capText(cap as number)}: at least this`,
                  fill: "#777777",
                  hatch: "#ffffff",
                },
              ]
            : []),
          ...(cells.some((c) => c.capped === true && !overCap(c))
            ? [
                {
                  kind: "box" as const,
                  label: options.cappedLabel ?? "capped: at least this",
                  fill: "#777777",
                  hatch: "#ffffff",
                },
              ]
            : []),
        ],
      },
    ],
    plotWidth - RAMP_WIDTH - 2 * GAP,
  );
  return chartFigure(context, fig, beside(context, ramp, marks), [[panel(plot, plotWidth, fig.height)]]);
}

const HATCH_ID = "capped-hatch";
const HATCH_DARK_ID = "capped-hatch-dark";

/** Whether a cell meets the target: as the caller says, else by its value. */
function meetsTargetOf(c: HeatCell, target: NonNullable<HeatmapOptions["target"]>): boolean {
  return c.meetsTarget ?? (target.better === "lower" ? c.value <= target.value : c.value >= target.value);
}

/** The ramp with the cell-mark legend to its right, as one block. */
function beside(context: RenderContext, ramp: Block, marks: Block): Block {
  if (marks.height === 0) return ramp;
  const g = context.document.createElementNS(SVG_NS, "g");
  g.appendChild(ramp.node);
  const right = context.document.createElementNS(SVG_NS, "g");
  right.setAttribute(
    "transform",
    `translate(${ramp.width + 2 * GAP},${Math.max(0, (ramp.height - marks.height) / 2)})`,
  );
  right.appendChild(marks.node);
  g.appendChild(right);
  return { node: g, width: ramp.width + 2 * GAP + marks.width, height: Math.max(ramp.height, marks.height) };
}
