/**
 * A sparkline of p99 against workers (pool size, or event-loop processes for plain asyncio): the
 * same scenario and seed at 1, 2, 4, ... 64 workers, the current count ringed, the p99 target
 * line in its colour (targetLine, as in the latency histogram). Points fill in as the worker reports them.
 */
import * as Plot from "@observablehq/plot";
import { timeUnitFor } from "../../charts/time-axis.js";
import type { Nanos } from "../../engine/time.js";
import { plotStyle, type Theme, targetLine, Y_LABEL_MARGIN_TOP } from "../theme.js";

export interface SweepPoint {
  workers: number;
  p99: Nanos;
}

export function drawSparkline(
  document: Document,
  points: readonly SweepPoint[],
  o: {
    width: number;
    height: number;
    theme: Theme;
    current: number;
    slo: Nanos;
    workersLabel: string;
    range: [number, number];
  },
): SVGSVGElement {
  const unit = timeUnitFor(Math.max(o.slo, ...points.map((p) => p.p99)));
  const values = points.map((p) => p.p99 / unit.divisor);
  const hi = Math.max(o.slo / unit.divisor, ...values);
  const lo = Math.min(o.slo / unit.divisor, ...values);
  const log = lo > 0 && hi / lo > 20;
  const current = points.filter((p) => p.workers === o.current);
  return Plot.plot({
    document,
    width: o.width,
    height: o.height,
    marginLeft: 44,
    marginTop: Y_LABEL_MARGIN_TOP,
    marginBottom: 32,
    marginRight: 14,
    style: plotStyle(o.theme),
    x: {
      type: "log",
      base: 2,
      domain: o.range,
      label: o.workersLabel,
      labelAnchor: "center",
      labelArrow: "none",
      tickFormat: (d: number) => String(d),
      ticks: [1, 2, 4, 8, 16, 32, 64].filter((t) => t >= o.range[0] && t <= o.range[1]),
    },
    y: {
      type: log ? "log" : "linear",
      label: `p99 (${unit.label})`,
      labelArrow: "none",
      grid: true,
      ...(log ? { domain: [lo * 0.8, hi * 1.25] } : { domain: [0, hi * 1.1] }),
      ticks: 4,
    },
    marks: [
      Plot.ruleY([o.slo / unit.divisor], targetLine(o.theme)),
      Plot.line(points, {
        x: "workers",
        y: (d: SweepPoint) => d.p99 / unit.divisor,
        stroke: o.theme.series[0] as string,
        strokeWidth: 1.5,
      }),
      Plot.dot(points, {
        x: "workers",
        y: (d: SweepPoint) => d.p99 / unit.divisor,
        fill: o.theme.series[0] as string,
        r: 2.5,
      }),
      Plot.dot(current, {
        x: "workers",
        y: (d: SweepPoint) => d.p99 / unit.divisor,
        stroke: o.theme.ink,
        r: 5.5,
        strokeWidth: 1.5,
      }),
    ],
  }) as unknown as SVGSVGElement;
}
