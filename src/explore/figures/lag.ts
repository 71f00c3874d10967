/**
 * Loop lag over the run: how late ready callbacks ran on each event loop (the worst in each time
 * bucket, as the run's metrics keep it), against the p99 target for scale.
 */
import * as Plot from "@observablehq/plot";
import { timeAxis, timeUnitFor } from "../../charts/time-axis.js";
import type { Nanos } from "../../engine/time.js";
import type { LoopStats } from "../../metrics/types.js";
import { plotStyle, type Theme, Y_LABEL_MARGIN_TOP } from "../theme.js";

export function drawLag(
  document: Document,
  loops: readonly LoopStats[],
  o: { width: number; height: number; theme: Theme; end: Nanos },
): SVGSVGElement {
  const points = loops.flatMap((l) => l.lagSeries.map((p) => ({ ...p, process: l.process })));
  const axis = timeAxis([0, Math.max(1, o.end)], o.width - 60, 80);
  const unit = timeUnitFor(Math.max(1, ...points.map((p) => p.lag)));
  const processes = loops.map((l) => l.process);
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
      domain: [axis.value(0), axis.value(Math.max(1, o.end))],
      label: axis.label,
      labelAnchor: "center",
      labelArrow: "none",
    },
    y: { label: `loop lag (${unit.label})`, grid: true, labelArrow: "none", zero: true },
    marks: [
      Plot.ruleY([0], { stroke: o.theme.rule }),
      ...processes.map((process, i) =>
        Plot.lineY(
          points.filter((p) => p.process === process),
          {
            x: (d) => axis.value(d.time),
            y: (d) => d.lag / unit.divisor,
            stroke: o.theme.series[i % o.theme.series.length] as string,
            strokeWidth: 1.2,
            curve: "step-after",
          },
        ),
      ),
    ],
  }) as unknown as SVGSVGElement;
}
