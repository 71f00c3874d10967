/**
 * A sparkline of p99 against workers (pool size, or event-loop processes for plain asyncio): the
 * same scenario and seed at 1, 2, 4, ... 64 workers, the current count ringed, the p99 target
 * line in its colour (targetLine, as in the latency histogram). Points fill in as the worker reports them.
 */
import * as Plot from "@observablehq/plot";
import { axisYMarks, logAxis, scaleLabel } from "../../charts/axis.js";
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
  const top = Math.max(o.slo, ...points.map((p) => p.p99));
  const bottom = Math.min(o.slo, ...points.map((p) => p.p99));
  const log = bottom > 0 && top / bottom > 20;
  // On a log axis the unit is its geometric middle's and the ticks 1-2-5 steps drawn as text
  // (as in the latency histogram): "10, 100, 1,000 ms", not "10m, 100m, 1 s".
  const unit = timeUnitFor(log ? Math.sqrt(top * bottom) : top);
  const hi = top / unit.divisor;
  const lo = bottom / unit.divisor;
  const yAxis = log ? logAxis([lo * 0.8, hi * 1.25]) : null;
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
    y: yAxis
      ? { type: "log", domain: yAxis.domain }
      : {
          type: "linear",
          label: `p99 (${unit.label})`,
          labelArrow: "none",
          grid: true,
          domain: [0, hi * 1.1],
          ticks: 4,
        },
    marks: [
      ...(yAxis ? [Plot.gridY(yAxis.ticks), ...axisYMarks(yAxis, scaleLabel(`p99 (${unit.label})`, true))] : []),
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
