import { join } from "node:path";
import { logTickLabel } from "../charts/axis.js";
import { type SimRealPoint, simRealChart } from "../charts/simreal.js";
import { formatNanos, timeUnitFor } from "../charts/time-axis.js";
import { timelineChart } from "../charts/timeline.js";
import type { Figure } from "../charts/types.js";
import { writeFigure } from "../charts/write.js";
import type { Comparison } from "../real/compare.js";
import { MEASURED_STATE_LABELS } from "../real/to-trace.js";
import { formatError, profileLabel } from "./commands/compare.js";

/*
 * The figures of `gilsim compare --out`, in a module of their own: the command loads it (and with
 * it the charts: jsdom, Plot, resvg) only when it writes figures.
 */

type Trace = Comparison["simulated"]["trace"];

/**
 * When the scenario's work is over in `trace`: the end of its last task. Background threads (a
 * cruncher that spins "forever") run until the simulation stops, so they do not count; a trace
 * with no task falls back to the last moment any other thread is busy.
 */
export function workEnd(trace: Trace): number {
  let end = 0;
  for (const t of trace.tasks) if (t.end > end) end = t.end;
  if (end > 0) return end;
  const background = new Set(trace.threads.filter((t) => t.role === "background").map((t) => t.id));
  for (const iv of trace.intervals) if (iv.state !== "idle" && !background.has(iv.thread) && iv.end > end) end = iv.end;
  return end;
}

/** ", stopped with 1 of 1 tasks unfinished" when a run ended before its tasks did; "" otherwise. */
function unfinished(tasks: { arrived: number; completed: number }): string {
  const left = tasks.arrived - tasks.completed;
  return left > 0 ? `, stopped with ${left} of ${tasks.arrived} tasks unfinished` : "";
}

/**
 * The comparison's warnings (another Python version than asked, fewer cores, a busy machine, runs
 * that finished only part of their tasks) as the end of a figure's subtitle, so a figure saved and
 * shown alone still says them: ". Warning: ..." or ". Warnings: ...; ...", or "" when there are none.
 */
export function warningNote(warnings: readonly string[]): string {
  if (warnings.length === 0) return "";
  return `. Warning${warnings.length === 1 ? "" : "s"}: ${warnings.join("; ")}`;
}

/** A metric key as a reader says it: "latency.p95" is "p95 latency". */
export function metricName(key: string): string {
  const quantile = /^latency\.(p\d+)$/.exec(key);
  return quantile ? `${quantile[1]} latency` : key;
}

/**
 * The figures of a comparison: one simulated-against-measured plot per time metric (makespan and
 * latency quantiles; one point per real run, so the runs' spread shows), and the simulated and one
 * real timeline over the same window, cut where the later of the two finishes its last task.
 */
export function comparisonFigures(c: Comparison): {
  simReal: { metric: string; figure: Figure }[];
  simulated: Figure;
  real: Figure;
} {
  const note = warningNote(c.warnings);
  const simReal = c.rows
    .filter((r) => r.unit === "ns" && r.mean > 0 && r.real.every((v) => v > 0))
    .map((r) => {
      // The axes' unit follows the values (seconds for a 3 s makespan, not 3,000 ms).
      const unit = timeUnitFor(Math.max(r.simulated, ...r.real));
      const points: SimRealPoint[] = r.real.map((v, k) => ({
        label: `run ${k + 1}`,
        simulated: r.simulated / unit.divisor,
        measured: v / unit.divisor,
      }));
      const name = metricName(r.key);
      // The title's values in the axes' unit, so that "1,280 ms" in the title is 1,280 on the axes.
      const inUnit = (v: number): string => `${logTickLabel(v / unit.divisor)} ${unit.label}`;
      const figure = simRealChart(points, {
        quantity: `${name} (${unit.label})`,
        title: `${c.scenario}, ${name}: simulated ${inUnit(r.simulated)}, measured ${inUnit(r.mean)} on average (error ${formatError(r.error)})`,
        subtitle: `${c.real.length} real run${c.real.length === 1 ? "" : "s"}; simulation: ${profileLabel(c.profile)}${note}`,
        caption:
          "Each point is one real run of the scenario: its measured value across, the simulated value up. On the dashed line the simulation is exact; shaded bands show ±5% and ±15% relative error.",
      });
      return { metric: r.key, figure };
    });
  const real = c.real[0];
  if (!real) throw new Error("a comparison without real runs");
  // Both timelines end where the later of the two finishes its work: no long tail where only a
  // background thread spins, and the same window on both, so they can be read against each other.
  const busyEnd = Math.max(workEnd(c.simulated.trace), workEnd(real.trace), 1);
  const window: [number, number] = [0, Math.ceil(busyEnd * 1.02)];
  const simulated = timelineChart(c.simulated.trace, {
    window,
    title: `${c.scenario}, simulated: ${runSummary(c.simulated.metrics)}${gilSummary(c.simulated.metrics)}`,
    subtitle: `seed ${c.seed}; ${profileLabel(c.profile)}${note}`,
  });
  const realFigure = timelineChart(real.trace, {
    window,
    gil: false,
    markers: false,
    stateLabels: MEASURED_STATE_LABELS,
    title: `${c.scenario}, measured in CPython ${real.python}: ${runSummary(real.metrics)}`,
    subtitle: `run 1${unfinished(real.metrics.tasks)}; a thread waiting for the GIL or a core shows inside its step (Python cannot tell)${note}`,
  });
  return { simReal, simulated, real: realFigure };
}

/** What a timeline's run came to: "p99 12.3 ms over 80 tasks". */
function runSummary(m: Comparison["simulated"]["metrics"]): string {
  return `p99 ${formatNanos(m.latency.p99)} over ${m.tasks.measured} task${m.tasks.measured === 1 ? "" : "s"}`;
}

/** The GIL's hand-offs in a simulated run (the real harness cannot see them): "; the GIL changed hands 154 times, 72 forced". */
function gilSummary(m: Comparison["simulated"]["metrics"]): string {
  if (m.gil.length === 0) return "";
  const switches = m.gil.reduce((a, g) => a + g.switches, 0);
  const forced = m.gil.reduce((a, g) => a + g.forced, 0);
  return `; the GIL changed hands ${switches} time${switches === 1 ? "" : "s"}, ${forced} forced by a waiter`;
}

/**
 * Writes sim-vs-real-METRIC (one per time metric measured in every real run), simulated-timeline
 * and real-timeline into `out`, each as .svg and .png (as every other figure), and returns their names.
 */
export function writeComparisonFigures(c: Comparison, out: string): string[] {
  const figures = comparisonFigures(c);
  const named: [string, Figure][] = [
    ...figures.simReal.map(({ metric, figure }): [string, Figure] => [`sim-vs-real-${metric}`, figure]),
    ["simulated-timeline", figures.simulated],
    ["real-timeline", figures.real],
  ];
  const written = named.flatMap(([name, figure]): [string, Figure][] => [
    [`${name}.svg`, figure],
    [`${name}.png`, figure],
  ]);
  for (const [name, figure] of written) writeFigure(join(out, name), figure);
  return written.map(([name]) => name);
}
