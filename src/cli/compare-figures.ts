import { join } from "node:path";
import { type SimRealPoint, simRealChart } from "../charts/simreal.js";
import { timelineChart } from "../charts/timeline.js";
import type { Figure } from "../charts/types.js";
import { writeFigure } from "../charts/write.js";
import type { Comparison } from "../real/compare.js";

/*
 * The figures of `gilsim compare --out`, in a module of their own: the command loads it (and with
 * it the charts: jsdom, Plot, resvg) only when it writes figures.
 */

/**
 * The figures of a comparison: simulated against measured for the time metrics (makespan and
 * latency quantiles), and the simulated and one real timeline over the same window.
 */
export function comparisonFigures(c: Comparison): { simReal: Figure; simulated: Figure; real: Figure } {
  const points: SimRealPoint[] = c.rows
    .filter((r) => r.unit === "ns" && r.mean > 0)
    .map((r) => ({ label: r.key, simulated: r.simulated / 1e6, measured: r.mean / 1e6 }));
  const values = points.flatMap((p) => [p.simulated, p.measured]);
  const wide = Math.max(...values) / Math.max(1e-9, Math.min(...values)) > 20;
  const simReal = simRealChart(points, {
    quantity: "time (ms)",
    scale: wide && values.every((v) => v > 0) ? "log" : "linear",
    title: `${c.scenario}: simulated against measured`,
    subtitle: `mean of ${c.real.length} real run${c.real.length === 1 ? "" : "s"}; simulation: ${c.profile}`,
    caption:
      "Each point is one metric of the scenario: measured in CPython across (mean of the real runs), simulated up. On the dashed line the simulation is exact; shaded bands show ±5% and ±15% relative error.",
  });
  const real = c.real[0];
  if (!real) throw new Error("a comparison without real runs");
  const end = Math.max(c.simulated.trace.end, real.trace.end, 1);
  const window: [number, number] = [0, end];
  const simulated = timelineChart(c.simulated.trace, {
    window,
    title: `${c.scenario}: simulated`,
    subtitle: `seed ${c.seed}; ${c.profile}`,
  });
  const realFigure = timelineChart(real.trace, {
    window,
    gil: false,
    markers: false,
    title: `${c.scenario}: measured in CPython ${real.python}`,
    subtitle: "run 1; a thread waiting for the GIL or a core shows inside its step (Python cannot tell)",
  });
  return { simReal, simulated, real: realFigure };
}

/** Writes sim-vs-real.svg, simulated-timeline.svg and real-timeline.svg (each with its PNG) into `out`. */
export function writeComparisonFigures(c: Comparison, out: string): void {
  const figures = comparisonFigures(c);
  writeFigure(join(out, "sim-vs-real.svg"), figures.simReal);
  writeFigure(join(out, "simulated-timeline.svg"), figures.simulated);
  writeFigure(join(out, "real-timeline.svg"), figures.real);
}
