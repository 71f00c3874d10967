/**
 * Simulated against measured, one small panel per quantity (makespan, throughput, p50, ...), one
 * unlabelled dot per case coloured by its series: for many cases, where simRealChart labels a few.
 * Axes are logarithmic (the cases span decades) and square, so the identity line runs at 45
 * degrees; the ±outer band around it is shaded and the subtitle of each panel counts the points
 * inside it.
 */
import * as Plot from "@observablehq/plot";
import { axisXMarks, axisYMarks, paddedLogAxis, scaleLabel } from "./axis.js";
import type { SeriesStyle } from "./error-strip.js";
import { chartFigure, panel } from "./figure.js";
import { swatchLegend } from "./legend.js";
import { figureText, invalid } from "./options.js";
import { outsideLegend, outsideRings, RING_RADIUS } from "./outside-ring.js";
import { SAMPLE_GREY } from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { glyph } from "./symbols.js";
import { textWidth } from "./text-measure.js";
import { GAP, GRID, INK, PAD, RULE } from "./theme.js";
import type { Figure, FigureOptions } from "./types.js";

export interface ParityPoint {
  measured: number;
  simulated: number;
  series: string;
  /** The lowest and highest of the real runs whose mean is `measured`; drawn as a line through the point. */
  runs?: [number, number];
  /** A short name written beside the point, clear of markers and runs' lines, to tell apart points of one series. */
  label?: string;
}

export interface ParityPanel {
  /** The quantity with its unit, e.g. "p99 latency (ms)". */
  quantity: string;
  points: ParityPoint[];
}

export interface ParityOptions extends FigureOptions {
  series: SeriesStyle[];
  /** Panels per row; default 3. */
  columns?: number;
  /** The shaded band of relative error around the identity; default 0.15. */
  band?: number;
  /** What the y axis holds against the measured x: "simulated" (default) or, for a forecast, "predicted". */
  modelled?: "simulated" | "predicted";
  /**
   * Ring every point outside the band in black (and say so in the legend): on axes spanning
   * decades the band is a sliver, and which points lie outside it cannot be read; default false.
   */
  ringOutside?: boolean;
}

/** Room for the panel's title line and, under it, the y axis label. */
const MARGIN_TOP = 50;
const MARGIN_BOTTOM = 38;
const MARGIN_RIGHT = 18;
/** Marker radius, and the distance under which two markers are moved apart, in px. */
const MARKER_RADIUS = 3.5;
const NUDGE_PX = 6;
/**
 * The offsets tried along the diagonal (px, up-right positive), nearest first and alternating
 * ends, at most NUDGE_MAX_PX. Along the diagonal both coordinates move by the same factor, so a
 * moved marker keeps its error (its distance from the identity line, which is what the chart is
 * read for). A marker that fits nowhere stays where it is, over its neighbour.
 */
export const NUDGE_MAX_PX = 8;
const NUDGE_OFFSETS = [0, 4, -4, 8, -8];
/** Point labels: font size; the distances from a marker tried, px (beyond the first, with a leader); the directions, nearest first. */
const LABEL_SIZE = 10;
const LABEL_RINGS = [5, 14, 24, 36];
const LABEL_DIRECTIONS: readonly [number, number][] = [
  [0, 1],
  [0, -1],
  [-1, 0],
  [1, 0],
  [-1, 1],
  [1, 1],
  [-1, -1],
  [1, -1],
];
/** A label's leader grey. */
const MUTED_LINE = "#8c8c8c";
/** The ±band: a light fill between two solid edges in the reference-line grey. */
const BAND = { fill: "#e4e4e4", edge: RULE } as const;

export function parityChart(panels: readonly ParityPanel[], options: ParityOptions): Figure {
  if (panels.length === 0) throw invalid("panels", panels, "a non-empty array of ParityPanel");
  const styles = new Map(options.series.map((s) => [s.key, s]));
  panels.forEach((p, i) => {
    if (p.points.length === 0) throw invalid(`panels[${i}].points`, "[]", "at least one point");
    p.points.forEach((q, j) => {
      if (!(q.measured > 0 && q.simulated > 0 && Number.isFinite(q.measured) && Number.isFinite(q.simulated))) {
        throw invalid(`panels[${i}].points[${j}]`, `${q.simulated} vs ${q.measured}`, "positive finite values");
      }
      if (!styles.has(q.series)) throw invalid(`panels[${i}].points[${j}].series`, q.series, "a key of options.series");
    });
  });
  const band = options.band ?? 0.15;
  const modelled = options.modelled ?? "simulated";
  const noun = modelled === "simulated" ? "the simulation" : "the prediction";
  if (!(band > 0 && band < 1)) throw invalid("band", options.band, "a number between 0 and 1");
  const outside = (q: ParityPoint) => Math.abs(q.simulated / q.measured - 1) > band;
  const columns = Math.max(1, Math.min(options.columns ?? 3, panels.length));
  const fig = figureText(options, {
    width: 900,
    height: 300,
    title: `${modelled === "simulated" ? "Simulated" : "Predicted"} against measured`,
    subtitle: undefined,
    caption: `Each dot is one case: measured across, ${modelled} up, on log axes. On the dashed line ${noun} is exact, below it too low; between the two solid lines (shaded) it is within ±${Math.round(band * 100)}%.`,
  });
  const plotWidth = fig.width - 2 * PAD;
  const cell = Math.floor((plotWidth - GAP * (columns - 1)) / columns);
  const context = createRenderContext();

  const axes = panels.map((p) => {
    const values = p.points.flatMap((q) => [q.measured, q.simulated, ...(q.runs ?? [])]);
    // Data within a decade get the finer steps, so they fill more of the panel.
    return paddedLogAxis(Math.min(...values), Math.max(...values), 1 + band, 10 ** 0.1, true);
  });
  // One left margin and one side for every panel, so their plot areas line up.
  const marginLeft = Math.max(...axes.map((a) => Math.ceil(a.labelWidth) + 14));
  const side = Math.min(cell - marginLeft - MARGIN_RIGHT, fig.height);
  let runsShown = false;
  let nudged = false;
  const blocks = panels.map((p, panelIndex) => {
    const axis = axes[panelIndex] as (typeof axes)[number];
    const [d0, d1] = axis.domain;
    const toPx = (v: number): number => (Math.log(v / d0) / Math.log(d1 / d0)) * side;
    const back = (v: number): number => d0 * (d1 / d0) ** (v / side);
    // A marker closer than NUDGE_PX to one drawn before is moved along the diagonal by the nearest
    // of NUDGE_OFFSETS that clears every marker drawn before, at most NUDGE_MAX_PX: its error (its
    // distance from the diagonal) is unchanged; the caption says so.
    const placed: { x: number; y: number }[] = [];
    const points = p.points.map((q) => {
      const x0 = toPx(q.measured);
      const y0 = toPx(q.simulated);
      const at = (k: number) => ({ x: x0 + k / Math.SQRT2, y: y0 + k / Math.SQRT2 });
      const clear = (c: { x: number; y: number }) => placed.every((o) => Math.hypot(o.x - c.x, o.y - c.y) >= NUDGE_PX);
      const offset = NUDGE_OFFSETS.find((k) => clear(at(k))) ?? 0;
      const { x, y } = at(offset);
      placed.push({ x, y });
      if (offset !== 0) nudged = true;
      return { ...q, x: back(x), y: back(y) };
    });
    const spreads = points.filter((q) => q.runs !== undefined);
    if (
      spreads.some((q) => {
        const [lo, hi] = q.runs as [number, number];
        return Math.max(toPx(q.measured) - toPx(lo), toPx(hi) - toPx(q.measured)) >= MARKER_RADIUS + 1;
      })
    ) {
      runsShown = true;
    }
    // Point labels: each at the first free place around its marker (above, below, beside, then
    // further out), clear of every marker and of the labels placed before it; one placed away from
    // its marker is joined to it by a short grey leader.
    // Each marker (where the nudging placed it) as labels must keep clear of it: its radius, or
    // its ring's where it has one.
    const markers = points.map((q, i) => ({
      ...(placed[i] as { x: number; y: number }),
      r: (options.ringOutside && outside(q) ? RING_RADIUS : MARKER_RADIUS) + 1,
    }));
    // The runs' lines, px: a label must not sit on one (its white halo would cut it).
    const runLines = points.flatMap((q) =>
      q.runs
        ? [{ y: toPx(q.y), x1: toPx((q.runs[0] * q.x) / q.measured), x2: toPx((q.runs[1] * q.x) / q.measured) }]
        : [],
    );
    const boxes: { x: number; y: number; w: number; h: number }[] = [];
    const labels: { text: string; x: number; y: number }[] = [];
    const leaders: { x1: number; y1: number; x2: number; y2: number }[] = [];
    for (const [i, q] of points.entries()) {
      if (q.label === undefined) continue;
      const m = markers[i] as { x: number; y: number; r: number };
      // A ringed marker's labels start outside its ring.
      const extra = m.r - (MARKER_RADIUS + 1);
      const w = textWidth(q.label, LABEL_SIZE) + 2;
      const h = LABEL_SIZE;
      const fits = (c: { x: number; y: number }) =>
        c.x - w / 2 >= 0 &&
        c.x + w / 2 <= side &&
        c.y - h / 2 >= 0 &&
        c.y + h / 2 <= side &&
        markers.every((o) => Math.abs(o.x - c.x) > w / 2 + o.r || Math.abs(o.y - c.y) > h / 2 + o.r) &&
        boxes.every((b) => Math.abs(b.x - c.x) > (b.w + w) / 2 || Math.abs(b.y - c.y) > (b.h + h) / 2) &&
        runLines.every((r) => Math.abs(r.y - c.y) > h / 2 + 1 || c.x + w / 2 < r.x1 || c.x - w / 2 > r.x2);
      // Next to its marker (the first ring, no leader), a label must be nearer its own marker than
      // any other, or it would be read as another's.
      const own = (c: { x: number; y: number; ring: number }) =>
        c.ring > (LABEL_RINGS[0] as number) ||
        markers.every((o, j) => j === i || Math.hypot(o.x - c.x, o.y - c.y) > Math.hypot(m.x - c.x, m.y - c.y) + 3);
      const candidates = LABEL_RINGS.flatMap((ring) =>
        LABEL_DIRECTIONS.map(([ux, uy]) => ({
          x: m.x + ux * (ring + extra + w / 2),
          y: m.y + uy * (ring + extra + h / 2),
          ring,
        })),
      );
      // Where nothing is free, the first place, kept inside the panel.
      const fallback = candidates[0] as (typeof candidates)[number];
      const at = candidates.find((c) => own(c) && fits(c)) ?? {
        ...fallback,
        x: Math.min(side - w / 2, Math.max(w / 2, fallback.x)),
        y: Math.min(side - h / 2, Math.max(h / 2, fallback.y)),
      };
      boxes.push({ x: at.x, y: at.y, w, h });
      labels.push({ text: q.label, x: back(at.x), y: back(at.y) });
      if (at.ring > (LABEL_RINGS[0] as number)) {
        // From the label box's nearest edge point to the marker's edge.
        const ex = Math.max(at.x - w / 2, Math.min(m.x, at.x + w / 2));
        const ey = Math.max(at.y - h / 2, Math.min(m.y, at.y + h / 2));
        const d = Math.hypot(ex - m.x, ey - m.y);
        const k = m.r / d;
        leaders.push({ x1: back(ex), y1: back(ey), x2: back(m.x + (ex - m.x) * k), y2: back(m.y + (ey - m.y) * k) });
      }
    }
    const width = side + marginLeft + MARGIN_RIGHT;
    const height = side + MARGIN_TOP + MARGIN_BOTTOM;
    const line = Array.from({ length: 17 }, (_, i) => d0 * (d1 / d0) ** (i / 16));
    const inside = p.points.filter((q) => !outside(q)).length;
    // Both axes carry the quantity's unit, from the "(unit)" that ends the panel's quantity.
    const unit = /\(([^()]+)\)\s*$/.exec(p.quantity)?.[1];
    const axisLabel = (side: string) => (unit ? `${side} (${unit})` : side);
    // On axes spanning decades the band is a few px either side of the identity line: a fill alone
    // hides under the line, so its edges are drawn as solid lines, bracketing the dashed identity.
    const marks: Plot.Markish[] = [
      Plot.gridX(axis.ticks, { stroke: GRID, strokeOpacity: 0.8 }),
      Plot.gridY(axis.ticks, { stroke: GRID, strokeOpacity: 0.8 }),
      Plot.areaY(line, {
        x: (v: number) => v,
        y1: (v: number) => v * (1 - band),
        y2: (v: number) => v * (1 + band),
        fill: BAND.fill,
        clip: true,
      }),
      ...[1 - band, 1 + band].map((k) =>
        Plot.line(line, {
          x: (v: number) => v,
          y: (v: number) => v * k,
          stroke: BAND.edge,
          strokeWidth: 1,
          clip: true,
        }),
      ),
      Plot.line([d0, d1], {
        x: (v: number) => v,
        y: (v: number) => v,
        stroke: INK,
        strokeWidth: 0.75,
        strokeDasharray: "3,3",
      }),
      // Each point's real runs, lowest to highest, at its (nudged) height, under the markers.
      ...options.series.map((s) =>
        Plot.ruleY(
          spreads.filter((q) => q.series === s.key),
          {
            y: "y",
            x1: (q: { runs: [number, number]; x: number; measured: number }) => (q.runs[0] * q.x) / q.measured,
            x2: (q: { runs: [number, number]; x: number; measured: number }) => (q.runs[1] * q.x) / q.measured,
            stroke: s.color,
            strokeWidth: 1.25,
          },
        ),
      ),
      ...options.series.map((s) =>
        Plot.dot(
          points.filter((q) => q.series === s.key),
          {
            x: "x",
            y: "y",
            r: MARKER_RADIUS,
            symbol: glyph(s.symbol),
            fill: s.color,
            fillOpacity: 0.85,
            stroke: "#ffffff",
            strokeWidth: 0.5,
          },
        ),
      ),
      ...(options.ringOutside ? [outsideRings(points.filter(outside))] : []),
      Plot.link(leaders, { x1: "x1", y1: "y1", x2: "x2", y2: "y2", stroke: MUTED_LINE, strokeWidth: 0.75 }),
      Plot.text(labels, {
        x: "x",
        y: "y",
        text: "text",
        textAnchor: "middle",
        fontSize: LABEL_SIZE,
        fill: INK,
        stroke: "#ffffff",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
      Plot.text([`${p.quantity}: ${inside}/${p.points.length} within ±${Math.round(band * 100)}%`], {
        frameAnchor: "top-left",
        dy: -MARGIN_TOP + 8,
        dx: -marginLeft + 4,
        fill: INK,
        fontWeight: "bold",
      }),
      // The y label sits just above the plot's top-left corner, under the panel's title (Plot's own
      // axis label would go to the very top, over the title).
      Plot.text([scaleLabel(axisLabel(modelled), true)], {
        frameAnchor: "top-left",
        dy: -18,
        dx: -marginLeft + 4,
        textAnchor: "start",
        fill: INK,
      }),
      ...axisXMarks(axis, scaleLabel(axisLabel("measured"), true)),
      ...axisYMarks(axis, ""),
    ];
    const svg = plotSvg(context, {
      width,
      height,
      marginLeft,
      marginRight: MARGIN_RIGHT,
      marginTop: MARGIN_TOP,
      marginBottom: MARGIN_BOTTOM,
      x: { type: "log", domain: [d0, d1] },
      y: { type: "log", domain: [d0, d1] },
      marks,
    });
    return panel(svg, width, height);
  });
  const rows: (typeof blocks)[] = [];
  for (let i = 0; i < blocks.length; i += columns) rows.push(blocks.slice(i, i + columns));
  const legend = swatchLegend(
    context,
    [
      {
        items: [
          ...options.series.map((s) => ({ kind: "glyph" as const, label: s.label, glyph: s.symbol, fill: s.color })),
          { kind: "line" as const, label: `${modelled} = measured`, stroke: INK, dash: "3,3", width: 0.75 },
          ...(runsShown
            ? [
                {
                  // The runs' lines take their point's colour; a neutral grey sample, so the legend
                  // does not name a colour no line is drawn in, drawn through a point as on the plot
                  // so it does not read as one of the band's solid edges (the same grey).
                  kind: "line" as const,
                  label: "real runs, lowest to highest, through each point (in its colour)",
                  stroke: SAMPLE_GREY,
                  glyph: "circle" as const,
                  width: 1.25,
                },
              ]
            : []),
          {
            kind: "box",
            label: `within ±${Math.round(band * 100)}% (between the solid lines)`,
            fill: BAND.fill,
            stroke: BAND.edge,
          },
          ...(options.ringOutside && panels.some((p) => p.points.some(outside))
            ? [outsideLegend(Math.round(band * 100))]
            : []),
        ],
      },
    ],
    plotWidth,
  );
  if (nudged) {
    fig.caption = `${fig.caption ?? ""} Markers that would overlap are slid along the diagonal by at most ${NUDGE_MAX_PX} px, which keeps each one's error; where that is not enough they overlap.`;
  }
  return chartFigure(context, fig, legend, rows);
}
