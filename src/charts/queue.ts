/**
 * Queue and loop lag over time, two panels on one time axis. Top: tasks waiting to start stacked
 * on tasks running, as steps (the counts change at events). Bottom (when lag samples are given):
 * event-loop lag, how late ready callbacks ran, one line per loop.
 */
import * as Plot from "@observablehq/plot";
import type { Nanos } from "../engine/time.js";
import type { QueuePoint } from "../metrics/types.js";
import { axisYMarks, linearAxis } from "./axis.js";
import { chartFigure, panel } from "./figure.js";
import { swatchLegend } from "./legend.js";
import { figureText, invalid, range } from "./options.js";
import { seriesColor, TASK_COLORS } from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { thinSeries } from "./series-thin.js";
import { GRID, INK, PAD } from "./theme.js";
import { formatNanos, timeAxis, timeUnitFor } from "./time-axis.js";
import type { Figure, FigureOptions } from "./types.js";

export interface LagPoint {
  time: Nanos;
  /** How late a callback ran compared with when it became ready, in ns. */
  lag: Nanos;
  /** Process of the loop; lines are drawn per process. Default 0. */
  process?: number;
}

export interface QueueData {
  queue: readonly QueuePoint[];
  lag?: readonly LagPoint[];
  /**
   * The width of the buckets the lag samples stand for (each the worst lag of its bucket, timed
   * at its start). Default: the smallest spacing between two samples, at least 1 ms.
   */
  lagBucket?: Nanos;
}

const MARGIN_TOP = 22;
const MARGIN_BOTTOM = 36;
const MARGIN_RIGHT = 16;
const RUNNING = TASK_COLORS.running;
const WAITING = TASK_COLORS.waiting;

function check(data: QueueData): void {
  if (!Array.isArray(data?.queue) || data.queue.length === 0)
    throw invalid("queue", data?.queue, "a non-empty array of QueuePoint");
  data.queue.forEach((p, i) => {
    if (![p.time, p.waiting, p.running].every(Number.isFinite) || p.waiting < 0 || p.running < 0) {
      throw invalid(`queue[${i}]`, `${p.time}, ${p.waiting}, ${p.running}`, "a finite time and counts >= 0");
    }
    if (i > 0 && p.time < (data.queue[i - 1] as QueuePoint).time)
      throw invalid(`queue[${i}].time`, p.time, "times in order");
  });
  (data.lag ?? []).forEach((p, i) => {
    if (!Number.isFinite(p.time) || !Number.isFinite(p.lag) || p.lag < 0)
      throw invalid(`lag[${i}].lag`, p.lag, "a finite lag >= 0");
  });
  if (data.lagBucket !== undefined && !(Number.isFinite(data.lagBucket) && data.lagBucket > 0))
    throw invalid("lagBucket", data.lagBucket, "a positive duration in ns");
}

export interface QueueOptions extends FigureOptions {
  /** [startNs, endNs] shown by both panels; default from the first to the last sample of either series. */
  window?: [Nanos, Nanos];
  /** Intervals to shade behind both panels, e.g. when a background job ran, with their legend label. */
  shade?: { label: string; intervals: readonly [Nanos, Nanos][] };
}

const SHADE = "#e4e4e4";

/** The samples inside `window`, led by the last one before it (a step series holds that value into the window). */
function within<T extends { time: Nanos }>(series: readonly T[], window: [Nanos, Nanos]): T[] {
  const before = series.filter((p) => p.time < window[0]).at(-1);
  const inside = series.filter((p) => p.time >= window[0] && p.time <= window[1]);
  return before ? [{ ...before, time: window[0] }, ...inside] : inside;
}

export function queueChart(data: QueueData, options: QueueOptions = {}): Figure {
  check(data);
  const times = [...data.queue.map((p) => p.time), ...(data.lag ?? []).map((p) => p.time)];
  const window = range("window", options.window, [
    Math.min(...times),
    Math.max(Math.max(...times), Math.min(...times) + 1),
  ]);
  const queueData = within(data.queue, window);
  if (queueData.length === 0) throw invalid("window", options.window, "a window holding some of the queue series");
  // The lag samples' bucket width, from the whole series (an excerpt may be too sparse to tell);
  // a bucket that starts before the window but reaches into it is kept.
  const bucket = data.lagBucket ?? inferredBucket(data.lag ?? []);
  data = {
    queue: queueData,
    lag: (data.lag ?? []).filter((p) => p.time + bucket > window[0] && p.time <= window[1]),
    lagBucket: bucket,
  };
  const lag = data.lag ?? [];
  const peak = Math.max(...data.queue.map((p) => p.waiting + p.running));
  const fig = figureText(options, {
    width: 960,
    height: lag.length > 0 ? 420 : 240,
    title: lag.length > 0 ? "Queue length and loop lag over time" : "Queue length over time",
    subtitle: `${formatNanos(window[1] - window[0])}; at most ${peak} tasks in the system`,
    caption: `Top: tasks that arrived and have not started (waiting), stacked on tasks started and not finished (running).${lag.length > 0 ? " Bottom: event-loop lag, how long ready callbacks waited for the loop: each bar is the longest wait of a callback that ran in its stretch of time; no bar, no callback ran. Where stretches outnumber pixels, each pixel keeps the longest wait." : ""}`,
  });
  const plotWidth = fig.width - 2 * PAD;
  const queueHeight = lag.length > 0 ? Math.round(fig.height * 0.55) : fig.height;
  const lagHeight = fig.height - queueHeight;
  const probe = timeAxis(window, plotWidth - 60);
  const queueAxis = linearAxis([0, peak], { zero: true, count: Math.max(3, Math.floor(queueHeight / 45)) });
  const lagUnit = timeUnitFor(Math.max(1, ...lag.map((p) => p.lag)));
  const lagAxis = linearAxis([0, Math.max(...lag.map((p) => p.lag / lagUnit.divisor), 0)], {
    zero: true,
    count: Math.max(3, Math.floor(lagHeight / 45)),
  });
  // Both panels share the left margin so their time axes line up.
  const marginLeft = Math.ceil(Math.max(queueAxis.labelWidth, lag.length > 0 ? lagAxis.labelWidth : 0)) + 14;
  const marginRight = Math.ceil(Math.max(MARGIN_RIGHT, probe.labelWidth / 2 + 2));
  const columns = Math.max(1, Math.round(plotWidth - marginLeft - marginRight));
  const axis = timeAxis(window, columns);
  const x = axis.value;
  // The time axis is labelled once, under the bottom panel.
  const timeMarks = (labelled: boolean): Plot.Markish[] => [
    Plot.axisX(axis.ticks, {
      tickFormat: axis.format,
      label: labelled ? axis.label : null,
      labelAnchor: "center",
      labelArrow: "none",
    }),
  ];
  const frame = { width: plotWidth, marginLeft, marginRight, marginTop: MARGIN_TOP, marginBottom: MARGIN_BOTTOM };
  const xScale = { domain: [x(window[0]), x(window[1])] };

  const shaded = (options.shade?.intervals ?? [])
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b > window[0] && a < window[1])
    .map(([a, b]) => ({ a: Math.max(a, window[0]), b: Math.min(b, window[1]) }));
  const shadeMarks = (): Plot.Markish[] =>
    shaded.length === 0
      ? []
      : [
          Plot.rect(shaded, {
            x1: (d: { a: Nanos }) => x(d.a),
            x2: (d: { b: Nanos }) => x(d.b),
            fill: SHADE,
          }),
        ];
  const context = createRenderContext();
  const queue = thinSeries(data.queue, (p) => p.waiting + p.running, window, columns);
  const queuePlot = plotSvg(context, {
    ...frame,
    marginBottom: lag.length > 0 ? 24 : MARGIN_BOTTOM,
    height: queueHeight,
    x: xScale,
    y: { domain: queueAxis.domain },
    marks: [
      ...shadeMarks(),
      Plot.gridY(queueAxis.ticks, { stroke: GRID, strokeOpacity: 1 }),
      Plot.areaY(queue, { x: (p: QueuePoint) => x(p.time), y1: 0, y2: "running", curve: "step-after", fill: RUNNING }),
      Plot.areaY(queue, {
        x: (p: QueuePoint) => x(p.time),
        y1: "running",
        y2: (p: QueuePoint) => p.running + p.waiting,
        curve: "step-after",
        fill: WAITING,
      }),
      ...axisYMarks(queueAxis, "tasks in the system (count)"),
      ...timeMarks(lag.length === 0),
      Plot.ruleY([0]),
    ],
  });
  const panels = [[panel(queuePlot, plotWidth, queueHeight)]];
  const processes = [...new Set(lag.map((p) => p.process ?? 0))].sort((a, b) => a - b);
  if (lag.length > 0) {
    // Each sample is the longest wait of the callbacks that ran in one bucket of the series (the
    // metrics keep the worst lag per bucket, the bucket's start as its time): drawn as a bar over
    // that bucket, so an empty bucket (no callback ran) stays empty. A line through the samples
    // would draw a spike as a ramp as wide as the gap to the sample before it.
    // At least a pixel wide: a bucket narrower than a pixel would otherwise vanish (crisp edges).
    const onePx = (x(window[1]) - x(window[0])) / columns;
    const lines = processes.map((process, i) => {
      const series = thinSeries(
        lag.filter((p) => (p.process ?? 0) === process).sort((a, b) => a.time - b.time),
        (p) => p.lag,
        window,
        columns,
      );
      return Plot.rect(series, {
        // Inside the window: a bucket reaching in from the left starts at its edge, one at its very
        // end is drawn a pixel wide just inside it.
        x1: (p: LagPoint) => Math.min(x(Math.max(window[0], p.time)), x(window[1]) - onePx),
        x2: (p: LagPoint) => Math.max(x(Math.min(window[1], p.time + bucket)), x(p.time) + onePx),
        y1: 0,
        y2: (p: LagPoint) => p.lag / lagUnit.divisor,
        // One loop: ink, no executor's colour (its design's colour belongs to other figures); several:
        // a colour each, named in the legend.
        fill: processes.length > 1 ? seriesColor(i) : INK,
        fillOpacity: processes.length > 1 ? 0.7 : 1,
        shapeRendering: "crispEdges",
        clip: true,
      });
    });
    const lagPlot = plotSvg(context, {
      ...frame,
      height: lagHeight,
      x: xScale,
      y: { domain: lagAxis.domain },
      marks: [
        ...shadeMarks(),
        Plot.gridY(lagAxis.ticks, { stroke: GRID, strokeOpacity: 1 }),
        ...lines,
        ...axisYMarks(lagAxis, `loop lag (${lagUnit.label})`),
        ...timeMarks(true),
        Plot.ruleY([0]),
      ],
    });
    panels.push([panel(lagPlot, plotWidth, lagHeight)]);
  }
  const legend = swatchLegend(
    context,
    [
      {
        title: "Tasks",
        items: [
          { kind: "box", label: "waiting to start", fill: WAITING },
          { kind: "box", label: "running", fill: RUNNING },
        ],
      },
      ...(shaded.length > 0 && options.shade
        ? [{ title: "Shaded", items: [{ kind: "box" as const, label: options.shade.label, fill: SHADE }] }]
        : []),
      {
        title: "Loop lag",
        items:
          processes.length > 1
            ? processes.map((p, i) => ({
                kind: "box" as const,
                label: `loop of process ${p}`,
                fill: seriesColor(i),
                opacity: 0.7,
              }))
            : [],
      },
    ],
    plotWidth,
  );
  return chartFigure(context, fig, legend, panels);
}

/** The lag series' bucket width, as the smallest spacing of its samples (at least 1 ms, the metrics' finest). */
function inferredBucket(lag: readonly LagPoint[]): Nanos {
  const times = [...new Set(lag.map((p) => p.time))].sort((a, b) => a - b);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) min = Math.min(min, (times[i] as number) - (times[i - 1] as number));
  return Number.isFinite(min) ? Math.max(1_000_000, min) : 1_000_000;
}
