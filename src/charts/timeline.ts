/**
 * Thread timeline: one lane per thread (grouped by process, each process led by its GIL track),
 * coloured by state over time, with markers for forced switches, drop requests and convoys.
 *
 * Long runs stay readable and cheap: when more than `maxIntervals` intervals fall in the window,
 * they are summed per pixel column before Plot sees them, and each column shows its dominant
 * state (or, with aggregate: "shares", every state stacked by its share). `window` zooms in.
 */
import * as Plot from "@observablehq/plot";
import type { Nanos } from "../engine/time.js";
import { THREAD_STATES, type ThreadState, type Trace } from "../trace/types.js";
import { chartFigure, panel } from "./figure.js";
import { addHatch } from "./hatch.js";
import { swatchLegend } from "./legend.js";
import { boolean, figureText, invalid, oneOf, positiveInteger, positiveNumber, range } from "./options.js";
import { GIL_HOLD_SHADES, GIL_HOLD_TEXT, NOT_STARTED, STATE_COLORS } from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { glyph } from "./symbols.js";
import { ellipsize, textWidth } from "./text-measure.js";
import { AXIS_SIZE, PAD, RULE } from "./theme.js";
import { formatNanos, timeAxis } from "./time-axis.js";
import {
  bucketStates,
  countVisible,
  dominantRects,
  type LaneMap,
  rawRects,
  type StateRect,
  shareRects,
} from "./timeline-aggregate.js";
import { bucketHolds, type HoldRect, type MarkerPoint, markerLanes, rawHolds, thinMarkers } from "./timeline-gil.js";
import { type LaneLayout, layoutLanes } from "./timeline-lanes.js";
import { MARKER_KINDS, MARKER_STYLE, timelineLegend } from "./timeline-legend.js";
import type { Figure, FigureOptions } from "./types.js";

export interface TimelineOptions extends FigureOptions {
  /** [startNs, endNs] to show; default the whole run, [0, trace.end]. */
  window?: [Nanos, Nanos];
  /** "auto" (default): "none" up to maxIntervals visible intervals, "dominant" above. */
  aggregate?: "auto" | "none" | "dominant" | "shares";
  /** Visible intervals above which "auto" aggregates; default 4000. */
  maxIntervals?: number;
  /** Thread ids to show; default all. */
  threads?: number[];
  /** Draw each process's GIL track; default true. */
  gil?: boolean;
  /** Draw forced-switch, drop-request and convoy markers; default true. */
  markers?: boolean;
  /** Lane height in px, used when `height` is not given; default 18. */
  laneHeight?: number;
  /**
   * Legend labels for some states, replacing the defaults: a recorded trace cannot see the GIL, so
   * its "gil" state is better named "running a step (GIL not recorded)".
   */
  stateLabels?: Partial<Record<ThreadState, string>>;
}

type Mode = "none" | "dominant" | "shares";

const MARGIN_TOP = 6;
const MARGIN_BOTTOM = 34;
const LANE_PAD = 0.12;
const LABEL_MAX = 200;
const HOLD_LABEL_SIZE = 9;
/** At most one marker of a kind per this many px of a lane (about a glyph's width). */
const MARKER_SPACING = 9;
const HATCH_ID = "not-started-hatch";
/**
 * A single GIL hold narrower than this many px is drawn this wide, above the white hand-off lines:
 * narrower, a brief hold between two long ones (an IO thread's 50 µs beside a CPU-bound thread)
 * cannot be told from the white line that marks its hand-off.
 */
const BRIEF_HOLD_PX = 3;

export function timelineChart(trace: Trace, options: TimelineOptions = {}): Figure {
  const window = range("window", options.window, [0, Math.max(trace.end, 1)]);
  const aggregate = oneOf("aggregate", options.aggregate, ["auto", "none", "dominant", "shares"] as const, "auto");
  const maxIntervals = positiveInteger("maxIntervals", options.maxIntervals, 4000);
  const showGil = boolean("gil", options.gil, true);
  const showMarkers = boolean("markers", options.markers, true);
  const stateLabels = options.stateLabels ?? {};
  for (const [state, label] of Object.entries(stateLabels)) {
    if (!(THREAD_STATES as readonly string[]).includes(state) || typeof label !== "string" || label.trim() === "") {
      throw invalid(`stateLabels.${state}`, label, `a non-empty label of one of ${THREAD_STATES.join(", ")}`);
    }
  }
  const laneHeight = positiveNumber("laneHeight", options.laneHeight, 18);
  if (options.threads !== undefined && (!Array.isArray(options.threads) || options.threads.length === 0)) {
    throw invalid("threads", options.threads, "a non-empty array of thread ids");
  }
  const layout = layoutLanes(trace, options.threads ? new Set(options.threads) : null, showGil);
  if (layout.lanes.length === 0) throw invalid("threads", options.threads, "ids of threads in the trace");
  const lanes = layout.lanes;

  const visible = countVisible(trace.intervals, layout.threadLane, window);
  const mode: Mode = aggregate === "auto" ? (visible > maxIntervals ? "dominant" : "none") : aggregate;
  const fig = figureText(options, {
    width: 960,
    height: Math.round(lanes.length * laneHeight + MARGIN_TOP + MARGIN_BOTTOM),
    title: `Thread timeline: ${trace.scenario}`,
    subtitle: `seed ${trace.seed}, ${trace.cores} cores; ${formatNanos(window[1] - window[0])} from ${formatNanos(window[0])}`,
    caption: undefined,
  });

  const labels = lanes.map((l) => ellipsize(l.label, LABEL_MAX, AXIS_SIZE));
  const marginLeft = Math.ceil(Math.max(...labels.map((l) => textWidth(l, AXIS_SIZE)))) + 10;
  const plotWidth = fig.width - 2 * PAD;
  const axis = timeAxis(window, plotWidth - marginLeft);
  const marginRight = Math.ceil(Math.max(12, axis.labelWidth / 2 + 2));
  const columns = Math.max(1, Math.round(plotWidth - marginLeft - marginRight));
  const laneInner = ((fig.height - MARGIN_TOP - MARGIN_BOTTOM) / lanes.length) * (1 - 2 * LANE_PAD);
  const data = reduceTrace(trace, layout, window, mode, columns, laneInner, { gil: showGil, markers: showMarkers });

  const x = axis.value;
  const pxPerUnit = columns / (x(window[1]) - x(window[0]));
  const y = (lane: number, f: number): number => lane + LANE_PAD + f * (1 - 2 * LANE_PAD);
  const narrow = (d: { start: Nanos; end: Nanos }): boolean => (x(d.end) - x(d.start)) * pxPerUnit < SEEN_PX;
  const briefHold = (d: { start: Nanos; end: Nanos }): boolean =>
    mode === "none" && (x(d.end) - x(d.start)) * pxPerUnit < BRIEF_HOLD_PX;
  if (options.caption === undefined) {
    fig.caption = defaultCaption(mode, visible, window, showGil && trace.gil.length > 0, {
      intervals: data.rects.filter(narrow).length,
      holds: data.holds.length,
      briefHolds: data.holds.filter(briefHold).length,
    });
  }
  const gilY = (d: HoldRect, f: number): number => y(layout.gilLane.get(d.process) as number, f);
  const names = new Map(trace.threads.map((t) => [t.id, t.name]));
  // Each hold wide enough names its holder, shortened with an ellipsis when the whole name does not
  // fit (a 5.1 ms hold beside 6.2 ms ones would otherwise go unnamed), if three characters do.
  // Shortened names all keep the same head. When one thread holds the GIL throughout the window, a
  // shortened name tells nothing the whole one does not: only holds wide enough for it are named.
  const single = new Set(data.holds.map((h) => h.thread)).size === 1;
  const fitted = data.holds.flatMap((h) => {
    const name = names.get(h.thread);
    const text = name === undefined ? null : shortLabel(name, (x(h.end) - x(h.start)) * pxPerUnit - 6);
    return text === null || (single && text !== name) ? [] : [{ ...h, label: text, whole: text === name }];
  });
  // The head kept before the ellipsis: the shortest that any shortened hold of a family of names
  // (the name without its numbered tail) needs, so "Threa…0_0" never stands beside "Thread…0_1".
  const parts = new Map(trace.threads.map((t) => [t.id, nameParts(t.name)]));
  const familyOf = (thread: number): string => (parts.get(thread) as ReturnType<typeof nameParts>).head.join("");
  const heads = new Map<string, number>();
  for (const h of fitted) {
    if (h.whole) continue;
    const family = familyOf(h.thread);
    heads.set(family, Math.min(heads.get(family) ?? Number.POSITIVE_INFINITY, h.label.indexOf("…")));
  }
  const holdLabels = fitted.map(({ whole, ...h }) => {
    if (whole) return h;
    const head = (parts.get(h.thread) as ReturnType<typeof nameParts>).head;
    const keep = heads.get(familyOf(h.thread)) as number;
    return { ...h, label: `${head.slice(0, keep).join("")}${h.label.slice(h.label.indexOf("…"))}` };
  });
  // Holds are drawn at their true width, except that a hold narrower than BRIEF_HOLD_PX is drawn
  // that wide from its start, in its holder's shade: at true width it would vanish, and with it the
  // shade flip (and the hand-off) the legend promises. It may overstate a brief hold by up to that
  // many pixels; the caption says so.
  const minWidth = BRIEF_HOLD_PX / pxPerUnit;
  const holdX = (d: HoldRect): [number, number] => {
    const a = x(d.start);
    const b = x(d.end);
    return mode === "none" && b - a < minWidth ? [a, a + minWidth] : [a, b];
  };
  const handoffs = data.holds.filter((d) => d.handoff);
  const brief = (d: HoldRect): boolean => briefHold(d);
  const holdRects = (holds: HoldRect[]) =>
    Plot.rect(holds, {
      x1: (d: HoldRect) => holdX(d)[0],
      x2: (d: HoldRect) => holdX(d)[1],
      y1: (d: HoldRect) => gilY(d, 0),
      y2: (d: HoldRect) => gilY(d, 1),
      fill: (d: HoldRect) => GIL_HOLD_SHADES[d.shade],
      fillOpacity: (d: HoldRect) => d.held,
      shapeRendering: "crispEdges",
    });
  const gilLanes = new Set(layout.gilLane.values());
  const marks: Plot.Markish[] = [
    // Lanes of threads not running (before they start, after they end) show the hatching; states paint over it.
    Plot.rect(lanes, {
      x1: x(window[0]),
      x2: x(window[1]),
      y1: (_, i) => y(i, 0),
      y2: (_, i) => y(i, 1),
      fill: (lane: (typeof lanes)[number]) => (lane.kind === "gil" ? "#f4f4f4" : `url(#${HATCH_ID})`),
    }),
    Plot.rect(data.rects, {
      x1: (d: StateRect) => x(d.start),
      x2: (d: StateRect) => x(d.end),
      y1: (d: StateRect) => y(d.lane, d.top),
      y2: (d: StateRect) => y(d.lane, d.bottom),
      fill: (d: StateRect) => STATE_COLORS[d.state],
      shapeRendering: "crispEdges",
    }),
    holdRects(data.holds.filter((d) => !brief(d))),
    Plot.ruleX(handoffs, {
      x: (d: HoldRect) => holdX(d)[0],
      y1: (d: HoldRect) => gilY(d, 0),
      y2: (d: HoldRect) => gilY(d, 1),
      stroke: "#ffffff",
      strokeWidth: 1,
    }),
    // Brief holds go over the white hand-off lines, which would otherwise cover them.
    holdRects(data.holds.filter(brief)),
    Plot.text(holdLabels, {
      x: (d: HoldRect) => (x(d.start) + x(d.end)) / 2,
      y: (d: HoldRect) => gilY(d, 0.5),
      text: (d: HoldRect & { label: string }) => d.label,
      fill: (d: HoldRect) => GIL_HOLD_TEXT[d.shade],
      fontSize: HOLD_LABEL_SIZE,
    }),
    ...MARKER_KINDS.map((kind) => {
      const style = MARKER_STYLE[kind];
      return Plot.dot(
        data.points.filter((p) => p.kind === kind),
        {
          x: (d: MarkerPoint) => x(d.time),
          // Dense markers (a few px apart all along a lane) go smaller, on the lane's top edge, so its colours still show.
          // On a GIL track a marker sits on the top edge, so the brief hold it marks stays in view below it.
          y: (d: MarkerPoint) => y(d.lane, data.denseMarkers || gilLanes.has(d.lane) ? 0 : 0.5),
          r: data.denseMarkers ? 2.6 : 3.6,
          symbol: glyph(style.glyph),
          fill: style.fill,
          stroke: style.stroke,
          strokeWidth: 1,
        },
      );
    }),
    // A rule between processes.
    Plot.ruleY(
      lanes.flatMap((lane, i) => (i > 0 && lane.process !== lanes[i - 1]?.process ? [i] : [])),
      { stroke: RULE, strokeWidth: 1 },
    ),
    Plot.axisY(
      lanes.map((_, i) => i + 0.5),
      { tickFormat: (v: number) => labels[Math.floor(v)] ?? "", tickSize: 0, label: null },
    ),
    Plot.axisX(axis.ticks, { tickFormat: axis.format, label: axis.label, labelAnchor: "center", labelArrow: "none" }),
  ];

  const context = createRenderContext();
  const plot = plotSvg(context, {
    width: plotWidth,
    height: fig.height,
    marginLeft,
    marginRight,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    x: { domain: [x(window[0]), x(window[1])] },
    y: { domain: [lanes.length, 0], axis: null },
    color: { type: "identity" },
    opacity: { type: "identity" },
    marks,
  });
  addHatch(context, plot, { id: HATCH_ID, size: 6, background: NOT_STARTED.fill, stroke: NOT_STARTED.hatch });
  const legend = swatchLegend(
    context,
    timelineLegend(
      mode !== "none",
      data,
      hasGaps(trace, layout.threadLane, window),
      stateLabels,
      statesDrawn(
        data.rects,
        (d) => (x(d.end) - x(d.start)) * pxPerUnit * (d.bottom - d.top),
        (d) => !narrow(d),
      ),
    ),
    plotWidth,
  );
  return chartFigure(context, fig, legend, [[panel(plot, plotWidth, fig.height)]]);
}

/**
 * The thread states the figure shows: those with a rectangle a reader sees (SEEN_PX or wider, a
 * stacked share counting by its part of the lane's height), or drawn a pixel wide in all on some
 * lane. A state in the window only as slivers narrower than SEEN_PX cannot be seen, so the legend
 * does not name it, however many there are. `width` is a rectangle's width in px times
 * its share of the lane's height; `wide`, whether it is at least SEEN_PX wide.
 */
function statesDrawn(
  rects: readonly StateRect[],
  width: (d: StateRect) => number,
  wide: (d: StateRect) => boolean,
): Set<ThreadState> {
  const total = new Map<string, number>();
  const out = new Set<ThreadState>();
  for (const d of rects) {
    // Slivers too narrow to see do not add up to something seen, however many there are.
    if (!wide(d)) continue;
    // One sliver a reader sees is enough; a stacked share counts by its part of the lane.
    if (width(d) >= SEEN_PX) {
      out.add(d.state);
      continue;
    }
    const key = `${d.lane}:${d.state}`;
    const sum = (total.get(key) ?? 0) + width(d);
    total.set(key, sum);
    if (sum >= 1) out.add(d.state);
  }
  return out;
}

/** Whether some shown thread lane is not covered by its intervals over the whole window. */
function hasGaps(trace: Trace, threadLane: LaneMap, window: [Nanos, Nanos]): boolean {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const iv of trace.intervals) {
    if ((threadLane[iv.thread] ?? -1) < 0) continue;
    first.set(iv.thread, Math.min(first.get(iv.thread) ?? Infinity, iv.start));
    last.set(iv.thread, Math.max(last.get(iv.thread) ?? -Infinity, iv.end));
  }
  return trace.threads.some((t) => {
    if ((threadLane[t.id] ?? -1) < 0) return false;
    const a = first.get(t.id);
    const b = last.get(t.id);
    return a === undefined || b === undefined || a > window[0] || b < window[1];
  });
}

interface Reduced {
  rects: StateRect[];
  holds: HoldRect[];
  points: MarkerPoint[];
  /** Some lane has markers every few px on average: they would pave it over at full size. */
  denseMarkers: boolean;
}

/** What the timeline draws, reduced to at most a few rectangles per pixel column. */
function reduceTrace(
  trace: Trace,
  layout: LaneLayout,
  window: [Nanos, Nanos],
  mode: Mode,
  columns: number,
  laneInner: number,
  show: { gil: boolean; markers: boolean },
): Reduced {
  const { lanes, threadLane, gilLane } = layout;
  const buckets = mode === "none" ? null : bucketStates(trace.intervals, threadLane, lanes.length, window, columns);
  const rects =
    buckets === null
      ? rawRects(trace.intervals, threadLane, window)
      : mode === "dominant"
        ? dominantRects(buckets)
        : shareRects(buckets, Math.max(2, Math.round(laneInner)));
  const shownHolds = show.gil ? trace.gil.filter((h) => gilLane.has(h.process)) : [];
  const holds =
    mode === "none" ? rawHolds(shownHolds, window) : bucketHolds(shownHolds, [...gilLane.keys()], window, columns);
  const forcedEnds = shownHolds
    .filter((h) => h.reason === "forced")
    .map((h) => ({ lane: gilLane.get(h.process) as number, time: h.end, kind: "forced-switch" as const }));
  const candidates = show.markers ? [...markerLanes(trace.markers, threadLane), ...forcedEnds] : [];
  const points = thinMarkers(candidates, window, Math.max(1, Math.floor(columns / MARKER_SPACING)));
  const perLane = new Map<number, number>();
  for (const p of points) perLane.set(p.lane, (perLane.get(p.lane) ?? 0) + 1);
  const denseMarkers = Math.max(0, ...perLane.values()) > columns / (3 * MARKER_SPACING);
  return { rects, holds, points, denseMarkers };
}

/**
 * The narrowest rectangle a reader sees: a quarter of a pixel, a faint hairline on screen and a
 * half-pixel line in the 2x PNG. Narrower ones are counted as unseen in the caption; one as wide
 * or wider puts its state in the legend (a sliver the legend does not name reads as a mistake).
 */
const SEEN_PX = 0.25;

/**
 * The caption, counting what is visible: `narrow.intervals` of the drawn intervals and
 * `narrow.briefHolds` of the `narrow.holds` GIL holds are narrower than BRIEF_HOLD_PX (single holds only).
 */
function defaultCaption(
  mode: Mode,
  visible: number,
  window: [Nanos, Nanos],
  gilTrack: boolean,
  narrow: { intervals: number; holds: number; briefHolds: number },
): string {
  const lanes = "Each lane is one thread; its colour shows what the thread does over time.";
  const base = gilTrack ? `${lanes} The GIL track above each process's threads shows who holds its GIL.` : lanes;
  const count = visible.toLocaleString("en-US");
  if (mode === "none") {
    const n = (k: number) => k.toLocaleString("en-US");
    const states =
      narrow.intervals === 0
        ? `All ${count} intervals in the window are drawn.`
        : `The ${count} intervals in the window are drawn at their true width; ${n(narrow.intervals)} of them, narrower than a quarter of a pixel, cannot be seen.`;
    const holds =
      gilTrack && narrow.briefHolds > 0
        ? ` ${n(narrow.holds)} GIL holds, ${n(narrow.briefHolds)} narrower than ${BRIEF_HOLD_PX} px: those are drawn ${BRIEF_HOLD_PX} px wide in their holder's shade, so each hand-off shows.`
        : "";
    return `${base} ${states}${holds}`;
  }
  const how = mode === "dominant" ? "the state it spent most time in" : "its states stacked by their share of its time";
  return `${base} ${count} intervals in ${formatNanos(window[1] - window[0])}: each pixel column shows ${how}; zoom with the window option to see single intervals.`;
}

/** A thread's name as the characters before its numbered tail ("0_1" of "ThreadPoolExecutor-0_1"), and that tail. */
function nameParts(name: string): { head: string[]; tail: string } {
  const tail = /[-_ ]([^-_ ]*\d[^-]*)$/.exec(name)?.[1] ?? /-(\S*\d\S*)$/.exec(name)?.[1] ?? "";
  return { head: Array.from(name.slice(0, name.length - tail.length)), tail };
}

/**
 * A thread's name in `room` px of a GIL hold: whole if it fits; else shortened with an ellipsis,
 * keeping a numbered tail ("ThreadPoolExecutor-0_1" as "Thr…0_1", or "…0_1" in less room, so two
 * workers stay apart) and at least two characters; null when nothing that short fits.
 */
function shortLabel(name: string, room: number): string | null {
  if (textWidth(name, HOLD_LABEL_SIZE) <= room) return name;
  const { head, tail } = nameParts(name);
  for (let keep = head.length - 1; keep >= (tail.length >= 2 ? 0 : 1); keep--) {
    const text = `${head.slice(0, keep).join("")}…${tail}`;
    if (keep + tail.length >= 2 && textWidth(text, HOLD_LABEL_SIZE) <= room) return text;
  }
  return null;
}
