/**
 * The latency distribution of the measured tasks (arrived after the warm-up): a histogram, with
 * rules at the run's p50, p95 and p99 (the numbers `gilsim simulate` prints) and at the p99
 * target. The axis turns logarithmic when the tail is two decades past the median.
 */
import * as Plot from "@observablehq/plot";
import { OKABE_ITO } from "../../charts/palette.js";
import { timeUnitFor } from "../../charts/time-axis.js";
import type { Nanos } from "../../engine/time.js";
import type { Quantiles } from "../../metrics/types.js";
import { plotStyle, type Theme } from "../theme.js";

export interface LatencyData {
  /** Latencies of the measured tasks, ns. */
  latencies: readonly Nanos[];
  quantiles: Quantiles;
  slo: Nanos;
}

const MARGIN = { left: 44, right: 12, top: 34, bottom: 32 };

export function drawLatency(
  document: Document,
  data: LatencyData,
  o: { width: number; height: number; theme: Theme },
): SVGSVGElement {
  const q = data.quantiles;
  const theme = o.theme;
  const values = data.latencies;
  const unit = timeUnitFor(Math.max(q.max, data.slo));
  const min = values.reduce((a, v) => Math.min(a, v), Number.POSITIVE_INFINITY);
  const log = values.length > 1 && min > 0 && q.p99 / Math.max(1, q.p50) >= 100;
  const scaled = values.map((v) => v / unit.divisor);
  const hi = Math.max(q.max, data.slo * 1.05) / unit.divisor;
  const lo = log ? min / unit.divisor : 0;
  const thresholds = log
    ? Array.from({ length: 41 }, (_, i) => lo * (hi / lo) ** (i / 40))
    : Array.from({ length: 41 }, (_, i) => (hi * i) / 40);
  const inner = o.width - MARGIN.left - MARGIN.right;
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
  return Plot.plot({
    document,
    width: o.width,
    height: o.height,
    marginLeft: MARGIN.left,
    marginTop: MARGIN.top,
    marginBottom: MARGIN.bottom,
    marginRight: MARGIN.right,
    style: plotStyle(theme),
    x: {
      type: log ? "log" : "linear",
      domain: [log ? lo : 0, hi],
      label: `latency (${unit.label})`,
      labelAnchor: "center",
      labelArrow: "none",
    },
    y: { label: "tasks", grid: true, labelArrow: "none" },
    marks: [
      Plot.rectY(scaled, {
        ...Plot.binX({ y: "count" }, { x: (d: number) => d, thresholds }),
        fill: OKABE_ITO.blue,
        inset: 0.5,
      }),
      Plot.ruleY([0], { stroke: theme.rule }),
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
      Plot.ruleX([data.slo / unit.divisor], { stroke: theme.target, strokeWidth: 1.5 }),
    ],
  }) as unknown as SVGSVGElement;
}
