/**
 * Simulated against measured: one labelled point per scenario, measured value across, simulated
 * up, with the identity line and error bands (by default ±5% and ±15%) around it. A point on the
 * line is a perfect prediction; its colour says which band it falls in. Labels sit to the right
 * of their points, spread vertically so they never overlap; a label that would cover a marker or
 * a point's real runs moves to the nearest free place beside its point, joined to it by a leader.
 */
import * as Plot from "@observablehq/plot";
import { scaleLinear, scaleLog } from "d3-scale";
import { type Axis, axisXMarks, axisYMarks, linearAxis, paddedLogAxis, scaleLabel } from "./axis.js";
import { chartFigure, panel } from "./figure.js";
import { spreadPositions } from "./label-placement.js";
import { swatchLegend } from "./legend.js";
import { figureText, invalid, oneOf, optionalText } from "./options.js";
import { AGREEMENT_COLORS, BAND_FILLS } from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { type GlyphName, glyph } from "./symbols.js";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE, GRID, INK, PAD, RULE } from "./theme.js";
import type { Figure, FigureOptions } from "./types.js";

export interface SimRealPoint {
  label: string;
  simulated: number;
  /** The measured value the point sits at: the mean of the real runs. */
  measured: number;
  /**
   * Each real run's own measured value, when there were several: drawn as small rings on a line
   * from the lowest to the highest, at the point's height, so the runs' spread shows beside the error.
   */
  runs?: readonly number[];
}

export interface SimRealOptions extends FigureOptions {
  /** The quantity compared, with its unit, e.g. "p99 latency (ms)"; default "value". */
  quantity?: string;
  /** Relative error bands, inner then outer, each in (0, 1); default [0.05, 0.15]. */
  bands?: [number, number];
  /** "linear" (default) or "log" axes; log needs positive values. */
  scale?: "linear" | "log";
}

type Agreement = keyof typeof AGREEMENT_COLORS;
/** The band's shape: a circle for within the inner band, a square for the outer, a cross for outside. */
const AGREEMENT_GLYPHS: Record<Agreement, GlyphName> = { inner: "circle", outer: "square", outside: "cross" };
/** The agreement classes in the legend's order: nearest first. */
const AGREEMENT_CLASSES: readonly Agreement[] = ["inner", "outer", "outside"];

const MARGIN_TOP = 24;
const MARGIN_BOTTOM = 40;
const LABEL_GAP = 13;
/** The least space in px between two labels side by side on one line. */
const LABEL_SPACE = 10;

/** Relative error of a point: (simulated - measured) / measured. */
export function relativeError(p: SimRealPoint): number {
  return (p.simulated - p.measured) / p.measured;
}

/** Outer radius in px of a point's marker (4.5) with its white outline, and of a run's ring (2.5). */
const MARKER_EDGE = 5;
const RING_EDGE = 3;

export function simRealChart(points: readonly SimRealPoint[], options: SimRealOptions = {}): Figure {
  if (!Array.isArray(points) || points.length === 0)
    throw invalid("points", points, "a non-empty array of SimRealPoint");
  points.forEach((p, i) => {
    if (!Number.isFinite(p.simulated) || !Number.isFinite(p.measured) || p.measured <= 0 || p.simulated < 0) {
      throw invalid(`points[${i}]`, `${p.simulated} vs ${p.measured}`, "simulated >= 0 and measured > 0");
    }
    if (
      p.runs !== undefined &&
      !(
        Array.isArray(p.runs) &&
        (p.runs as readonly unknown[]).every((v) => typeof v === "number" && Number.isFinite(v) && v > 0)
      )
    ) {
      throw invalid(`points[${i}].runs`, p.runs, "an array of positive measured values");
    }
  });
  const quantity = optionalText("quantity", options.quantity, "value") ?? "value";
  const scale = oneOf("scale", options.scale, ["linear", "log"] as const, "linear");
  const bands = options.bands ?? [0.05, 0.15];
  if (!Array.isArray(bands) || bands.length !== 2 || !(bands[0] > 0 && bands[0] < bands[1] && bands[1] < 1)) {
    throw invalid("bands", options.bands, "[inner, outer] with 0 < inner < outer < 1");
  }
  if (scale === "log" && points.some((p) => p.simulated <= 0))
    throw invalid("scale", scale, "linear when a value is 0");
  const [inner, outer] = bands;
  const pct = (b: number): string => `±${Number((b * 100).toPrecision(3))}%`;
  const agreement = (p: SimRealPoint): Agreement => {
    const e = Math.abs(relativeError(p));
    return e <= inner ? "inner" : e <= outer ? "outer" : "outside";
  };
  const within = points.filter((p) => agreement(p) !== "outside").length;
  const fig = figureText(options, {
    width: 640,
    height: 480,
    title: `Simulated against measured ${quantity}`,
    subtitle: `${within} of ${points.length} within ${pct(outer)}`,
    caption: `Each point is one scenario: measured in CPython across (the mean of its real runs), simulated up. On the dashed line the simulation is exact; shaded bands show ${pct(inner)} and ${pct(outer)} relative error.`,
  });
  const defaultCaption = options.caption === undefined;

  const values = points.flatMap((p) => [p.simulated, p.measured, ...(p.runs ?? [])]);
  const spread = points.flatMap((p) =>
    p.runs && p.runs.length > 0
      ? [{ y: p.simulated, x1: Math.min(...p.runs), x2: Math.max(...p.runs), runs: p.runs, at: p.measured }]
      : [],
  );
  const runDots = spread.flatMap((s) => s.runs.map((x: number) => ({ x, y: s.y })));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const axis: Axis =
    scale === "log" ? paddedLogAxis(lo, hi, 1 + outer) : linearAxis([0, hi * (1 + outer)], { zero: true });
  const [d0, d1] = axis.domain;
  const plotWidth = fig.width - 2 * PAD;
  const marginLeft = Math.ceil(axis.labelWidth) + 14;
  const widest = Math.max(...points.map((p) => textWidth(p.label, AXIS_SIZE)));
  const marginRight = Math.ceil(Math.min(widest + 14, plotWidth / 3));
  // The identity line at 45 degrees needs equal px per unit on both axes: square plot area.
  const side = Math.min(plotWidth - marginLeft - marginRight, fig.height - MARGIN_TOP - MARGIN_BOTTOM);
  const height = side + MARGIN_TOP + MARGIN_BOTTOM;
  const width = side + marginLeft + marginRight;

  const line = sample(d0, d1, scale);
  const band = (b: number, fill: string) =>
    Plot.areaY(line, {
      x: (v: number) => v,
      y1: (v: number) => v * (1 - b),
      y2: (v: number) => v * (1 + b),
      fill,
      clip: true,
    });
  const px = (scale === "log" ? scaleLog() : scaleLinear()).domain([d0, d1]).range([marginLeft, marginLeft + side]);
  const py = (scale === "log" ? scaleLog() : scaleLinear()).domain([d0, d1]).range([MARGIN_TOP + side, MARGIN_TOP]);
  // What of the real runs shows beside the point's marker (radius 4.5, white outline 0.5): the
  // line when it reaches a pixel beyond it, a ring (radius 2.5 with its outline) when a pixel of it
  // does. The legend and caption name only what shows.
  const reach = spread.map((d) => {
    const at = px(d.at);
    return Math.max(Math.abs(px(d.x1) - at), Math.abs(px(d.x2) - at));
  });
  const lineShows = reach.some((r) => r >= MARKER_EDGE + 1);
  const ringShows = reach.some((r) => r + RING_EDGE >= MARKER_EDGE + 1);
  if (defaultCaption && spread.length > 0) {
    fig.caption = `${fig.caption ?? ""} ${
      lineShows
        ? "The line through a point spans its real runs, lowest to highest, each run a small ring."
        : ringShows
          ? "The small rings beside a point are its real runs; their spread is shorter than the point is wide."
          : "Each point's real runs lie under it: their spread is shorter than the point is wide."
    }`;
  }
  const present = new Set(points.map(agreement));
  const ys = spreadPositions(
    points.map((p) => py(p.simulated)),
    LABEL_GAP,
    MARGIN_TOP + 4,
    MARGIN_TOP + side - 4,
  );
  // A label goes at its spread-out height right of its point when nothing is there. Otherwise it
  // takes the free place nearest its point's own height, right of it or else left: a place where it
  // covers no marker, no run's line or ring (its own either), no label and no leader placed before
  // it, and where its own leader crosses no other point's marker or runs and no label.
  const top = MARGIN_TOP + 4;
  const bottom = MARGIN_TOP + side - 4;
  const half = AXIS_SIZE / 2 + 1.5; // half a label's height, with its halo
  type Box = { kind: "marker" | "runs" | "label"; owner: number; x0: number; x1: number; y0: number; y1: number };
  const obstacles: Box[] = points.flatMap((q, j): Box[] => {
    const x = px(q.measured);
    const y = py(q.simulated);
    const e = MARKER_EDGE;
    const marker: Box = { kind: "marker", owner: j, x0: x - e, x1: x + e, y0: y - e, y1: y + e };
    const runs = q.runs ?? [];
    if (runs.length === 0) return [marker];
    const r0 = px(Math.min(...runs)) - RING_EDGE;
    const r1 = px(Math.max(...runs)) + RING_EDGE;
    return [marker, { kind: "runs", owner: j, x0: r0, x1: r1, y0: y - RING_EDGE, y1: y + RING_EDGE }];
  });
  const boxes: Box[] = [];
  /** Leaders drawn so far, as points every 2 px along them. */
  const leaderDots: { x: number; y: number }[] = [];
  const overlaps = (o: Box, x0: number, x1: number, y0: number, y1: number) =>
    o.x1 > x0 + 0.01 && o.x0 < x1 - 0.01 && o.y1 > y0 + 0.01 && o.y0 < y1 - 0.01;
  /** Points every 2 px along a leader from the edge of the marker at (x, y0) to (ex, y). */
  const leaderPath = (x: number, y0: number, ex: number, y: number) => {
    const length = Math.hypot(ex - x, y - y0);
    const dots: { x: number; y: number }[] = [];
    for (let t = MARKER_EDGE + 1; t < length; t += 2) {
      dots.push({ x: x + ((ex - x) * t) / length, y: y0 + ((y - y0) * t) / length });
    }
    return dots;
  };
  const place = (p: SimRealPoint, i: number, settled: boolean) => {
    const x = px(p.measured);
    const own = py(p.simulated);
    // The text starts 3 px from the leader's end; 1.5 px of halo beyond its last glyph.
    const w = textWidth(p.label, AXIS_SIZE) + 4.5;
    const span = (left: boolean): [number, number] => (left ? [x - 10 - w, x - 10] : [x + 10, x + 10 + w]);
    // How strict: 0, nothing covered and a leader that crosses nothing; 1, the leader may cross
    // markers and runs (never a label); 2, the label may cover runs' lines and rings too (never a
    // marker, a label or a leader).
    const free = (y: number, left: boolean, level: 0 | 1 | 2) => {
      const [x0, x1] = span(left);
      if (y < top || y > bottom || x0 < (left ? marginLeft : -Infinity)) return false;
      // Its own marker is where the leader starts; its own runs it must not cover.
      const ignored = (o: Box) => (o.kind === "marker" ? o.owner === i : o.kind === "runs" && level === 2);
      if ([...obstacles, ...boxes].some((o) => !ignored(o) && overlaps(o, x0, x1, y - half, y + half))) return false;
      if (leaderDots.some((d) => d.x > x0 && d.x < x1 && d.y > y - half && d.y < y + half)) return false;
      if (y === own) return true;
      // What touches its own marker (a point drawn over this one) the leader cannot help crossing.
      const atStart = (o: Box) => overlaps(o, x - MARKER_EDGE, x + MARKER_EDGE, own - MARKER_EDGE, own + MARKER_EDGE);
      for (const d of leaderPath(x, own, left ? x - 10 : x + 10, y)) {
        const hit = (o: Box) =>
          level === 0 && o.owner !== i && !atStart(o) && overlaps(o, d.x - 0.5, d.x + 0.5, d.y - 0.5, d.y + 0.5);
        // A label's box is widened by LABEL_SPACE on each side; its text is not.
        const text = (o: Box) => overlaps(o, d.x + LABEL_SPACE, d.x - LABEL_SPACE, d.y, d.y);
        if (obstacles.some(hit) || boxes.some(text)) return false;
      }
      return true;
    };
    let left = false;
    let y = ys[i] as number;
    // First the labels free where they were spread to (they are a label's height apart, so they
    // cannot cover each other), then the others around them: near places first (within four label
    // heights) at each strictness, then anywhere. With no free place at all, a label stays where
    // it was spread to.
    if (!settled) {
      if (!free(y, false, 0)) return null;
    } else {
      const near = 4 * LABEL_GAP;
      const passes = [0, 1, 2, 0, 1, 2].map((level, k) => ({ level: level as 0 | 1 | 2, reach: k < 3 ? near : side }));
      search: for (const { level, reach } of passes) {
        for (let d = 0; d <= reach; d++) {
          for (const candidate of d === 0 ? [own] : [own - d, own + d]) {
            for (const l of [false, true]) {
              if (free(candidate, l, level)) {
                y = candidate;
                left = l;
                break search;
              }
            }
          }
        }
      }
    }
    const [bx0, bx1] = span(left);
    // Two labels on one line need a clear gap, or they read as one.
    boxes.push({ kind: "label", owner: i, x0: bx0 - LABEL_SPACE, x1: bx1 + LABEL_SPACE, y0: y - half, y1: y + half });
    if (y !== own) leaderDots.push(...leaderPath(x, own, left ? x - 10 : x + 10, y));
    return { ...p, left, ly: py.invert(y), lx: px.invert(left ? x - 10 : x + 10) };
  };
  const first = points.map((p, i) => place(p, i, false));
  const labels = points.map((p, i) => first[i] ?? (place(p, i, true) as NonNullable<ReturnType<typeof place>>));
  const context = createRenderContext();
  const plot = plotSvg(context, {
    width,
    height,
    marginLeft,
    marginRight,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    x: { type: scale, domain: [d0, d1] },
    y: { type: scale, domain: [d0, d1] },
    color: { type: "identity" },
    marks: [
      Plot.gridX(axis.ticks, { stroke: GRID, strokeOpacity: 0.8 }),
      Plot.gridY(axis.ticks, { stroke: GRID, strokeOpacity: 0.8 }),
      band(outer, BAND_FILLS.outer),
      band(inner, BAND_FILLS.inner),
      Plot.line([d0, d1], {
        x: (v: number) => v,
        y: (v: number) => v,
        stroke: RULE,
        strokeDasharray: "5,4",
        strokeWidth: 1.25,
      }),
      Plot.link(labels, { x1: "measured", y1: "simulated", x2: "lx", y2: "ly", stroke: RULE, strokeWidth: 0.75 }),
      // The real runs' spread: lowest to highest measured value, each run a small ring, under the point.
      Plot.ruleY(spread, { y: "y", x1: "x1", x2: "x2", stroke: INK, strokeWidth: 1.25 }),
      Plot.dot(runDots, { x: "x", y: "y", r: 2.5, fill: "#ffffff", stroke: INK, strokeWidth: 1 }),
      ...[false, true].map((left) =>
        Plot.text(
          labels.filter((l) => l.left === left),
          {
            x: "lx",
            y: "ly",
            text: "label",
            textAnchor: left ? "end" : "start",
            dx: left ? -3 : 3,
            fill: INK,
            stroke: "#ffffff",
            strokeWidth: 3,
            paintOrder: "stroke",
          },
        ),
      ),
      // Points after the labels: a label's white halo never hides a point.
      Plot.dot(points, {
        x: "measured",
        y: "simulated",
        r: 4.5,
        fill: (p: SimRealPoint) => AGREEMENT_COLORS[agreement(p)],
        // Shape as well as colour tells the bands apart, for readers who cannot tell the colours.
        symbol: (p: SimRealPoint) => glyph(AGREEMENT_GLYPHS[agreement(p)]),
        stroke: "#ffffff",
        strokeWidth: 1,
      }),
      ...axisXMarks(axis, scaleLabel(`measured ${quantity}`, scale === "log")),
      ...axisYMarks(axis, scaleLabel(`simulated ${quantity}`, scale === "log")),
    ],
  });
  const legend = swatchLegend(
    context,
    [
      {
        // Only what is drawn: the agreement classes some point falls in, the runs' line and rings
        // where they show beside the markers.
        items: [
          ...AGREEMENT_CLASSES.filter((c) => present.has(c)).map((c) => ({
            kind: "glyph" as const,
            label: c === "outside" ? `off by more than ${pct(outer)}` : `within ${pct(c === "inner" ? inner : outer)}`,
            glyph: AGREEMENT_GLYPHS[c],
            fill: AGREEMENT_COLORS[c],
          })),
          { kind: "line" as const, label: "simulated = measured", stroke: RULE, dash: "5,4" },
          {
            kind: "box" as const,
            label: `shaded: ${pct(inner)} error`,
            fill: BAND_FILLS.inner,
            stroke: BAND_FILLS.swatchStroke,
          },
          {
            kind: "box" as const,
            label: `shaded: ${pct(outer)} error`,
            fill: BAND_FILLS.outer,
            stroke: BAND_FILLS.swatchStroke,
          },
          ...(lineShows
            ? [{ kind: "line" as const, label: "real runs, lowest to highest", stroke: INK, width: 1.25 }]
            : []),
          ...(ringShows
            ? [
                {
                  kind: "glyph" as const,
                  label: "one real run",
                  glyph: "circle" as const,
                  fill: "#ffffff",
                  stroke: INK,
                },
              ]
            : []),
        ],
      },
    ],
    plotWidth,
  );
  return chartFigure(context, fig, legend, [[panel(plot, width, height)]]);
}

/** Points along the axis to draw the bands through: the ends for linear axes, a geometric series for log ones. */
function sample(d0: number, d1: number, scale: "linear" | "log"): number[] {
  if (scale === "linear") return [d0, d1];
  const n = 16;
  return Array.from({ length: n + 1 }, (_, i) => d0 * (d1 / d0) ** (i / n));
}
