/**
 * The page's thread timeline: one lane per thread, each process led by its GIL track, coloured by
 * state over the window, with the GIL's holders and the drop-request, forced-switch and convoy
 * markers. Drawn by Plot into the page's DOM in the page's theme; the geometry it returns maps
 * pixels back to time and lanes for hovering, zooming and the keyboard cursor.
 *
 * Like the report figure (src/charts/timeline.ts) it sums intervals per pixel column when there
 * are more than a few thousand in the window, using the same reductions.
 */
import * as Plot from "@observablehq/plot";
import { GIL_HOLD_SHADES, GIL_HOLD_TEXT, STATE_COLORS } from "../../charts/palette.js";
import { glyph } from "../../charts/symbols.js";
import { timeAxis } from "../../charts/time-axis.js";
import {
  bucketStates,
  countVisible,
  dominantRects,
  rawRects,
  type StateRect,
} from "../../charts/timeline-aggregate.js";
import {
  bucketHolds,
  type HoldRect,
  type MarkerPoint,
  markerLanes,
  rawHolds,
  thinMarkers,
} from "../../charts/timeline-gil.js";
import { type Lane, layoutLanes } from "../../charts/timeline-lanes.js";
import { MARKER_KINDS, MARKER_STYLE } from "../../charts/timeline-legend.js";
import type { Nanos } from "../../engine/time.js";
import type { Trace } from "../../trace/types.js";
import { plotStyle, type Theme } from "../theme.js";
import { rectPaths } from "./rect-paths.js";

export interface TimelineGeometry {
  window: [Nanos, Nanos];
  lanes: Lane[];
  /** Thread id of each lane (-1 for a GIL track). */
  laneThread: number[];
  marginLeft: number;
  marginTop: number;
  plotWidth: number;
  laneHeight: number;
  /** Whether intervals were summed per pixel column. */
  aggregated: boolean;
  /** Intervals inside the window. */
  visible: number;
  x(t: Nanos): number;
  time(px: number): Nanos;
  laneAt(py: number): number;
}

export interface TimelineOptions {
  width: number;
  window: [Nanos, Nanos];
  theme: Theme;
  /** Width in px of a label in the page's font. */
  measure: (text: string) => number;
  /** Visible intervals above which columns are summed; default 1,500 (a few per pixel column). */
  maxIntervals?: number;
}

const MARGIN_TOP = 4;
const MARGIN_BOTTOM = 30;
const LANE_PAD = 0.12;
const HOLD_LABEL_SIZE = 9;
const MARKER_SPACING = 9;

/** `text`, or its end after an ellipsis, whichever fits in `room` px. */
function clipStart(text: string, room: number, measure: (t: string) => number): string {
  if (measure(text) <= room) return text;
  for (let cut = 1; cut < text.length; cut++) {
    const shorter = `\u2026${text.slice(cut)}`;
    if (measure(shorter) <= room) return shorter;
  }
  return text.slice(-3);
}

function laneHeightFor(lanes: number): number {
  return lanes > 40 ? 10 : lanes > 20 ? 14 : 20;
}

export function drawTimeline(
  document: Document,
  trace: Trace,
  options: TimelineOptions,
): { svg: SVGSVGElement; geometry: TimelineGeometry } {
  const { width, window, theme } = options;
  const layout = layoutLanes(trace, null, true);
  const lanes = layout.lanes;
  const laneThread = lanes.map(() => -1);
  layout.threadLane.forEach((lane, thread) => {
    if (lane >= 0) laneThread[lane] = thread;
  });
  const laneHeight = laneHeightFor(lanes.length);
  const height = lanes.length * laneHeight + MARGIN_TOP + MARGIN_BOTTOM;
  // Labels longer than a third of the width keep their end ("...Executor-0_3"): that is what tells threads apart.
  const room = Math.max(60, width / 3);
  const labels = lanes.map((l) => clipStart(l.label, room, options.measure));
  const marginLeft = Math.ceil(Math.max(...labels.map((l) => options.measure(l)))) + 8;
  const axis = timeAxis(window, width - marginLeft, 80);
  const marginRight = Math.ceil(Math.max(10, axis.labelWidth / 2 + 2));
  const plotWidth = Math.max(10, width - marginLeft - marginRight);
  const columns = Math.max(1, Math.round(plotWidth));

  const visible = countVisible(trace.intervals, layout.threadLane, window);
  const aggregated = visible > (options.maxIntervals ?? 1500);
  const buckets = aggregated ? bucketStates(trace.intervals, layout.threadLane, lanes.length, window, columns) : null;
  const rects = buckets ? dominantRects(buckets) : rawRects(trace.intervals, layout.threadLane, window);
  const shownHolds = trace.gil.filter((h) => layout.gilLane.has(h.process));
  const holds = aggregated
    ? bucketHolds(shownHolds, [...layout.gilLane.keys()], window, columns)
    : rawHolds(shownHolds, window);
  const forcedEnds = shownHolds
    .filter((h) => h.reason === "forced")
    .map((h) => ({ lane: layout.gilLane.get(h.process) as number, time: h.end, kind: "forced-switch" as const }));
  const points = thinMarkers(
    [...markerLanes(trace.markers, layout.threadLane), ...forcedEnds],
    window,
    Math.max(1, Math.floor(columns / MARKER_SPACING)),
  );

  const x = axis.value;
  const y = (lane: number, f: number): number => lane + LANE_PAD + f * (1 - 2 * LANE_PAD);
  const gilY = (d: HoldRect, f: number): number => y(layout.gilLane.get(d.process) as number, f);
  const names = new Map(trace.threads.map((t) => [t.id, t.name]));
  const pxPerUnit = plotWidth / (x(window[1]) - x(window[0]) || 1);
  const holdLabels = holds.filter((h) => {
    const name = names.get(h.thread);
    return name !== undefined && (x(h.end) - x(h.start)) * pxPerUnit >= name.length * 5.5 + 6;
  });
  const idle = (d: StateRect): number => (d.state === "idle" ? theme.idleOpacity : 1);
  const svg = Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    style: plotStyle(theme),
    x: { domain: [x(window[0]), x(window[1])] },
    y: { domain: [lanes.length, 0], axis: null },
    color: { type: "identity" },
    opacity: { type: "identity" },
    marks: [
      Plot.rect(lanes, {
        x1: x(window[0]),
        x2: x(window[1]),
        y1: (_, i) => y(i, 0),
        y2: (_, i) => y(i, 1),
        fill: theme.lane,
      }),
      // Drawn as one path per colour, not a <rect> each: the same picture, a fraction of the time.
      rectPaths([
        ...rects.map((d) => ({
          x1: x(d.start),
          x2: x(d.end),
          y1: y(d.lane, d.top),
          y2: y(d.lane, d.bottom),
          fill: STATE_COLORS[d.state],
          opacity: idle(d),
        })),
        ...holds.map((d) => ({
          x1: x(d.start),
          x2: x(d.end),
          y1: gilY(d, 0),
          y2: gilY(d, 1),
          fill: GIL_HOLD_SHADES[d.shade],
          opacity: d.held,
        })),
      ]),
      Plot.text(holdLabels, {
        x: (d: HoldRect) => (x(d.start) + x(d.end)) / 2,
        y: (d: HoldRect) => gilY(d, 0.5),
        text: (d: HoldRect) => names.get(d.thread) ?? "",
        fill: (d: HoldRect) => GIL_HOLD_TEXT[d.shade],
        fontSize: HOLD_LABEL_SIZE,
      }),
      ...MARKER_KINDS.map((kind) => {
        const style = MARKER_STYLE[kind];
        return Plot.dot(
          points.filter((p) => p.kind === kind),
          {
            x: (d: MarkerPoint) => x(d.time),
            y: (d: MarkerPoint) => y(d.lane, 0.5),
            r: laneHeight >= 14 ? 3.6 : 2.6,
            symbol: glyph(style.glyph),
            fill: style.fill,
            stroke: style.stroke,
            strokeWidth: 1,
          },
        );
      }),
      Plot.ruleY(
        lanes.flatMap((lane, i) => (i > 0 && lane.process !== lanes[i - 1]?.process ? [i] : [])),
        { stroke: theme.rule, strokeWidth: 1 },
      ),
      Plot.axisY(
        lanes.map((_, i) => i + 0.5),
        { tickFormat: (v: number) => labels[Math.floor(v)] ?? "", tickSize: 0, label: null },
      ),
      Plot.axisX(axis.ticks, { tickFormat: axis.format, label: axis.label, labelAnchor: "center", labelArrow: "none" }),
    ],
  }) as unknown as SVGSVGElement;
  const span = window[1] - window[0];
  const geometry: TimelineGeometry = {
    window,
    lanes,
    laneThread,
    marginLeft,
    marginTop: MARGIN_TOP,
    plotWidth,
    laneHeight,
    aggregated,
    visible,
    x: (t) => marginLeft + ((t - window[0]) / span) * plotWidth,
    time: (px) => window[0] + ((px - marginLeft) / plotWidth) * span,
    laneAt: (py) => Math.floor((py - MARGIN_TOP) / laneHeight),
  };
  return { svg, geometry };
}
