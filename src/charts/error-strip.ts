/**
 * Signed relative errors as strips: one row per quantity (makespan, p99, ...), one dot per case
 * (a scenario), one panel per way of computing them (with a machine profile, with defaults). The
 * error axis is symmetric-log in percent by default: position follows sign(e)·log(1 + |e|/10%), close
 * to linear near 0, where the targets live, and logarithmic far out, so that a +400% outlier and a
 * -3% bias share one axis; `axis: "linear"` draws a plain linear axis with a tick every 10%. The ±inner and ±outer bands are
 * shaded, and each row's median signed error is an open black I-beam, its value to the right of the row.
 */
import * as Plot from "@observablehq/plot";
import { scaleSymlog } from "d3-scale";
import { chartFigure, panel } from "./figure.js";
import { swatchLegend } from "./legend.js";
import { figureText, invalid } from "./options.js";
import { outsideLegend, outsideRings } from "./outside-ring.js";
import { BAND_FILLS } from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { signedNumber } from "./signs.js";
import { type Glyph, type GlyphName, glyph } from "./symbols.js";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE, GAP, GRID, INK, PAD, RULE } from "./theme.js";
import type { Figure, FigureOptions } from "./types.js";

export interface ErrorPoint {
  /** Which row (quantity) and panel the point belongs to. */
  row: string;
  panel: string;
  /** Signed relative error: (estimate - truth) / truth; at least -1. */
  error: number;
  /** The key of its series (its colour and symbol). */
  series: string;
}

export interface SeriesStyle {
  key: string;
  label: string;
  color: string;
  symbol: GlyphName;
}

export interface ErrorStripOptions extends FigureOptions {
  /** Row order, top to bottom. */
  rows: string[];
  /** Panel order, left to right. */
  panels: string[];
  series: SeriesStyle[];
  /** Relative error bands, inner then outer; default [0.05, 0.15]. */
  bands?: [number, number];
  /**
   * "symlog" (default): position follows sign(e)·log(1 + |e|/10%), for errors spanning orders of
   * magnitude; "linear": a plain axis over the data, a tick every 10%.
   */
  axis?: "symlog" | "linear";
  /** What the error compares, for the axis label; default "simulated − measured". */
  difference?: string;
  /**
   * Ring every point outside the outer band in black (and say so in the legend), for figures read
   * against a target on that band; default false.
   */
  ringOutside?: boolean;
}

const MARGIN_TOP = 8;
const MARGIN_BOTTOM = 40;
const ROW_HEIGHT = 44;
/** Percent: the symlog constant; position follows sign(e)·log(1 + |e|/SYMLOG_CONSTANT). */
const SYMLOG_CONSTANT = 10;
/** Candidate ticks, in percent: the axis ends at the first of them beyond the data on each side. */
const TICKS = [-100, -50, -30, -15, -5, 0, 5, 15, 30, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
/** Percent between two ticks of the linear axis. */
const LINEAR_STEP = 10;
/** The symlog axis, said in a caption. */
export const SYMLOG_CAPTION = `The axis is symmetric-log: position follows log(1 + |error| / ${SYMLOG_CONSTANT}%), close to linear near 0 and logarithmic far out.`;
/** Space between two tick labels, in px. */
const TICK_GAP = 4;

/**
 * The error axis: from the candidate tick at or below the smallest value (and the outer band) to
 * the one at or above the largest, so the data fill it; its ticks are the candidates inside, thinned
 * so no two labels touch, keeping first 0, the band edges and the ends, then round values.
 */
export function errorAxis(
  percents: readonly number[],
  bands: readonly [number, number],
  pixels: number,
  format: (t: number) => string,
): { domain: [number, number]; ticks: number[] } {
  const [inner, outer] = bands;
  const lo = Math.min(-outer, ...percents);
  const hi = Math.max(outer, ...percents);
  const d0 = [...TICKS].reverse().find((t) => t <= lo) ?? lo;
  const d1 = TICKS.find((t) => t >= hi) ?? hi;
  const x = scaleSymlog().constant(SYMLOG_CONSTANT).domain([d0, d1]).range([0, pixels]);
  const inside = TICKS.filter((t) => t >= d0 && t <= d1);
  const priority = (t: number): number =>
    t === 0 ? 0 : Math.abs(t) === outer ? 1 : t === d0 || t === d1 ? 2 : Math.abs(t) === inner ? 4 : 3;
  const kept: number[] = [];
  for (const t of [...inside].sort((a, b) => priority(a) - priority(b) || Math.abs(b) - Math.abs(a))) {
    const half = textWidth(format(t), AXIS_SIZE) / 2;
    const clear = kept.every((k) => Math.abs(x(k) - x(t)) >= half + textWidth(format(k), AXIS_SIZE) / 2 + TICK_GAP);
    if (clear) kept.push(t);
  }
  return { domain: [d0, d1], ticks: kept.sort((a, b) => a - b) };
}

/**
 * The linear error axis: from the multiple of 10% at or below the smallest value (and the outer
 * band) to the one at or above the largest, a tick every 10%.
 */
export function linearErrorAxis(
  percents: readonly number[],
  bands: readonly [number, number],
): { domain: [number, number]; ticks: number[] } {
  const outer = bands[1];
  const d0 = Math.floor(Math.min(-outer, ...percents) / LINEAR_STEP) * LINEAR_STEP;
  const d1 = Math.ceil(Math.max(outer, ...percents) / LINEAR_STEP) * LINEAR_STEP;
  const ticks: number[] = [];
  for (let t = d0; t <= d1; t += LINEAR_STEP) ticks.push(t === 0 ? 0 : t);
  return { domain: [d0, d1], ticks };
}

/** A deterministic spread in [-0.5, 0.5) for the k-th point of a row (golden-ratio sequence). */
function jitter(k: number): number {
  return ((k * 0.6180339887498949) % 1) - 0.5;
}

/** Percent with one decimal, signed with U+2212, as the pages' text prints them: "+0.3%", "\u221245.2%". */
/** A flat cap, 12 by 3 px whatever the size: the ends of the median's I-beam. */
const MEDIAN_CAP: Glyph = {
  draw(context) {
    context.moveTo(-6, -1.5);
    context.lineTo(6, -1.5);
    context.lineTo(6, 1.5);
    context.lineTo(-6, 1.5);
    context.closePath();
  },
};

const pct = (x: number): string => `${signedNumber(x, 1, true)}%`;
/** The right margin holds each row's median label ("median signed", 8 px from the axis's end). */
const LABEL_COLUMN = 80;

export function errorStripChart(points: readonly ErrorPoint[], options: ErrorStripOptions): Figure {
  if (points.length === 0) throw invalid("points", points, "a non-empty array of ErrorPoint");
  const { rows, panels, series } = options;
  if (rows.length === 0) throw invalid("rows", rows, "a non-empty array of row names");
  if (panels.length === 0) throw invalid("panels", panels, "a non-empty array of panel names");
  const styles = new Map(series.map((s) => [s.key, s]));
  points.forEach((p, i) => {
    if (!Number.isFinite(p.error) || p.error < -1)
      throw invalid(`points[${i}].error`, p.error, "a number of at least -1");
    if (!rows.includes(p.row)) throw invalid(`points[${i}].row`, p.row, `one of ${rows.join(", ")}`);
    if (!panels.includes(p.panel)) throw invalid(`points[${i}].panel`, p.panel, `one of ${panels.join(", ")}`);
    if (!styles.has(p.series))
      throw invalid(`points[${i}].series`, p.series, `one of ${[...styles.keys()].join(", ")}`);
  });
  const bands = options.bands ?? [0.05, 0.15];
  if (!(bands[0] > 0 && bands[0] < bands[1] && bands[1] < 1)) {
    throw invalid("bands", options.bands, "[inner, outer] with 0 < inner < outer < 1");
  }
  const axis = options.axis ?? "symlog";
  if (axis !== "symlog" && axis !== "linear") throw invalid("axis", options.axis, '"symlog" or "linear"');
  const [inner, outer] = bands.map((b) => b * 100) as [number, number];
  const fig = figureText(options, {
    width: 960,
    height: rows.length * ROW_HEIGHT,
    title: "Signed error of each case",
    subtitle: undefined,
    caption: `Each dot is one case; the open black I-beam (a bar with a flat cap at each end, drawn under the dots; its width means nothing) is the row's median signed error, written at the right. Shaded: within ±${inner}% and ±${outer}%. ${axis === "linear" ? "The axis is linear." : SYMLOG_CAPTION}`,
  });

  const percents = points.map((p) => p.error * 100);
  const rowIndex = new Map(rows.map((r, i) => [r, i]));
  const context = createRenderContext();
  const labelWidth = Math.max(...rows.map((r) => textWidth(r, AXIS_SIZE))) + 10;
  const plotWidth = fig.width - 2 * PAD;
  const width = Math.floor((plotWidth - GAP * (panels.length - 1)) / panels.length);
  const tickFormat = (t: number) => `${signedNumber(t, 0, true)}%`;
  const { domain, ticks } =
    axis === "linear"
      ? linearErrorAxis(percents, [inner, outer])
      : errorAxis(percents, [inner, outer], width - labelWidth - LABEL_COLUMN, tickFormat);
  const height = fig.height + MARGIN_TOP + MARGIN_BOTTOM;

  const blocks = panels.map((name) => {
    const mine = points.filter((p) => p.panel === name);
    const counters = new Map<string, number>();
    const dots = mine.map((p) => {
      const k = counters.get(p.row) ?? 0;
      counters.set(p.row, k + 1);
      return { ...p, x: p.error * 100, y: (rowIndex.get(p.row) as number) + 0.7 * jitter(k) };
    });
    const medians = rows.flatMap((row, i) => {
      const xs = mine
        .filter((p) => p.row === row)
        .map((p) => p.error * 100)
        .sort((a, b) => a - b);
      if (xs.length === 0) return [];
      const m = xs.length >> 1;
      const median = xs.length % 2 ? (xs[m] as number) : ((xs[m - 1] as number) + (xs[m] as number)) / 2;
      return [{ x: median, y: i }];
    });
    const band = (b: number, fill: string) => Plot.rectX([0], { x1: -b, x2: b, y1: -0.5, y2: rows.length - 0.5, fill });
    const marks: Plot.Markish[] = [
      Plot.gridX(ticks, { stroke: GRID, strokeOpacity: 1 }),
      band(outer, BAND_FILLS.outer),
      band(inner, BAND_FILLS.inner),
      Plot.ruleX([0], { stroke: RULE, strokeDasharray: "4,3" }),
      Plot.ruleY(
        rows.slice(1).map((_, i) => i + 0.5),
        { stroke: GRID },
      ),
      // The median is an open bar (black outline, white core) in a white halo, apart from any
      // filled black marker (the sync series) that lands on it. It is drawn under the dots, so a
      // dot at the median (with an odd count there always is one) stays in sight; its caps, outside
      // the dots' band and drawn over them, keep it findable in a crowded row.
      // Halo, outline, then core: each a rule over the row's band, the core a little shorter.
      ...(
        [
          [0.44, "#ffffff", 8],
          [0.44, INK, 5],
          [0.4, "#ffffff", 2],
        ] as const
      ).map(([half, stroke, strokeWidth]) =>
        Plot.ruleX(medians, {
          x: "x",
          y1: (d: { y: number }) => d.y - half,
          y2: (d: { y: number }) => d.y + half,
          stroke,
          strokeWidth,
        }),
      ),
      ...series.map((s) =>
        Plot.dot(
          dots.filter((d) => d.series === s.key),
          {
            x: "x",
            y: "y",
            r: 3.5,
            symbol: glyph(s.symbol),
            fill: s.color,
            fillOpacity: 0.85,
            stroke: "#ffffff",
            strokeWidth: 0.5,
          },
        ),
      ),
      ...(options.ringOutside ? [outsideRings(dots.filter((d) => Math.abs(d.x) > outer))] : []),
      // Flat black caps at the bar's two ends, outside the dots' band: an I-beam, a shape no series
      // uses (arrowheads read as the triangles of the process pools).
      ...[-0.44, 0.44].map((dy) =>
        Plot.dot(medians, {
          x: "x",
          y: (d: { y: number }) => d.y + dy,
          symbol: MEDIAN_CAP,
          fill: INK,
          stroke: "#ffffff",
          strokeWidth: 0.75,
        }),
      ),
      Plot.text(medians, {
        x: domain[1],
        y: "y",
        text: (d: { x: number }) => `median signed\n${pct(d.x)}`,
        textAnchor: "start",
        dx: 8,
        fontSize: AXIS_SIZE - 1,
        fill: INK,
        stroke: "#ffffff",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
      Plot.axisX(ticks, {
        tickFormat,
        label: `${name}: signed error (${options.difference ?? "simulated − measured"}) / measured`,
        labelAnchor: "center",
        labelArrow: "none",
      }),
      Plot.axisY(
        rows.map((_, i) => i),
        { tickFormat: (i: number) => rows[i] ?? "", tickSize: 0, label: null },
      ),
    ];
    const svg = plotSvg(context, {
      width,
      height,
      marginTop: MARGIN_TOP + 14,
      marginBottom: MARGIN_BOTTOM,
      marginLeft: labelWidth,
      marginRight: LABEL_COLUMN,
      x: axis === "linear" ? { type: "linear", domain } : { type: "symlog", constant: SYMLOG_CONSTANT, domain },
      y: { domain: [rows.length - 0.5, -0.5] },
      marks,
    });
    return panel(svg, width, height);
  });

  const legend = swatchLegend(
    context,
    [
      {
        items: [
          ...series.map((s) => ({ kind: "glyph" as const, label: s.label, glyph: s.symbol, fill: s.color })),
          { kind: "box", label: `within ±${inner}%`, fill: BAND_FILLS.inner, stroke: BAND_FILLS.swatchStroke },
          { kind: "box", label: `within ±${outer}%`, fill: BAND_FILLS.outer, stroke: BAND_FILLS.swatchStroke },
          ...(options.ringOutside && percents.some((x) => Math.abs(x) > outer) ? [outsideLegend(outer)] : []),
          {
            kind: "line",
            label: `0%: ${(options.difference ?? "simulated − measured").split(" − ")[0]} = measured`,
            stroke: RULE,
            dash: "4,3",
            width: 1,
          },
          { kind: "ibeam", label: "median signed error of the row", stroke: INK },
        ],
      },
    ],
    plotWidth,
  );
  return chartFigure(context, fig, legend, [blocks]);
}
