import * as Plot from "@observablehq/plot";
import { axisYMarks, linearAxis, logAxis, scaleLabel } from "../charts/axis.js";
import { composeFigure, panel } from "../charts/figure.js";
import { nearestFree } from "../charts/label-placement.js";
import { swatchLegend } from "../charts/legend.js";
import { capitalize } from "../charts/options.js";
import {
  EXECUTOR_STYLES,
  type ExecutorKind,
  KIND_DASHES,
  KIND_SHADE_COUNT,
  kindRamp,
  kindShade,
  SAMPLE_GREY,
  seriesColor,
  seriesSymbol,
} from "../charts/palette.js";
import { createRenderContext, plotSvg } from "../charts/render.js";
import { type GlyphName, glyph, glyphExtent } from "../charts/symbols.js";
import { textWidth } from "../charts/text-measure.js";
import { GRID, INK, PAD } from "../charts/theme.js";
import type { TimeUnit } from "../charts/time-axis.js";
import type { Figure } from "../charts/types.js";
import { isTimeMetric } from "./evaluate.js";
import type { LineData, LineSeries } from "./figure-data.js";
import { metricQuantity, metricUnit, pathQuantity, replicationsText } from "./labels.js";

/*
 * The line figure of a sweep: one metric against one varied parameter, a line per combination of
 * the other varied parameters, each point with its confidence interval as a whisker. Built from
 * the src/charts pieces (Plot rendered in a JSDOM of its own, legends and text drawn as SVG).
 */

export interface LineFigureOptions {
  /** Default 720 px. */
  width?: number;
  /** Height of the plot area; default 320 px. */
  height?: number;
  /** Default "<metric's quantity> against <x's quantity>", e.g. "P99 latency against workers". */
  title?: string;
  subtitle?: string;
  /** Confidence level of the whiskers, for the caption; default 0.95. */
  confidence?: number;
  /**
   * A target drawn as a dashed line: `value` in the metric's own unit (ns for times), `label` for
   * the legend (short: it does not wrap), `name` the target as given ("p99 ≤ 300 ms") for the
   * caption, `note` for the caption when there is more to say.
   */
  target?: { value: number; label: string; name?: string; note?: string };
  /**
   * The unit of a time metric, so the axis says the unit the title and labels were written in
   * (figures.ts chooses one for all of a sweep's figures); default metricUnit of the top value drawn.
   */
  unit?: TimeUnit;
}

const MARGIN_TOP = 24;
const MARGIN_BOTTOM = 40;
const MARGIN_RIGHT = 16;
/** Series at the same x are nudged this many px apart so their whiskers stay visible. */
const DODGE = 3;
const TARGET_DASH = "6,3";
/** The "≥" over capped points: its size, and the half extents (px) of what it must keep clear of. */
const CAPPED_SIZE = 14;
const CAPPED_HALF_HEIGHT = 0.4 * CAPPED_SIZE;
const MARKER_HALF = 6.5;
const WHISKER_HALF = 1;
const CLEARANCE = 1;

interface Row {
  x: number;
  y: number;
  lo: number;
  hi: number;
  capped: boolean;
  meets: boolean;
}

/** Renders a sweep's line data as one standalone SVG figure. */
export function sweepLineFigure(data: LineData, options: LineFigureOptions = {}): Figure {
  const series = data.series.filter((s) => s.points.length > 0);
  if (series.length === 0) throw new RangeError(`invalid line data: no points for ${data.metric}`);
  const width = options.width ?? 720;
  const height = options.height ?? 320;
  const all = series.flatMap((s) => s.points);
  const unit = isTimeMetric(data.metric)
    ? (options.unit ??
      metricUnit(data.metric, [...all.map((p) => p.hi), ...(options.target ? [options.target.value] : [])]))
    : null;
  const divisor = unit?.divisor ?? 1;
  const means = all.map((p) => p.y / divisor);
  const target = options.target ? options.target.value / divisor : null;
  if (target !== null && !(target > 0 && Number.isFinite(target))) {
    throw new RangeError(`invalid target: ${options.target?.value} (expected a positive finite number)`);
  }
  const top = Math.max(...all.map((p) => p.hi / divisor), target ?? 0);
  const bottom = Math.min(...means);
  // A metric whose means span a decade or more (p99 from seconds when overloaded down to tens of
  // milliseconds) reads on a log axis: on a linear one everything below the top tenth sits on the
  // zero line. A decade, as the heatmaps' colour scale; here the target counts too, as it is drawn
  // on this axis (so with a far target the line figure can be log where the heatmap is not).
  const logY = bottom > 0 && Math.max(...means, target ?? 0) / Math.min(bottom, target ?? bottom) >= 10;
  const scaled = series.map((s, k) => ({
    label: s.label,
    dx: (k - (series.length - 1) / 2) * DODGE,
    // Every sweep metric is at least 0: a t-interval from few replications can reach below, so
    // clip it there (on a log axis, at the smallest mean's order of magnitude).
    rows: s.points.map((p): Row => {
      const lo = Math.max(0, p.lo / divisor);
      return {
        x: p.x,
        y: p.y / divisor,
        lo: logY ? Math.max(lo, bottom / 2) : lo,
        hi: p.hi / divisor,
        capped: p.capped === true,
        meets: p.meets === true,
      };
    }),
  }));
  const floor = Math.min(...scaled.flatMap((s) => s.rows.map((r) => r.lo)), target ?? Number.POSITIVE_INFINITY);
  const y = logY
    ? logAxis([floor, top])
    : linearAxis([floor, top], {
        zero: true,
        count: Math.max(3, Math.floor(height / 50)),
      });
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const x0 = xs[0] as number;
  const x1 = xs[xs.length - 1] as number;
  // Doubling values (1, 2, 4, ... 64) read best on a log axis; anything else on a linear one.
  const log = x0 > 0 && x1 / x0 >= 8 && xs.length >= 3;
  const xTicks = xs.length <= 12 ? xs : linearAxis([x0, x1]).ticks;
  const metric = metricQuantity(data.metric);
  const xName = pathQuantity(data.x);
  const yUnit = unit?.label ?? metric.unit;
  const yLabel = scaleLabel(`${metric.quantity}${yUnit ? ` (${yUnit})` : ""}`, logY);
  const styles = lineStyles({ series, context: data.context });
  const hollow = (r: Row): boolean => options.target !== undefined && !r.meets;

  const context = createRenderContext();
  const plotWidth = width - 2 * PAD;
  const marks: Plot.Markish[] = [Plot.gridY(y.ticks, { stroke: GRID, strokeOpacity: 1 })];
  if (target !== null) {
    marks.push(Plot.ruleY([target], { stroke: INK, strokeWidth: 1.5, strokeDasharray: TARGET_DASH }));
  }
  scaled.forEach((s, k) => {
    const { color, symbol, dash } = styles[k] as LineStyle;
    const dx = s.dx;
    marks.push(
      Plot.ruleX(
        s.rows.filter((r) => r.hi > r.lo),
        { x: "x", y1: "lo", y2: "hi", stroke: color, strokeWidth: 1.5, dx },
      ),
      Plot.line(s.rows, {
        x: "x",
        y: "y",
        stroke: color,
        strokeWidth: 2,
        dx,
        ...(dash ? { strokeDasharray: dash } : {}),
      }),
      Plot.dot(
        s.rows.filter((r) => !hollow(r)),
        { x: "x", y: "y", symbol: glyph(symbol), r: MARKER_R, fill: color, stroke: "#ffffff", strokeWidth: 0.75, dx },
      ),
      // With a target, a point that misses it: hollow, ringed in the line's colour (as the scaling figure draws it).
      Plot.dot(
        s.rows.filter((r) => hollow(r)),
        {
          x: "x",
          y: "y",
          symbol: glyph(symbol),
          r: HOLLOW_R,
          fill: "#ffffff",
          stroke: color,
          strokeWidth: 1.75,
          dx,
        },
      ),
    );
  });
  // Points from runs cut short: their values are lower bounds. One "≥" over each cluster of such
  // points (lines at one x often overlap there), in ink, clear of the other marks.
  const marginLeft = Math.ceil(y.labelWidth) + 14;
  const xDomain: [number, number] = log
    ? [x0 / 1.2, x1 * 1.2]
    : x0 === x1
      ? [x0 - 1, x1 + 1]
      : [x0 - (x1 - x0) * 0.04, x1 + (x1 - x0) * 0.04];
  const frame: Frame = {
    x: pixels(xDomain, [marginLeft, plotWidth - MARGIN_RIGHT], log),
    y: pixels(y.domain, [height - MARGIN_BOTTOM, MARGIN_TOP], logY),
    bottom: height - MARGIN_BOTTOM,
  };
  marks.push(
    Plot.text(cappedMarks(scaled, logY, y.domain, frame, target, [marginLeft, plotWidth - MARGIN_RIGHT]), {
      x: "x",
      y: "y",
      text: () => "≥",
      fontSize: CAPPED_SIZE,
      fill: INK,
      // A white halo, so a line that passes under the mark does not cross it out.
      stroke: "#ffffff",
      strokeWidth: 3,
      paintOrder: "stroke",
    }),
  );
  marks.push(
    ...axisYMarks(y, yLabel),
    Plot.axisX(xTicks, {
      tickFormat: (v: number) => String(v),
      label: scaleLabel(xName.unit ? `${xName.quantity} (${xName.unit})` : xName.quantity, log),
      labelAnchor: "center",
      labelArrow: "none",
    }),
    Plot.ruleY([y.domain[0]]),
  );
  const plot = plotSvg(context, {
    width: plotWidth,
    height,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    marginRight: MARGIN_RIGHT,
    marginLeft,
    x: log ? { type: "log", base: 2, domain: xDomain } : { type: "linear", domain: xDomain },
    y: logY ? { type: "log", domain: y.domain } : { domain: y.domain },
    marks,
  });
  // The filled and hollow samples take the lines' own marker when they all share one (squares
  // for thread pools), else a circle: what they show is the fill, not the shape.
  const shapes = new Set(scaled.map((_, k) => (styles[k] as LineStyle).symbol));
  const sample: GlyphName = shapes.size === 1 ? ([...shapes][0] as GlyphName) : "circle";
  const targetItem = options.target
    ? [
        { kind: "line" as const, label: options.target.label, stroke: INK, dash: TARGET_DASH },
        {
          kind: "glyph" as const,
          label: "filled: meets it (in the line's colour)",
          glyph: sample,
          fill: SAMPLE_GREY,
        },
        {
          kind: "glyph" as const,
          label: "hollow: misses it",
          glyph: sample,
          fill: "#ffffff",
          stroke: SAMPLE_GREY,
        },
      ]
    : [];
  const legends =
    scaled.length > 1 || scaled[0]?.label !== "" || options.target
      ? [
          swatchLegend(
            context,
            [
              {
                items: [
                  ...(scaled.length > 1 || scaled[0]?.label !== "" ? scaled : []).map((s, k) => ({
                    kind: "line" as const,
                    label: s.label,
                    stroke: (styles[k] as LineStyle).color,
                    glyph: (styles[k] as LineStyle).symbol,
                    ...((styles[k] as LineStyle).dash ? { dash: (styles[k] as LineStyle).dash } : {}),
                  })),
                  ...targetItem,
                ],
              },
            ],
            plotWidth,
          ),
        ]
      : [];
  const level = Math.round((options.confidence ?? 0.95) * 100);
  const capped = all.filter((p) => p.capped).length;
  const met = all.filter((p) => p.meets).length;
  const notes = [
    options.target
      ? ` The dashed line is ${targetSentence(options.target)}; filled markers meet it at the ${level}% bound of their interval (${met} of ${all.length}), hollow ones miss it.`
      : "",
    capped > 0
      ? ` Points marked ≥ (${capped}) come from runs cut short by run.until: their values are lower bounds, and they never meet a target.`
      : "",
  ].join("");
  return composeFigure(context, {
    width,
    title: options.title ?? capitalize(`${metric.quantity} against ${xName.quantity}`),
    subtitle: options.subtitle,
    legends,
    panels: [[panel(plot, plotWidth, height)]],
    caption: `Each point is ${data.replications ? replicationsText(data.replications) : "the mean over the replications"} of one sweep point; ${whiskerText(
      scaled.map((s, k) => ({ rows: s.rows, symbol: (styles[k] as LineStyle).symbol })),
      frame,
      level,
      logY,
      hollow,
    )}.${scaled.length > 1 ? " One line per value of the other varied parameters." : ""}${notes}`,
  });
}

/**
 * What the dashed line is, for the caption: "the target p99 ≤ 300 ms", or, with a note (the
 * model-error allowance), "drawn for the target p99 ≤ 300 ms: a simulated bound must stay ≤ ...".
 */
function targetSentence(target: NonNullable<LineFigureOptions["target"]>): string {
  const name = target.name ?? target.label.replace(/^target: /, "");
  return target.note ? `drawn for the target ${name}: ${target.note}` : `the target ${name}`;
}

/** The markers' size, as Plot's dot radius (each glyph has the area of a circle of this radius). */
const MARKER_R = 4.5;
/** A hollow marker's radius: half the outlines' difference (1.75 against 0.75 px) smaller, so it reaches as far as a filled one with its white edge. */
const HOLLOW_R = MARKER_R - (1.75 - 0.75) / 2;

/**
 * What the caption says of the whiskers: that they show the confidence interval, and, where some
 * or all are shorter than the marker they sit behind, how many can be seen.
 */
function whiskerText(
  series: readonly { rows: readonly Row[]; symbol: GlyphName }[],
  frame: Frame,
  level: number,
  logY: boolean,
  hollow: (r: Row) => boolean,
): string {
  const rows = series.flatMap((s) => s.rows);
  let seen = 0;
  for (const s of series) {
    const filled = glyphExtent(s.symbol, MARKER_R);
    const ringed = glyphExtent(s.symbol, HOLLOW_R);
    for (const r of s.rows) {
      // The marker's reach on each side, with half its outline (1.75 px hollow, 0.75 px filled).
      const stroke = (hollow(r) ? 1.75 : 0.75) / 2;
      const extent = hollow(r) ? ringed : filled;
      const at = frame.y.at(r.y);
      if (at - frame.y.at(r.hi) > extent.up + stroke || frame.y.at(r.lo) - at > extent.down + stroke) seen++;
    }
  }
  if (seen === 0)
    return `its ${level}% confidence interval is narrower than the marker at every point, so no whisker shows`;
  const cut = logY ? ", cut at half the smallest mean on this log axis" : "";
  if (seen === rows.length) return `whiskers show its ${level}% confidence interval${cut}`;
  return `whiskers show its ${level}% confidence interval where it is wider than the marker (${seen} of ${rows.length} points)${cut}`;
}

/** A scale from data values to px along one axis of the plot, and back. */
interface Pixels {
  at: (v: number) => number;
  value: (px: number) => number;
}

/** Plot's linear or log scale over `domain` onto `range` (the log base does not change where values fall). */
function pixels(domain: readonly [number, number], range: readonly [number, number], log: boolean): Pixels {
  const f = (v: number) => (log ? Math.log10(v) : v);
  const [d0, d1] = [f(domain[0]), f(domain[1])];
  const [r0, r1] = range;
  return {
    at: (v) => r0 + ((f(v) - d0) / (d1 - d0)) * (r1 - r0),
    value: (px) => {
      const t = d0 + ((px - r0) / (r1 - r0)) * (d1 - d0);
      return log ? 10 ** t : t;
    },
  };
}

/** Where the plot puts values: its x and y scales, and the y of its bottom edge (px). */
interface Frame {
  x: Pixels;
  y: Pixels;
  bottom: number;
}

/** Something drawn that a "≥" must not cover: centred at x px, `half` px wide each side, over [lo, hi] px of y. */
interface Obstacle {
  x: number;
  half: number;
  lo: number;
  hi: number;
}

/**
 * Where to write "≥" for the capped points: at each x, one mark per cluster of capped points
 * closer than a fiftieth of the axis (on a log axis, of its decades), for the cluster's top one.
 * First choice: right above or below that point, clear of every line's markers and whiskers, the
 * target line and the marks placed before it (nearestFree, above when as near), where no other
 * line's marker is nearer to it than its own point. Otherwise (the column is crowded, or another
 * line's whisker passes there) beside the column, at the point's own height: left of every marker
 * at that x, or right of them, inside the plot. Failing both, the nearest free place above or
 * below. Gives data values; the mark is centred on them.
 */
function cappedMarks(
  series: readonly { rows: readonly Row[]; dx: number }[],
  log: boolean,
  domain: readonly [number, number],
  frame: Frame,
  target: number | null,
  bounds: readonly [number, number],
): { x: number; y: number }[] {
  const pos = (v: number) => (log ? Math.log10(v) : v);
  const near = (pos(domain[1]) - pos(domain[0])) / 50;
  /** A marker's centre in px. */
  const centre = (s: { dx: number }, r: Row): [number, number] => [frame.x.at(r.x) + s.dx, frame.y.at(r.y)];
  const markers = series.flatMap((s) => s.rows.map((r) => centre(s, r)));
  const byX = new Map<number, { y: number; own: [number, number] }[]>();
  for (const s of series)
    for (const r of s.rows) if (r.capped) byX.set(r.x, [...(byX.get(r.x) ?? []), { y: r.y, own: centre(s, r) }]);
  const wanted: { x: number; y: number; own: [number, number] }[] = [];
  for (const [x, points] of [...byX].sort((a, b) => a[0] - b[0])) {
    points.sort((a, b) => b.y - a.y);
    let top = points[0] as (typeof points)[number];
    wanted.push({ x, ...top });
    for (const p of points.slice(1)) {
      if (pos(top.y) - pos(p.y) > near) wanted.push({ x, ...p });
      top = p;
    }
  }
  const obstacles: Obstacle[] = [];
  for (const s of series) {
    for (const r of s.rows) {
      const [x, py] = centre(s, r);
      obstacles.push({ x, half: MARKER_HALF, lo: py - MARKER_HALF, hi: py + MARKER_HALF });
      if (r.hi > r.lo) obstacles.push({ x, half: WHISKER_HALF, lo: frame.y.at(r.hi), hi: frame.y.at(r.lo) });
    }
  }
  if (target !== null) {
    const py = frame.y.at(target);
    obstacles.push({ x: 0, half: Number.POSITIVE_INFINITY, lo: py - WHISKER_HALF, hi: py + WHISKER_HALF });
  }
  const half = textWidth("≥", CAPPED_SIZE) / 2;
  const reach = CAPPED_HALF_HEIGHT + CLEARANCE;
  const blockedAt = (x: number): [number, number][] =>
    obstacles
      .filter((o) => Math.abs(o.x - x) < half + o.half)
      .map((o): [number, number] => [o.lo - reach, o.hi + reach]);
  const clearAt = (x: number, py: number): boolean => blockedAt(x).every(([lo, hi]) => py <= lo || py >= hi);
  // Half the width of a column of markers: the lines are set apart sideways by their dx.
  const column = Math.max(...series.map((s) => Math.abs(s.dx))) + MARKER_HALF + CLEARANCE + half;
  // Right above or below its own marker: no further than the marker's half and the mark's.
  const adjacent = MARKER_HALF + reach + 1;
  const distance = (a: readonly [number, number], b: readonly [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  return wanted.map((w) => {
    const x = frame.x.at(w.x);
    const at = w.own[1];
    const py = nearestFree(at, blockedAt(x), reach, frame.bottom - reach);
    const spot: [number, number] = [x, py];
    const ownNearest = markers.every((m) => distance(m, spot) >= distance(w.own, spot) - 0.01);
    let placed = spot;
    if (Math.abs(py - at) > adjacent || !ownNearest) {
      const side = [x - column, x + column].find(
        (c) => c - half >= bounds[0] && c + half <= bounds[1] && clearAt(c, at),
      );
      if (side !== undefined) placed = [side, at];
    }
    obstacles.push({ x: placed[0], half, lo: placed[1] - CAPPED_HALF_HEIGHT, hi: placed[1] + CAPPED_HALF_HEIGHT });
    return { x: frame.x.value(placed[0]), y: frame.y.value(placed[1]) };
  });
}

/**
 * The executor family a line runs, from its own values or else the sweep's shared ones: threads
 * run without a GIL when runtime.gil is "off", or when it is unset on a free-threaded build
 * (python "3.13t"); null when the executor kind is unknown.
 */
export function executorKind(values: LineSeries["values"], context: LineData["context"] = {}): ExecutorKind | null {
  const at = (path: string) => values[path] ?? context[path];
  const kind = at("executor.kind");
  if (kind === "asyncio" || kind === "processes" || kind === "sync") return kind;
  if (kind !== "threads") return null;
  const gil = at("runtime.gil");
  const noGil = gil === "off" || (gil !== "on" && /t$/.test(String(at("runtime.python") ?? "")));
  return noGil ? "threads-nogil" : "threads-gil";
}

export interface LineStyle {
  color: string;
  symbol: GlyphName;
  /** Undefined for a solid line. */
  dash: string | undefined;
}

/** Whether a colour and symbol are an executor kind's own pair. */
function isKindPair(color: string, symbol: GlyphName): boolean {
  return Object.values(EXECUTOR_STYLES).some((s) => s.color === color && s.symbol === symbol);
}

/**
 * Each line's colour, symbol and dash. A line whose executor kind is known takes its kind's
 * colour and symbol, as in every other figure; the 2nd and 3rd lines of one kind take darker
 * shades of it (kindShade) and a dash. A line of unknown kind takes the series colours in order,
 * with a symbol that never makes an executor kind's colour and symbol pair, so it cannot pass
 * for asyncio or threads. With more lines of one kind than kindShade has shades, that kind's lines
 * take kindRamp's steps of its hue instead, light to dark in the order of the lines.
 */
export function lineStyles(data: Pick<LineData, "series" | "context">): LineStyle[] {
  const kinds = data.series.map((s) => executorKind(s.values, data.context));
  let generic = 0;
  return kinds.map((kind, k) => {
    if (kind) {
      const ofKind = kinds.slice(0, k).filter((other) => other === kind).length;
      const count = kinds.filter((other) => other === kind).length;
      const base = EXECUTOR_STYLES[kind].color;
      return {
        // More lines of the kind than it has shades: a ramp of its hue, so no two repeat.
        color: count > KIND_SHADE_COUNT ? kindRamp(base, ofKind, count) : kindShade(base, ofKind),
        symbol: EXECUTOR_STYLES[kind].symbol,
        dash: KIND_DASHES[ofKind % KIND_DASHES.length],
      };
    }
    const color = seriesColor(generic);
    let turn = generic + 1;
    while (isKindPair(color, seriesSymbol(turn))) turn++;
    generic++;
    return { color, symbol: seriesSymbol(turn), dash: undefined };
  });
}
