/**
 * Scaling: throughput and a latency quantile against the number of workers, one line per executor
 * kind, side by side. Each point can carry a confidence interval (drawn as a whisker); series
 * at the same worker count are nudged apart a few px so whiskers do not hide each other.
 */
import * as Plot from "@observablehq/plot";
import { type Axis, linearAxis } from "./axis.js";
import { type Estimate, type Resolved, resolveEstimate } from "./estimate.js";
import { chartFigure, panel } from "./figure.js";
import { swatchLegend } from "./legend.js";
import { figureText, invalid, oneOf, optionalText } from "./options.js";
import { EXECUTOR_KINDS, EXECUTOR_STYLES, type ExecutorKind } from "./palette.js";
import { createRenderContext, plotSvg, type RenderContext } from "./render.js";
import { glyph } from "./symbols.js";
import { GAP, GRID, PAD } from "./theme.js";
import { timeUnitFor } from "./time-axis.js";
import type { Figure, FigureOptions } from "./types.js";

export interface ScalingPoint {
  executor: ExecutorKind;
  /** Pool size (threads or processes); 1 for sync and a single loop. */
  workers: number;
  /** Tasks per second. */
  throughput: Estimate;
  /** The latency quantile named by the `quantile` option, in ns. */
  latency: Estimate;
}

export interface ScalingOptions extends FigureOptions {
  /** Name of the latency quantile shown, for labels; default "p99". */
  quantile?: string;
  /** Worker axis: "log" (base 2, default) or "linear". */
  workersScale?: "log" | "linear";
}

interface Row {
  executor: ExecutorKind;
  workers: number;
  value: Resolved;
}

const MARGIN_TOP = 24;
const MARGIN_BOTTOM = 36;
const MARGIN_RIGHT = 14;
const DODGE = 4;

function checkPoints(points: readonly ScalingPoint[]): void {
  if (!Array.isArray(points) || points.length === 0)
    throw invalid("points", points, "a non-empty array of ScalingPoint");
  points.forEach((p, i) => {
    if (!EXECUTOR_KINDS.includes(p.executor)) {
      throw invalid(`points[${i}].executor`, p.executor, `one of ${EXECUTOR_KINDS.join(", ")}`);
    }
    if (!Number.isSafeInteger(p.workers) || p.workers <= 0) {
      throw invalid(`points[${i}].workers`, p.workers, "a positive integer");
    }
  });
}

export function scalingChart(points: readonly ScalingPoint[], options: ScalingOptions = {}): Figure {
  checkPoints(points);
  const quantile = optionalText("quantile", options.quantile, "p99") ?? "p99";
  const workersScale = oneOf("workersScale", options.workersScale, ["log", "linear"] as const, "log");
  const kinds = EXECUTOR_KINDS.filter((k) => points.some((p) => p.executor === k));
  const fig = figureText(options, {
    width: 960,
    height: 320,
    title: `Throughput and ${quantile} latency against workers`,
    subtitle: undefined,
    caption: `One line per executor kind. Left: completed tasks per second (higher is better). Right: ${quantile} latency from arrival to completion (lower is better).${points.some((p) => typeof p.throughput !== "number" || typeof p.latency !== "number") ? " Whiskers show confidence intervals over replications." : ""}`,
  });
  const throughput = points.map((p, i) => ({ ...p, value: resolveEstimate(`points[${i}].throughput`, p.throughput) }));
  const latencyNs = points.map((p, i) => ({ ...p, value: resolveEstimate(`points[${i}].latency`, p.latency) }));
  const unit = timeUnitFor(Math.max(...latencyNs.map((r) => r.value.hi)));
  const latency = latencyNs.map((r) => ({
    ...r,
    value: {
      ...r.value,
      mean: r.value.mean / unit.divisor,
      lo: r.value.lo / unit.divisor,
      hi: r.value.hi / unit.divisor,
    },
  }));

  const context = createRenderContext();
  const plotWidth = fig.width - 2 * PAD;
  const panelWidth = Math.floor((plotWidth - GAP) / 2);
  const workers = [...new Set(points.map((p) => p.workers))].sort((a, b) => a - b);
  const left = seriesPanel(
    context,
    throughput,
    kinds,
    workers,
    workersScale,
    "throughput (tasks/s)",
    panelWidth,
    fig.height,
  );
  const right = seriesPanel(
    context,
    latency,
    kinds,
    workers,
    workersScale,
    `${quantile} latency (${unit.label})`,
    panelWidth,
    fig.height,
  );
  const legend = swatchLegend(
    context,
    [
      {
        title: "Executor",
        items: kinds.map((k) => ({
          kind: "line" as const,
          label: EXECUTOR_STYLES[k].label,
          stroke: EXECUTOR_STYLES[k].color,
          glyph: EXECUTOR_STYLES[k].symbol,
        })),
      },
    ],
    plotWidth,
  );
  return chartFigure(context, fig, legend, [
    [panel(left, panelWidth, fig.height), panel(right, panelWidth, fig.height)],
  ]);
}

function seriesPanel(
  context: RenderContext,
  rows: readonly Row[],
  kinds: readonly ExecutorKind[],
  workers: readonly number[],
  scale: "log" | "linear",
  label: string,
  width: number,
  height: number,
): SVGSVGElement {
  const y: Axis = linearAxis([Math.min(...rows.map((r) => r.value.lo)), Math.max(...rows.map((r) => r.value.hi))], {
    zero: true,
    count: Math.max(3, Math.floor(height / 50)),
  });
  const marks: Plot.Markish[] = [Plot.gridY(y.ticks, { stroke: GRID, strokeOpacity: 1 })];
  kinds.forEach((kind, k) => {
    const style = EXECUTOR_STYLES[kind];
    const series = rows.filter((r) => r.executor === kind).sort((a, b) => a.workers - b.workers);
    const dx = (k - (kinds.length - 1) / 2) * DODGE;
    marks.push(
      Plot.ruleX(
        series.filter((r) => r.value.hasInterval),
        {
          x: "workers",
          y1: (r: Row) => r.value.lo,
          y2: (r: Row) => r.value.hi,
          stroke: style.color,
          strokeWidth: 1.5,
          dx,
        },
      ),
      Plot.line(series, { x: "workers", y: (r: Row) => r.value.mean, stroke: style.color, strokeWidth: 2, dx }),
      Plot.dot(series, {
        x: "workers",
        y: (r: Row) => r.value.mean,
        symbol: glyph(style.symbol),
        r: 4.5,
        fill: style.color,
        stroke: "#ffffff",
        strokeWidth: 0.75,
        dx,
      }),
    );
  });
  marks.push(
    Plot.axisY(y.ticks, { tickFormat: y.format, label, labelArrow: "none" }),
    Plot.axisX(workers, {
      tickFormat: (v: number) => String(v),
      label: "workers (pool size)",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    Plot.ruleY([y.domain[0]]),
  );
  const span = workers.length > 1 ? 0 : 1;
  return plotSvg(context, {
    width,
    height,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    marginRight: MARGIN_RIGHT,
    marginLeft: Math.ceil(y.labelWidth) + 12,
    x:
      scale === "log"
        ? {
            type: "log",
            base: 2,
            domain: [(workers[0] as number) / 1.25 - span, (workers[workers.length - 1] as number) * 1.25],
          }
        : { type: "linear", domain: [0, (workers[workers.length - 1] as number) * 1.05] },
    y: { domain: y.domain },
    marks,
  });
}
