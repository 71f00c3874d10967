/**
 * The latency distribution of the measured tasks (arrived after the warm-up): a histogram, or one
 * tick per task when there are few, with rules at the run's p50, p95 and p99 (the numbers
 * `gilsim simulate` prints) and at the p99 target. The axis turns logarithmic when the tail is
 * two decades past the median.
 */
import * as Plot from "@observablehq/plot";
import { axisXMarks, logAxis, scaleLabel } from "../../charts/axis.js";
import { timeUnitFor } from "../../charts/time-axis.js";
import { formatDuration, type Nanos } from "../../engine/time.js";
import type { Quantiles } from "../../metrics/types.js";
import { plotStyle, type Theme, targetLine } from "../theme.js";

export interface LatencyData {
  /** Latencies of the measured tasks, ns. */
  latencies: readonly Nanos[];
  quantiles: Quantiles;
  slo: Nanos;
}

const MARGIN = { left: 44, right: 14, top: 34, bottom: 32 };
/** Below this many tasks a histogram says little: each task gets a tick. */
const FEW = 40;

export function drawLatency(
  document: Document,
  data: LatencyData,
  o: { width: number; height: number; theme: Theme },
): SVGSVGElement {
  const q = data.quantiles;
  const theme = o.theme;
  const color = theme.series[0] as string;
  const values = data.latencies;
  // The target widens the axis only when it is near the data, else it would squash the histogram.
  const sloShown = data.slo <= 3 * q.max;
  const top = Math.max(q.max, sloShown ? data.slo : 0) * 1.04;
  const min = values.reduce((a, v) => Math.min(a, v), Number.POSITIVE_INFINITY);
  const log = values.length > 1 && min > 0 && q.p99 / Math.max(1, q.p50) >= 100;
  // A log axis spans decades: its unit is the one of their geometric middle, so the labels read
  // "1, 10, 100, 1,000 ms" and not "1m, 10m, 100m, 1 s", and its ticks are the report figures'
  // 1-2-5 steps (logAxis), labelled as text marks since Plot thins log labels by its own rule.
  const unit = timeUnitFor(log ? Math.sqrt(min * top) : top);
  const scaled = values.map((v) => v / unit.divisor);
  const xAxis = log ? logAxis([(min / unit.divisor) * 0.95, top / unit.divisor]) : null;
  const hi = xAxis ? xAxis.domain[1] : top / unit.divisor;
  const lo = xAxis ? xAxis.domain[0] : 0;
  const few = values.length < FEW;
  const thresholds = log
    ? Array.from({ length: 41 }, (_, i) => lo * (hi / lo) ** (i / 40))
    : Array.from({ length: 41 }, (_, i) => (hi * i) / 40);
  // A log axis's last tick sits at the frame's right end: its label ("5,000") needs half its width there.
  const marginRight = xAxis ? Math.max(MARGIN.right, Math.ceil(xAxis.labelWidth / 2) + 4) : MARGIN.right;
  const marginLeft = few ? marginRight : MARGIN.left;
  const inner = o.width - marginLeft - marginRight;
  const px = (v: number): number =>
    log ? (Math.log(v / lo) / Math.log(hi / lo)) * inner : ((v - lo) / (hi - lo || 1)) * inner;
  // Labels closer than a label's width step down a row, so p95 and p99 never print over each other.
  const rules: { name: string; value: number; row: number }[] = [];
  for (const [name, value] of [
    ["p50", q.p50],
    ["p95", q.p95],
    ["p99", q.p99],
  ] as const) {
    const last = rules.at(-1);
    const close = last !== undefined && px(value / unit.divisor) - px(last.value / unit.divisor) < 26;
    rules.push({ name, value, row: close ? (last.row + 1) % 3 : 0 });
  }
  const distribution: Plot.Markish[] = few
    ? [Plot.tickX(scaled, { x: (d: number) => d, stroke: color, strokeWidth: 2, strokeOpacity: 0.8 })]
    : [
        Plot.rectY(scaled, {
          ...Plot.binX({ y: "count" }, { x: (d: number) => d, thresholds }),
          fill: color,
          inset: 0.5,
        }),
        Plot.ruleY([0], { stroke: theme.rule }),
      ];
  return Plot.plot({
    document,
    width: o.width,
    height: o.height,
    marginLeft,
    marginTop: MARGIN.top,
    marginBottom: MARGIN.bottom,
    marginRight,
    style: plotStyle(theme),
    x: xAxis
      ? { type: "log", domain: xAxis.domain }
      : {
          type: "linear",
          domain: [0, hi],
          label: `latency (${unit.label})`,
          labelAnchor: "center",
          labelArrow: "none",
          ticks: Math.max(2, Math.floor(inner / 70)),
        },
    y: few
      ? { axis: null }
      : {
          label: "tasks",
          grid: true,
          labelArrow: "none",
          tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : ""),
        },
    marks: [
      ...(xAxis ? axisXMarks(xAxis, scaleLabel(`latency (${unit.label})`, true)) : []),
      ...distribution,
      Plot.ruleX(rules, { x: (d) => d.value / unit.divisor, stroke: theme.ink, strokeDasharray: "2,2" }),
      ...[0, 1, 2].map((row) =>
        Plot.text(
          rules.filter((r) => r.row === row),
          {
            x: (d) => d.value / unit.divisor,
            text: (d) => d.name,
            frameAnchor: "top",
            dy: -MARGIN.top + 6 + row * 10,
            fill: theme.ink,
            fontSize: 10,
          },
        ),
      ),
      sloShown
        ? Plot.ruleX([data.slo / unit.divisor], targetLine(theme))
        : Plot.text([`target ${formatDuration(data.slo)} \u2192`], {
            frameAnchor: "top-right",
            dy: -MARGIN.top + 6,
            fill: theme.target,
            fontSize: 10,
          }),
    ],
  }) as unknown as SVGSVGElement;
}
