/**
 * Latency distribution as an empirical CDF: for each latency x, the share of tasks done within x.
 * Chosen quantiles (p50, p95, p99 by default) are marked on each curve with a dot, a dashed drop
 * line to the axis and a label with the value; labels are spread apart so they never overlap.
 */
import * as Plot from "@observablehq/plot";
import { scaleLinear, scaleLog } from "d3-scale";
import { type Axis, axisXMarks, linearAxis, logAxis, scaleLabel } from "./axis.js";
import { ecdfSteps, nearestRank, sortedSample } from "./ecdf-data.js";
import { chartFigure, panel } from "./figure.js";
import { swatchLegend } from "./legend.js";
import { figureText, invalid, oneOf, probabilities } from "./options.js";
import {
  EXECUTOR_KINDS,
  EXECUTOR_STYLES,
  type ExecutorKind,
  kindShade,
  seriesColor,
  seriesSymbol,
  textColorOf,
} from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { SVG_NS } from "./svg.js";
import { glyph } from "./symbols.js";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE, GRID, INK, PAD } from "./theme.js";
import { timeUnitFor } from "./time-axis.js";
import type { Figure, FigureOptions } from "./types.js";

export interface EcdfSeries {
  label: string;
  /** Latencies in ns. */
  values: ArrayLike<number>;
  /**
   * Takes the executor's colour and symbol when given; a second series of the same kind is dashed
   * and a darker shade of that colour, a third dotted and a lighter one.
   */
  executor?: ExecutorKind;
  /**
   * A baseline to read the others against: drawn first, as a wide light-grey band, with no
   * quantile marks, so a series that runs on it shows as a coloured line inside the grey.
   */
  reference?: boolean;
}

/** The reference series' colour and width: wide enough to show around a 2 px line drawn on it. */
const REFERENCE = { color: "#c2c2c2", width: 8 };

export interface EcdfOptions extends FigureOptions {
  /** Quantiles to mark, strictly between 0 and 1; default [0.5, 0.95, 0.99]. */
  quantiles?: number[];
  /** Latency axis: "linear" (default) or "log" (for heavy tails; needs positive latencies). */
  scale?: "linear" | "log";
  /** A latency to draw as a labelled vertical line (a timeout, a target), in ns; the axis reaches it. */
  threshold?: { value: number; label: string };
}

const MARGIN_TOP = 24;
const MARGIN_BOTTOM = 36;
const LABEL_GAP = 13;
const LABEL_DROP = 12;
/** A quantile marker's width in px (r 4 and its white edge): closer markers at one quantile are stacked. */
const MARKER_PX = 9;

/** A label's box in px (y grows downward). */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Whether a step curve in px (drawn step-after: across at each point's y to the next point's x,
 * then up or down to its y) passes through `box`, widened by `pad` for the stroke.
 */
export function stepsCross(points: readonly { x: number; y: number }[], box: Box, pad: number): boolean {
  const b = { left: box.left - pad, right: box.right + pad, top: box.top - pad, bottom: box.bottom + pad };
  const overlaps = (a0: number, a1: number, lo: number, hi: number) => Math.min(a0, a1) <= hi && Math.max(a0, a1) >= lo;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k] as { x: number; y: number };
    const c = points[k + 1] as { x: number; y: number };
    if (a.y >= b.top && a.y <= b.bottom && overlaps(a.x, c.x, b.left, b.right)) return true;
    if (c.x >= b.left && c.x <= b.right && overlaps(a.y, c.y, b.top, b.bottom)) return true;
  }
  return false;
}

function label(p: number): string {
  return `p${Number((p * 100).toPrecision(4))}`;
}

export function ecdfChart(data: EcdfSeries | readonly EcdfSeries[], options: EcdfOptions = {}): Figure {
  const list = Array.isArray(data) ? (data as readonly EcdfSeries[]) : [data as EcdfSeries];
  if (list.length === 0) throw invalid("series", data, "at least one series");
  const quantiles = probabilities("quantiles", options.quantiles, [0.5, 0.95, 0.99]);
  const scale = oneOf("scale", options.scale, ["linear", "log"] as const, "linear");
  const series = list.map((s, i) => {
    if (s.executor !== undefined && !EXECUTOR_KINDS.includes(s.executor)) {
      throw invalid(`series[${i}].executor`, s.executor, `one of ${EXECUTOR_KINDS.join(", ")}`);
    }
    const sorted = sortedSample(`series[${i}].values`, s.values);
    if (scale === "log" && (sorted[0] as number) <= 0) {
      throw invalid("scale", scale, "linear when latencies can be 0 or less");
    }
    const kin = (o: EcdfSeries) => !o.reference && o.executor === s.executor;
    const sameKind = s.executor && !s.reference ? list.slice(0, i).filter(kin).length : 0;
    // A second series of one executor kind takes a darker shade of its colour, a third a lighter
    // one (kindShade), as well as a dash: two curves of one colour could not be told apart.
    const style = s.reference
      ? { color: REFERENCE.color, symbol: seriesSymbol(i) }
      : s.executor
        ? { color: kindShade(EXECUTOR_STYLES[s.executor].color, sameKind), symbol: EXECUTOR_STYLES[s.executor].symbol }
        : { color: seriesColor(i), symbol: seriesSymbol(i) };
    const dash = [undefined, "7,4", "2,3"][sameKind % 3];
    // A series sharing its colour with another names its line style in its quantile labels.
    const shared = s.executor !== undefined && !s.reference && list.filter(kin).length > 1;
    const style2 = shared ? ` (${["solid", "dashed", "dotted"][sameKind % 3]})` : "";
    // Labels are text: a light series colour (orange on white is 2.2:1) is darkened just enough to read.
    return {
      label: s.label,
      sorted,
      color: style.color,
      symbol: style.symbol,
      dash,
      ink: textColorOf(style.color),
      suffix: style2,
      reference: s.reference === true,
    };
  });
  const threshold = options.threshold;
  if (threshold !== undefined && !(Number.isFinite(threshold.value) && threshold.value > 0 && threshold.label))
    throw invalid("threshold", threshold, "{value: a positive latency in ns, label: text}");
  const max = Math.max(
    ...series.map((s) => s.sorted[s.sorted.length - 1] as number),
    threshold ? threshold.value * 1.05 : 0,
  );
  // A threshold at or below the data is padded like one above it, so its line is not the y axis.
  const min = Math.min(...series.map((s) => s.sorted[0] as number), threshold ? threshold.value / 1.05 : Infinity);
  const unit = timeUnitFor(max);
  const counts = series.map((s) => s.sorted.length.toLocaleString("en-US")).join(", ");
  const fig = figureText(options, {
    width: 720,
    height: 380,
    title: "Latency distribution",
    subtitle: `${series.length === 1 ? (series[0] as { label: string }).label : `${series.length} series`}; ${counts} tasks`,
    caption: `Empirical CDF: the share of tasks that finished within each latency. ${quantiles.map(label).join(", ")} marked on each curve (nearest-rank quantiles).`,
  });

  const x: Axis =
    scale === "log"
      ? logAxis([min / unit.divisor, max / unit.divisor])
      : linearAxis([0, max / unit.divisor], { zero: true });
  const yTicks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const plotWidth = fig.width - 2 * PAD;
  const marginLeft = Math.ceil(textWidth("100", AXIS_SIZE)) + 14;
  const marks: Plot.Markish[] = [
    Plot.gridY(yTicks, { stroke: GRID, strokeOpacity: 1 }),
    Plot.gridX(x.ticks, { stroke: GRID, strokeOpacity: 1 }),
  ];
  const marked = series
    .filter((s) => !s.reference)
    .flatMap((s) => quantiles.map((p) => ({ series: s, p, value: nearestRank(s.sorted, p) / unit.divisor })));
  const text = (m: { p: number; value: number; series: { suffix: string } }): string =>
    `${label(m.p)} ${format(m.value)} ${unit.label}${m.series.suffix}`;
  const widest = Math.max(...marked.map((m) => textWidth(text(m), AXIS_SIZE, "bold")));
  const marginRight = Math.ceil(widest) + 14;
  // Place quantile labels in px, as Plot will: the scales below mirror the plot's.
  const px = (scale === "log" ? scaleLog() : scaleLinear())
    .domain(x.domain)
    .range([marginLeft, plotWidth - marginRight]);
  const py = scaleLinear()
    .domain([0, 1])
    .range([fig.height - MARGIN_BOTTOM, MARGIN_TOP]);
  // Markers at one quantile closer in x than a marker is wide would hide each other: each one after
  // the first of such a run is raised or lowered by a marker's width, alternately (its drop line
  // and label stay at the true value; the caption says so). In px, y grows downward.
  const stackDy = new Map<(typeof marked)[number], number>();
  for (const p of quantiles) {
    const row = marked.filter((m) => m.p === p).sort((a, b) => px(a.value) - px(b.value));
    let run = 0;
    row.forEach((m, k) => {
      const prev = row[k - 1];
      run = prev !== undefined && px(m.value) - px(prev.value) < MARKER_PX ? run + 1 : 0;
      // Near the top (bottom) of the plot only down (up), so no marker leaves the 0-100% range.
      const dy =
        p > 0.9
          ? run * MARKER_PX
          : p < 0.1
            ? -run * MARKER_PX
            : (run % 2 === 1 ? -1 : 1) * Math.ceil(run / 2) * MARKER_PX;
      stackDy.set(m, dy);
    });
  }
  const stacked = [...stackDy.values()].some((dy) => dy !== 0);
  const markerY = (m: (typeof marked)[number]): number => py.invert(py(m.p) + (stackDy.get(m) ?? 0));
  // Labels go below and to the right of their dot: an ECDF never passes there, as it only rises.
  // But a slower curve does: so the fastest series at a quantile (alone at the lowest value) puts
  // its label above and to the left instead, where no slower curve reaches (they are below p there).
  // When a curve (its own included), the threshold line or its label, or another marker still
  // crosses the label there, the label tries the other side, then each side one line
  // further out, and takes the first place that nothing crosses (its leader line keeps it tied to
  // its dot); with none free, the first place.
  // Each curve's steps in the plot's unit, drawn below and checked against labels here in px.
  const steps = new Map(series.map((s) => [s, ecdfSteps(s.sorted).map((st) => ({ x: st.x / unit.divisor, y: st.y }))]));
  const curves = series.map((s) => ({
    pad: (s.reference ? REFERENCE.width : 2) / 2 + 1,
    points: (steps.get(s) ?? []).map((st) => ({ x: px(st.x), y: py(st.y) })),
  }));
  const thresholdPx = threshold ? px(threshold.value / unit.divisor) : null;
  interface Place {
    left: boolean;
    dy: number;
  }
  const boxOf = (m: (typeof marked)[number], at: Place): Box => {
    const w = textWidth(text(m), AXIS_SIZE, "bold");
    const x0 = px(m.value) + (at.left ? -13 - w : 13);
    const y = py(m.p) + at.dy;
    return { left: x0, right: x0 + w, top: y - AXIS_SIZE * 0.6, bottom: y + AXIS_SIZE * 0.6 };
  };
  // The threshold's own label, where the threshold mark below writes it (low, left of its line
  // when there is room).
  const thresholdBox: Box | null = (() => {
    if (threshold === undefined || thresholdPx === null) return null;
    const w = textWidth(threshold.label, AXIS_SIZE);
    const onLeft = thresholdPx - marginLeft >= w + 8;
    const left = onLeft ? thresholdPx - 4 - w : thresholdPx + 4;
    return { left, right: left + w, top: py(0.04) - AXIS_SIZE * 0.6, bottom: py(0.04) + AXIS_SIZE * 0.6 };
  })();
  const overlaps = (a: Box, b: Box): boolean =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  /**
   * Whether nothing drawn crosses the label there: a curve, the threshold and its label, another
   * marker. (Not the thin dashed drop lines, which the label's white halo reads over: moving
   * labels off them sent them far from their dots, across other labels' leaders.)
   */
  const free = (m: (typeof marked)[number], box: Box): boolean => {
    if (thresholdPx !== null && thresholdPx >= box.left - 2 && thresholdPx <= box.right + 2) return false;
    if (thresholdBox !== null && overlaps(box, thresholdBox)) return false;
    for (const o of marked) {
      if (o === m) continue;
      const ox = px(o.value);
      const oy = py(o.p) + (stackDy.get(o) ?? 0);
      const r = MARKER_PX / 2 + 1;
      if (overlaps(box, { left: ox - r, right: ox + r, top: oy - r, bottom: oy + r })) return false;
    }
    return !curves.some((c) => stepsCross(c.points, box, c.pad));
  };
  // Placed one after another, each where it crosses no curve and no label placed before it; with
  // no such place, the nearest place on its first side that no label takes.
  const placed: Box[] = [];
  const clear = (box: Box): boolean =>
    box.bottom <= fig.height - MARGIN_BOTTOM + 4 &&
    box.top >= MARGIN_TOP - 10 - AXIS_SIZE &&
    // Not over the y axis's tick labels.
    box.left >= marginLeft - 2 &&
    !placed.some((o) => overlaps(box, o));
  const places = marked.map((m): Place => {
    const left = series.length > 1 && marked.filter((o) => o.p === m.p && o !== m).every((o) => o.value > m.value);
    const at = (l: boolean, k: number): Place => ({
      left: l,
      dy: l ? -LABEL_DROP + 4 - k * LABEL_GAP : LABEL_DROP + k * LABEL_GAP,
    });
    const tries = [0, 1, 2, 3].flatMap((k) => [at(left, k), at(!left, k)]);
    const fallback = [...Array(12).keys()].flatMap((k) => [at(left, k), at(left, -k)]);
    const chosen =
      tries.find((t) => {
        const box = boxOf(m, t);
        return clear(box) && free(m, box);
      }) ??
      fallback.find((t) => clear(boxOf(m, t))) ??
      (tries[0] as Place);
    placed.push(boxOf(m, chosen));
    return chosen;
  });
  const leftOf = places.map((at) => at.left);
  const ys = marked.map((m, i) => py(m.p) + (places[i] as Place).dy);
  // References first, so every other series draws on top of them.
  for (const s of [...series.filter((r) => r.reference), ...series.filter((r) => !r.reference)]) {
    marks.push(
      Plot.line(steps.get(s) ?? [], {
        x: "x",
        y: "y",
        curve: "step-after",
        stroke: s.color,
        strokeWidth: s.reference ? REFERENCE.width : 2,
        ...(s.reference ? { strokeLinejoin: "round", strokeLinecap: "round" } : {}),
        ...(s.dash ? { strokeDasharray: s.dash } : {}),
      }),
    );
  }
  if (threshold) {
    const at = threshold.value / unit.divisor;
    // Its label goes left of the line, or right of it when there is no room on the left.
    const room = px(at) - marginLeft;
    const onLeft = room >= textWidth(threshold.label, AXIS_SIZE) + 8;
    marks.push(
      Plot.ruleX([at], { stroke: INK, strokeWidth: 1.5 }),
      Plot.text([at], {
        x: (v: number) => v,
        // Low, where a latency CDF is at its leftmost: curves cross the line high up.
        y: 0.04,
        text: () => threshold.label,
        textAnchor: onLeft ? "end" : "start",
        dx: onLeft ? -4 : 4,
        dy: 0,
        fontSize: AXIS_SIZE,
        fill: INK,
        stroke: "#ffffff",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
    );
  }
  const labels = marked.map((m, i) => ({
    ...m,
    left: leftOf[i] as boolean,
    ly: py.invert(ys[i] as number),
    lx: px.invert(px(m.value) + (leftOf[i] ? -10 : 10)),
  }));
  marks.push(
    Plot.ruleX(marked, {
      x: "value",
      y1: 0,
      y2: "p",
      stroke: (m) => m.series.color,
      strokeDasharray: "3,3",
      strokeWidth: 1,
    }),
    Plot.link(labels, { x1: "value", y1: "p", x2: "lx", y2: "ly", stroke: (m) => m.series.color, strokeWidth: 0.75 }),
    ...series
      .filter((s) => !s.reference)
      .map((s) =>
        Plot.dot(
          marked.filter((m) => m.series === s),
          {
            x: "value",
            y: markerY,
            r: 4,
            symbol: glyph(s.symbol),
            fill: s.color,
            stroke: "#ffffff",
            strokeWidth: 0.75,
          },
        ),
      ),
    ...[true, false].map((onLeft) =>
      Plot.text(
        labels.filter((l) => l.left === onLeft),
        {
          x: "lx",
          y: "ly",
          text,
          textAnchor: onLeft ? "end" : "start",
          dx: onLeft ? -3 : 3,
          fill: (m) => m.series.ink,
          stroke: "#ffffff",
          strokeWidth: 3,
          paintOrder: "stroke",
          fontWeight: "bold",
        },
      ),
    ),
    Plot.axisY(yTicks, {
      tickFormat: (v: number) => String(Math.round(v * 100)),
      // Say what the percentage is of: each curve's own tasks, not the tasks of every curve together.
      label:
        series.length === 1
          ? "tasks done within that latency (% of all tasks)"
          : "tasks done within that latency (% of each curve's tasks)",
      labelArrow: "none",
    }),
    ...axisXMarks(x, scaleLabel(`latency (${unit.label})`, scale === "log")),
    Plot.ruleY([0]),
  );
  const context = createRenderContext();
  const plot = plotSvg(context, {
    width: plotWidth,
    height: fig.height,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    marginLeft,
    marginRight,
    x: { type: scale, domain: x.domain },
    y: { domain: [0, 1] },
    color: { type: "identity" },
    marks,
  });
  const legend =
    series.length > 1
      ? swatchLegend(
          context,
          [
            {
              items: series.map((s) => ({
                kind: "line" as const,
                label: s.label,
                stroke: s.color,
                ...(s.reference ? { width: REFERENCE.width } : { glyph: s.symbol }),
                ...(s.dash ? { dash: s.dash } : {}),
              })),
            },
          ],
          plotWidth,
        )
      : { node: context.document.createElementNS(SVG_NS, "g"), width: 0, height: 0 };
  if (stacked) {
    fig.caption = `${fig.caption ?? ""} Quantile markers closer than a marker's width are stacked ${MARKER_PX} px apart, up and down; their dashed lines and labels keep the exact values.`;
  }
  // A curve drawn exactly over another hides it: say which pairs coincide, and which one is on top.
  const drawnLines = series.filter((s) => !s.reference);
  const hidden: string[] = [];
  for (let j = 1; j < drawnLines.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = drawnLines[i] as (typeof series)[number];
      const b = drawnLines[j] as (typeof series)[number];
      const d = ecdfDistance(a.sorted, b.sorted);
      // Close everywhere in share is not enough: the tail (the top 2% or so) must agree too, at
      // every marked quantile, or a p99 label would contradict "lies under".
      const tailsAgree = quantiles.every((p) => {
        const qa = nearestRank(a.sorted, p);
        const qb = nearestRank(b.sorted, p);
        return Math.abs(qa - qb) <= COINCIDE * Math.max(qa, qb);
      });
      if (d <= COINCIDE && tailsAgree) hidden.push(`“${a.label}” lies under “${b.label}”, ${pointsOf(d)}`);
    }
  }
  if (hidden.length > 0) {
    fig.caption = `${fig.caption ?? ""} Coinciding curves (their shares of tasks within ${Math.round(COINCIDE * 100)} points at every latency, their marked quantiles within ${Math.round(COINCIDE * 100)}%): ${hidden.join("; ")}.`;
  }
  return chartFigure(context, fig, legend, [[panel(plot, plotWidth, fig.height)]]);
}

/** Largest vertical gap at which two curves count as one in the caption's note (2 percentage points). */
const COINCIDE = 0.02;

/** "never more than 0.34 points apart": the measured largest gap between two coinciding curves. */
function pointsOf(d: number): string {
  return `never more than ${Number((d * 100).toPrecision(2))} points apart`;
}

/**
 * The Kolmogorov-Smirnov distance of two samples (ascending): the largest vertical gap between
 * their empirical CDFs, over every latency.
 */
export function ecdfDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let worst = 0;
  while (i < a.length || j < b.length) {
    const x = Math.min(i < a.length ? (a[i] as number) : Infinity, j < b.length ? (b[j] as number) : Infinity);
    while (i < a.length && (a[i] as number) <= x) i++;
    while (j < b.length && (b[j] as number) <= x) j++;
    worst = Math.max(worst, Math.abs(i / a.length - j / b.length));
  }
  return worst;
}

function format(value: number): string {
  return String(Number(value.toPrecision(3)));
}
