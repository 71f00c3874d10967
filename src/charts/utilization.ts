/**
 * Utilization: one horizontal bar per thread, split into the shares of the measured window the
 * thread spent in each state (they add up to 100%, or less for a thread that started or ended
 * inside the window: the rest is drawn hatched, "not started / ended"). Running with the GIL and without it show
 * where CPU went; the "waiting for GIL" segment is the GIL wait. Segments wide enough carry their
 * percentage.
 */
import * as Plot from "@observablehq/plot";
import type { ThreadUsage } from "../metrics/types.js";
import { THREAD_STATES, type ThreadState } from "../trace/types.js";
import { chartFigure, panel } from "./figure.js";
import { addHatch } from "./hatch.js";
import { swatchLegend } from "./legend.js";
import { figureText, invalid, oneOf } from "./options.js";
import { NOT_STARTED, STATE_COLORS, STATE_LABELS, STATE_TEXT } from "./palette.js";
import { createRenderContext, plotSvg } from "./render.js";
import { ellipsize, textWidth } from "./text-measure.js";
import { AXIS_SIZE, GRID, PAD } from "./theme.js";
import type { Figure, FigureOptions } from "./types.js";

export interface UtilizationOptions extends FigureOptions {
  /** Bar order: "input" (default), "busy" (most CPU first) or "wait-gil" (most GIL wait first). */
  sort?: "input" | "busy" | "wait-gil";
}

interface Segment {
  row: string;
  /** "absent": the part of the window before the thread started or after it ended. */
  state: ThreadState | "absent";
  x1: number;
  x2: number;
}

const BAR_HEIGHT = 24;
const MARGIN_TOP = 8;
const MARGIN_BOTTOM = 36;
const MARGIN_RIGHT = 16;
const LABEL_MAX = 220;
const HATCH_ID = "absent-hatch";

function checkShares(threads: readonly ThreadUsage[]): void {
  if (!Array.isArray(threads) || threads.length === 0)
    throw invalid("threads", threads, "a non-empty array of ThreadUsage");
  threads.forEach((t, i) => {
    let sum = 0;
    for (const s of THREAD_STATES) {
      const v = t.share?.[s];
      if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
        throw invalid(`threads[${i}].share.${s}`, v, "a share between 0 and 1");
      }
      sum += v;
    }
    if (sum > 1 + 1e-6)
      throw invalid(`threads[${i}].share (sum)`, sum, "shares adding up to 1, or less for a thread started late");
  });
}

export function utilizationChart(threads: readonly ThreadUsage[], options: UtilizationOptions = {}): Figure {
  checkShares(threads);
  const sort = oneOf("sort", options.sort, ["input", "busy", "wait-gil"] as const, "input");
  const ordered = [...threads];
  if (sort === "busy") ordered.sort((a, b) => b.share.gil + b.share.nogil - (a.share.gil + a.share.nogil));
  if (sort === "wait-gil") ordered.sort((a, b) => b.share["wait-gil"] - a.share["wait-gil"]);
  const uses = new Map<string, number>();
  for (const t of ordered) uses.set(t.name, (uses.get(t.name) ?? 0) + 1);
  const rows = ordered.map((t) =>
    ellipsize((uses.get(t.name) ?? 0) > 1 ? `${t.name} (process ${t.process})` : t.name, LABEL_MAX, AXIS_SIZE),
  );
  const gilWait = threads.reduce((s, t) => s + t.share["wait-gil"], 0) / threads.length;
  const fig = figureText(options, {
    width: 800,
    height: Math.round(ordered.length * BAR_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM),
    title: "Thread utilization and GIL wait",
    subtitle: `${threads.length} threads; mean GIL wait ${(gilWait * 100).toFixed(1)}% of thread time`,
    caption:
      "Each bar is one thread over the measured window; its segments are the shares of time spent in each state and add up to 100%. Running with or without the GIL is CPU use; waiting for the GIL is time lost to the lock.",
  });

  const segments: Segment[] = [];
  ordered.forEach((t, i) => {
    let x = 0;
    for (const state of THREAD_STATES) {
      const share = t.share[state] * 100;
      if (share <= 0) continue;
      segments.push({ row: rows[i] as string, state, x1: x, x2: x + share });
      x += share;
    }
    if (x < 100 - 1e-4) segments.push({ row: rows[i] as string, state: "absent", x1: x, x2: 100 });
  });
  const plotWidth = fig.width - 2 * PAD;
  const marginLeft = Math.ceil(Math.max(...rows.map((r) => textWidth(r, AXIS_SIZE)))) + 12;
  const pxPerPercent = (plotWidth - marginLeft - MARGIN_RIGHT) / 100;
  // The legend lists a state only where some bar shows it at least a pixel wide: a state at 0.02%
  // of the window is drawn under its white outline and cannot be seen, so it is not named.
  const seen = new Set(segments.filter((s) => (s.x2 - s.x1) * pxPerPercent >= 1).map((s) => s.state));
  const absent = seen.has("absent");
  const percent = (s: Segment): string => `${Math.round(s.x2 - s.x1)}%`;
  const labelled = segments.filter(
    (s) => s.state !== "absent" && (s.x2 - s.x1) * pxPerPercent >= textWidth(percent(s), AXIS_SIZE) + 6,
  );
  const ticks = [0, 20, 40, 60, 80, 100];
  const context = createRenderContext();
  const plot = plotSvg(context, {
    width: plotWidth,
    height: fig.height,
    marginLeft,
    marginRight: MARGIN_RIGHT,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    x: { domain: [0, 100] },
    y: { domain: rows, padding: 0.25, axis: null },
    color: { type: "identity" },
    marks: [
      Plot.gridX(ticks, { stroke: GRID, strokeOpacity: 1 }),
      Plot.barX(segments, {
        x1: "x1",
        x2: "x2",
        y: "row",
        fill: (s: Segment) => (s.state === "absent" ? `url(#${HATCH_ID})` : STATE_COLORS[s.state]),
        stroke: "#ffffff",
        strokeWidth: 0.5,
      }),
      Plot.text(labelled, {
        x: (s: Segment) => (s.x1 + s.x2) / 2,
        y: "row",
        text: percent,
        fill: (s: Segment) => STATE_TEXT[s.state as ThreadState],
      }),
      Plot.axisY({ tickSize: 0, label: null }),
      Plot.axisX(ticks, { label: "share of the measured window (%)", labelAnchor: "center", labelArrow: "none" }),
    ],
  });
  // The pattern whenever a bar uses it, even one too thin to be named in the legend.
  if (segments.some((s) => s.state === "absent"))
    addHatch(context, plot, { id: HATCH_ID, size: 6, background: NOT_STARTED.fill, stroke: NOT_STARTED.hatch });
  const legend = swatchLegend(
    context,
    [
      {
        title: "Thread state",
        items: [
          ...THREAD_STATES.filter((s) => seen.has(s)).map((s) => ({
            kind: "box" as const,
            label: STATE_LABELS[s],
            fill: STATE_COLORS[s],
          })),
          ...(absent
            ? [{ kind: "box" as const, label: NOT_STARTED.label, fill: NOT_STARTED.fill, hatch: NOT_STARTED.hatch }]
            : []),
        ],
      },
    ],
    plotWidth,
  );
  return chartFigure(context, fig, legend, [[panel(plot, plotWidth, fig.height)]]);
}
