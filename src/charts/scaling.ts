/**
 * Scaling: a rate (throughput) and a time (a latency quantile, a makespan) against one varied
 * setting, side by side, one line per series. Nothing on an axis is assumed: the caller declares
 * what x holds (quantity, unit, categorical / linear / log) and what each panel measures; the
 * measured panels go log by themselves when their means span two decades.
 *
 * Each series takes its executor kind's colour and symbol (the same in every figure); a second
 * series of the same kind is told apart by a darker shade of that colour and a dashed line, a third
 * by a lighter shade and a dotted line. Points can carry a confidence interval
 * (a whisker); series at the same x are nudged a few px apart so whiskers do not hide each other.
 * A latency target draws a labelled line on the time panel; baselines draw dotted reference lines.
 */
import * as Plot from "@observablehq/plot";
import { type Axis, axisXMarks, axisYMarks, linearAxis, logAxis, scaleLabel } from "./axis.js";
import { checkDimension, type Dimension, dimensionLabel, measureAxis, resolveScale } from "./dimension.js";
import { type Estimate, type Resolved, resolveEstimate } from "./estimate.js";
import { chartFigure, panel } from "./figure.js";
import { type LegendItem, swatchLegend } from "./legend.js";
import { capitalize, figureText, invalid } from "./options.js";
import { EXECUTOR_KINDS, EXECUTOR_STYLES, type ExecutorKind, KIND_DASHES, kindShade, SAMPLE_GREY } from "./palette.js";
import { createRenderContext, plotSvg, type RenderContext } from "./render.js";
import { glyph } from "./symbols.js";
import { AXIS_SIZE, GAP, GRID, INK, MUTED, PAD, RULE } from "./theme.js";
import { type TimeUnit, timeUnitFor } from "./time-axis.js";
import type { Figure, FigureOptions } from "./types.js";

export interface ScalingPoint {
  executor: ExecutorKind;
  /** The series' name in the legend; default the executor kind's label. */
  series?: string;
  /** Where the point sits on x, in the unit `x` declares (a string on a categorical axis). */
  x: number | string;
  /** The rate the left panel shows, in the unit `throughput` declares. */
  throughput: Estimate;
  /** The time the right panel shows, in ns. */
  latency: Estimate;
  /**
   * Whether this point meets the target by the caller's rule (which may be stricter than the mean
   * being under the line, e.g. an upper confidence bound). When any point sets it, points that do
   * not meet it are drawn hollow on both panels, and the legend says so.
   */
  meetsTarget?: boolean;
}

/** A measured panel: what it shows; values of the time panel are ns and its unit follows them. */
export interface Measure {
  quantity: string;
  /** Default "auto": log when the means span two decades. */
  scale?: "linear" | "log" | "auto";
}

export interface ScalingOptions extends FigureOptions {
  /** What x holds, e.g. {quantity: "switch interval", unit: "ms", scale: "log"}. Required. */
  x: Dimension;
  /** The left panel, e.g. {quantity: "throughput", unit: "requests/s"}. Required. */
  throughput: Measure & { unit: string };
  /** The right panel, e.g. {quantity: "p99 latency"}. Required. */
  latency: Measure;
  /** A latency target, drawn as a labelled line on the right panel. */
  target?: { latency: number; label: string };
  /** Reference values drawn as dotted lines across a panel, e.g. "IO thread alone". */
  baselines?: { label: string; throughput?: number; latency?: number }[];
}

interface Row {
  key: string;
  x: number | string;
  value: Resolved;
  /** False draws the point hollow. */
  meets: boolean;
}

interface Series {
  key: string;
  executor: ExecutorKind;
  /** The kind's colour for its first series, a darker or lighter shade of it for the next (kindShade). */
  color: string;
  dash: string | undefined;
}

const MARGIN_TOP = 24;
const MARGIN_BOTTOM = 36;
const MARGIN_RIGHT = 14;
const DODGE = 11;
const TARGET_DASH = "6,3";
/** On a log axis, the smallest value stays at least this factor above the axis' bottom. */
const LOG_FLOOR_ROOM = 1.15;

function checkPoints(points: readonly ScalingPoint[], categorical: boolean): void {
  if (!Array.isArray(points) || points.length === 0)
    throw invalid("points", points, "a non-empty array of ScalingPoint");
  points.forEach((p, i) => {
    if (!EXECUTOR_KINDS.includes(p.executor)) {
      throw invalid(`points[${i}].executor`, p.executor, `one of ${EXECUTOR_KINDS.join(", ")}`);
    }
    if (categorical ? typeof p.x !== "string" && typeof p.x !== "number" : !Number.isFinite(p.x)) {
      throw invalid(`points[${i}].x`, p.x, categorical ? "a string or number" : "a finite number");
    }
  });
}

/** The series in order of first appearance, each with its dash. */
function seriesOf(points: readonly ScalingPoint[]): Series[] {
  const out: Series[] = [];
  for (const p of points) {
    const key = p.series ?? EXECUTOR_STYLES[p.executor].label;
    const same = out.find((s) => s.key === key);
    if (same) {
      if (same.executor !== p.executor) throw invalid("points", key, "one executor kind per series");
      continue;
    }
    const ofKind = out.filter((s) => s.executor === p.executor).length;
    out.push({
      key,
      executor: p.executor,
      color: kindShade(EXECUTOR_STYLES[p.executor].color, ofKind),
      dash: KIND_DASHES[ofKind % KIND_DASHES.length],
    });
  }
  return out;
}

export function scalingChart(points: readonly ScalingPoint[], options: ScalingOptions): Figure {
  const x = checkDimension("x", options?.x, false);
  const rateDim = checkDimension("throughput", { scale: "auto", ...options.throughput }, true);
  const timeDim = checkDimension("latency", { scale: "auto", ...options.latency }, true);
  if (!options.throughput.unit) throw invalid("throughput.unit", options.throughput.unit, "a unit such as tasks/s");
  checkPoints(points, x.scale === "categorical");
  if (x.scale === "log" && points.some((p) => !((p.x as number) > 0))) {
    throw invalid("x.scale", "log", "linear when an x value is 0 or less");
  }
  const series = seriesOf(points);
  const keyOf = (p: ScalingPoint): string => p.series ?? EXECUTOR_STYLES[p.executor].label;
  const throughput: Row[] = points.map((p, i) => ({
    key: keyOf(p),
    x: p.x,
    value: resolveEstimate(`points[${i}].throughput`, p.throughput),
    meets: p.meetsTarget !== false,
  }));
  const latencyNs: Row[] = points.map((p, i) => ({
    key: keyOf(p),
    x: p.x,
    value: resolveEstimate(`points[${i}].latency`, p.latency),
    meets: p.meetsTarget !== false,
  }));
  const marksPassing = points.some((p) => p.meetsTarget !== undefined);
  const target = options.target;
  if (target !== undefined && !(Number.isFinite(target.latency) && target.latency > 0)) {
    throw invalid("target.latency", target.latency, "a positive time in ns");
  }
  const baselines = options.baselines ?? [];
  const unit = timeUnitFor(
    Math.max(...latencyNs.map((r) => r.value.hi), target?.latency ?? 0, ...baselines.map((b) => b.latency ?? 0)),
  );
  const latency = latencyNs.map((r) => ({ ...r, value: scaleResolved(r.value, unit) }));
  const rateScale = resolveScale(rateDim.scale, [
    ...throughput.map((r) => r.value.mean),
    ...baselines.flatMap((b) => (b.throughput === undefined ? [] : [b.throughput])),
  ]);
  const timeScale = resolveScale(timeDim.scale, [
    ...latency.map((r) => r.value.mean),
    ...(target ? [target.latency / unit.divisor] : []),
    ...baselines.flatMap((b) => (b.latency === undefined ? [] : [b.latency / unit.divisor])),
  ]);
  const intervals = points.some((p) => typeof p.throughput !== "number" || typeof p.latency !== "number");
  const rateLabel = scaleLabel(dimensionLabel(rateDim), rateScale === "log");
  const timeLabel = scaleLabel(`${timeDim.quantity} (${unit.label})`, timeScale === "log");
  const fig = figureText(options, {
    width: 960,
    height: 320,
    title: capitalize(`${rateDim.quantity} and ${timeDim.quantity} against ${x.quantity}`),
    subtitle: undefined,
    caption: [
      `Left: ${rateDim.quantity} (higher is better). Right: ${timeDim.quantity} (lower is better).`,
      intervals ? "Whiskers show 95% confidence intervals over replications." : "",
      target ? `The dashed line on the right is the target, ${target.label}.` : "",
      marksPassing ? "Filled markers meet the target, hollow ones miss it." : "",
      baselines.length > 0 ? `Thin grey lines: ${baselines.map((b) => b.label).join("; ")}.` : "",
    ]
      .filter(Boolean)
      .join(" "),
  });

  // Said after any caption the caller gave, like the other charts' notes on what they moved.
  if (series.length > 1) {
    fig.caption =
      `${fig.caption ?? ""} Series are set ${DODGE} px apart sideways at each point of the x axis, so no marker hides another.`.trim();
  }

  const context = createRenderContext();
  const plotWidth = fig.width - 2 * PAD;
  const panelWidth = Math.floor((plotWidth - GAP) / 2);
  const xs = distinct(points.map((p) => p.x));
  const frame = { context, series, xs, x, width: panelWidth, height: fig.height };
  const left = seriesPanel(frame, throughput, rateScale, rateLabel, {
    lines: baselines.flatMap((b) => (b.throughput === undefined ? [] : [{ value: b.throughput, label: b.label }])),
  });
  const right = seriesPanel(frame, latency, timeScale, timeLabel, {
    lines: baselines.flatMap((b) =>
      b.latency === undefined ? [] : [{ value: b.latency / unit.divisor, label: b.label }],
    ),
    // On the panel, the target in the axis' own unit (the legend gives its full label): short, so
    // it stays clear of the points, and in the unit the reader reads off the axis.
    ...(target
      ? {
          target: {
            value: target.latency / unit.divisor,
            label: `${Number((target.latency / unit.divisor).toPrecision(3))}\u00a0${unit.label}`,
          },
        }
      : {}),
  });
  const items: LegendItem[] = series.map((s) => ({
    kind: "line" as const,
    label: s.key,
    stroke: s.color,
    glyph: EXECUTOR_STYLES[s.executor].symbol,
    ...(s.dash ? { dash: s.dash } : {}),
  }));
  if (target) items.push({ kind: "line", label: `target: ${target.label}`, stroke: INK, dash: TARGET_DASH });
  if (marksPassing) {
    items.push(
      { kind: "glyph", label: "filled: meets the target (in the series' colour)", glyph: "circle", fill: SAMPLE_GREY },
      { kind: "glyph", label: "hollow: misses it", glyph: "circle", fill: "#ffffff", stroke: SAMPLE_GREY },
    );
  }
  for (const b of baselines) items.push({ kind: "line", label: b.label, stroke: RULE });
  const legend = swatchLegend(context, [{ items }], plotWidth);
  return chartFigure(context, fig, legend, [
    [panel(left, panelWidth, fig.height), panel(right, panelWidth, fig.height)],
  ]);
}

function scaleResolved(v: Resolved, unit: TimeUnit): Resolved {
  return { ...v, mean: v.mean / unit.divisor, lo: v.lo / unit.divisor, hi: v.hi / unit.divisor };
}

/** Distinct x values: numbers ascending, anything else in order of appearance. */
function distinct(values: readonly (number | string)[]): (number | string)[] {
  const seen = [...new Set(values)];
  return seen.every((v) => typeof v === "number") ? (seen as number[]).sort((a, b) => a - b) : seen;
}

/** The x axis: categorical (Plot's point scale), or numeric with the data's own values as ticks when few. */
function xAxis(dim: Dimension, xs: readonly (number | string)[]): { scale: Plot.ScaleOptions; marks: Plot.Markish[] } {
  const label = scaleLabel(dimensionLabel(dim), dim.scale === "log");
  if (dim.scale === "categorical") {
    return {
      scale: { type: "point", domain: xs.map(String), padding: 0.4 },
      marks: [Plot.axisX({ label, labelAnchor: "center", labelArrow: "none", tickSize: 4 })],
    };
  }
  const nums = xs as number[];
  const lo = nums[0] as number;
  const hi = nums[nums.length - 1] as number;
  const few = nums.length <= 12;
  const format = (v: number): string => String(Number(v.toPrecision(6)));
  const axis: Axis =
    dim.scale === "log"
      ? few
        ? { ...logAxis([lo, hi]), ticks: nums, format }
        : logAxis([lo, hi])
      : few
        ? { ...linearAxis([Math.min(0, lo), hi]), ticks: nums, format }
        : linearAxis([Math.min(0, lo), hi]);
  const span = dim.scale === "log" ? hi / lo : 0;
  const domain: [number, number] =
    dim.scale === "log"
      ? span === 1
        ? [lo / 2, hi * 2]
        : [lo / span ** 0.06, hi * span ** 0.06]
      : // A little room left of the first value too, so its points do not sit on the y axis.
        [lo === hi ? lo - 1 : Math.min(0, lo) - (hi - Math.min(0, lo)) * 0.03, hi + (hi - Math.min(0, lo)) * 0.05 || 1];
  return {
    scale: dim.scale === "log" ? { type: "log", domain } : { type: "linear", domain },
    marks: axisXMarks({ ...axis, domain }, label),
  };
}

interface PanelFrame {
  context: RenderContext;
  series: readonly Series[];
  xs: readonly (number | string)[];
  x: Dimension;
  width: number;
  height: number;
}

function seriesPanel(
  frame: PanelFrame,
  rows: readonly Row[],
  scale: "linear" | "log",
  label: string,
  refs: { lines: { value: number; label: string }[]; target?: { value: number; label: string } },
): SVGSVGElement {
  const { context, series, height, width } = frame;
  const refValues = [...refs.lines.map((l) => l.value), ...(refs.target ? [refs.target.value] : [])];
  const extent = [...rows.map((r) => r.value), ...refValues.map((v) => ({ mean: v, lo: v, hi: v }))];
  const measured = measureAxis(extent, scale, Math.max(3, Math.floor(height / 50)));
  const { floor } = measured;
  // On a log axis, a value within 15% of the axis' bottom would sit on it: step the bottom down.
  const lowest = Math.min(...extent.map((r) => floor(r.lo)));
  const y =
    scale === "log" && lowest / measured.axis.domain[0] < LOG_FLOOR_ROOM
      ? logAxis([lowest / LOG_FLOOR_ROOM, measured.axis.domain[1]])
      : measured.axis;
  const categorical = frame.x.scale === "categorical";
  const xv = (r: Row): number | string => (categorical ? String(r.x) : r.x);
  const marks: Plot.Markish[] = [Plot.gridY(y.ticks, { stroke: GRID, strokeOpacity: 1 })];
  // A reference is a thin solid grey line with its label under it at the right, so it cannot be taken
  // for a series (those are thicker, coloured, some dotted).
  for (const line of refs.lines) {
    marks.push(
      Plot.ruleY([line.value], { stroke: RULE, strokeWidth: 1 }),
      Plot.text([line.value], {
        y: (v: number) => v,
        text: () => line.label,
        frameAnchor: "right",
        textAnchor: "end",
        lineAnchor: "top",
        dy: 3,
        dx: -2,
        fill: MUTED,
        fontSize: AXIS_SIZE,
        stroke: "#ffffff",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
    );
  }
  if (refs.target) {
    const t = refs.target;
    marks.push(
      Plot.ruleY([t.value], { stroke: INK, strokeWidth: 1.25, strokeDasharray: TARGET_DASH }),
      Plot.text([t.value], {
        y: (v: number) => v,
        text: () => `target ${t.label}`,
        frameAnchor: "left",
        textAnchor: "start",
        // Under the line at the left: where latency falls with pool size, the points there sit
        // above the target, and the passing ones to the right sit just under it.
        lineAnchor: "top",
        dy: 3,
        dx: 4,
        fill: INK,
        fontSize: AXIS_SIZE,
        stroke: "#ffffff",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
    );
  }
  series.forEach((s, k) => {
    const style = { color: s.color, symbol: EXECUTOR_STYLES[s.executor].symbol };
    const own = rows.filter((r) => r.key === s.key).sort((a, b) => frame.xs.indexOf(a.x) - frame.xs.indexOf(b.x));
    const dx = (k - (series.length - 1) / 2) * DODGE;
    marks.push(
      Plot.ruleX(
        own.filter((r) => r.value.hasInterval),
        {
          x: xv,
          y1: (r: Row) => floor(r.value.lo),
          y2: (r: Row) => r.value.hi,
          stroke: style.color,
          strokeWidth: 1.5,
          dx,
        },
      ),
      Plot.line(own, {
        x: xv,
        y: (r: Row) => r.value.mean,
        stroke: style.color,
        strokeWidth: 2,
        dx,
        ...(s.dash ? { strokeDasharray: s.dash } : {}),
      }),
      Plot.dot(
        own.filter((r) => r.meets),
        {
          x: xv,
          y: (r: Row) => r.value.mean,
          symbol: glyph(style.symbol),
          r: 4.5,
          fill: style.color,
          stroke: "#ffffff",
          strokeWidth: 0.75,
          dx,
        },
      ),
      // A point that misses the caller's target: hollow, ringed in the series' colour. Its radius
      // is half the two outlines' difference smaller, so it reaches as far as a filled marker with
      // its white edge does (a hollow one drawn at r 4.5 looked the bigger).
      Plot.dot(
        own.filter((r) => !r.meets),
        {
          x: xv,
          y: (r: Row) => r.value.mean,
          symbol: glyph(style.symbol),
          r: 4.5 - (1.75 - 0.75) / 2,
          fill: "#ffffff",
          stroke: style.color,
          strokeWidth: 1.75,
          dx,
        },
      ),
    );
  });
  const xa = xAxis(frame.x, frame.xs);
  marks.push(...axisYMarks(y, label), ...xa.marks, Plot.ruleY([y.domain[0]]));
  return plotSvg(context, {
    width,
    height,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    marginRight: MARGIN_RIGHT,
    marginLeft: Math.ceil(y.labelWidth) + 12,
    x: xa.scale,
    y: scale === "log" ? { type: "log", domain: y.domain } : { domain: y.domain },
    marks,
  });
}
