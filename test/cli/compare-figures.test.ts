import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { logTickLabel } from "../../src/charts/axis.js";
import { formatNanos, timeUnitFor } from "../../src/charts/time-axis.js";
import {
  comparisonFigures,
  metricName,
  warningNote,
  workEnd,
  writeComparisonFigures,
} from "../../src/cli/compare-figures.js";
import { simulate } from "../../src/model/simulate.js";
import { compareMetrics } from "../../src/real/compare.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { svgTexts } from "../fixtures/golden.js";
import { tempDir } from "../temp.js";

// The convoy preset: one task of 200 round trips beside a cruncher that spins until the run stops
// at 5 s. The "real" side is a second simulation with another seed (no Python needed here).
const input = getPreset("convoy");
if (!input) throw new Error("no convoy preset");
const sim = simulate(parseScenario(input), { trace: true });
const other = simulate(parseScenario({ ...input, seed: 7 }), { trace: true });
if (!sim.trace || !other.trace) throw new Error("trace missing");
const comparison = {
  scenario: "convoy",
  seed: 1,
  profile: "profile machine-profile.json",
  simulated: { trace: sim.trace, metrics: sim.metrics },
  real: [
    { trace: other.trace, metrics: other.metrics, busyBefore: null, busyAfter: null, warnings: [], python: "3.12.1" },
  ],
  rows: compareMetrics(sim.metrics, [other.metrics]),
  warnings: [],
};

describe("comparisonFigures", () => {
  test("workEnd is where the last task ends, not where a background thread stops spinning", () => {
    const task = Math.max(...(sim.trace?.tasks ?? []).map((t) => t.end));
    expect(workEnd(sim.trace as NonNullable<typeof sim.trace>)).toBe(task);
    // The cruncher runs to the 5 s stop; the task is over long before.
    expect(task).toBeLessThan(3e9);
  });

  test("each timeline's title states what its run came to: p99 over the measured tasks, and the simulated GIL's hand-offs", () => {
    const figures = comparisonFigures(comparison);
    // Titles bind a number to its unit with a no-break space; read them with plain spaces.
    const plain = (f: { title?: string }) => ({ title: (f.title ?? "").replaceAll("\u00a0", " ") });
    const simulated = plain(figures.simulated);
    const real = plain(figures.real);
    const p99 = (m: typeof sim.metrics) => `p99 ${formatNanos(m.latency.p99)} over ${m.tasks.measured} task`;
    expect(simulated.title).toContain(p99(sim.metrics));
    const switches = sim.metrics.gil.reduce((a, g) => a + g.switches, 0);
    const forced = sim.metrics.gil.reduce((a, g) => a + g.forced, 0);
    expect(switches).toBeGreaterThan(0);
    expect(simulated.title).toContain(`the GIL changed hands ${switches} times, ${forced} forced by a waiter`);
    // The harness cannot see GIL hand-offs: the measured run's title does not claim any.
    expect(real.title).toContain(p99(other.metrics));
    expect(real.title).not.toContain("GIL");
    // Nor does its legend: a step's span is "running a step", not "running, holds GIL".
    expect(figures.real.svg).toContain("running a step (GIL not recorded)");
    expect(figures.real.svg).not.toContain("running, holds GIL");
    expect(figures.simulated.svg).toContain("running, holds GIL");
  });

  test("the timelines share one window, cut after the later task's end", () => {
    const { simulated, real } = comparisonFigures(comparison);
    const end = Math.max(workEnd(sim.trace as never), workEnd(other.trace as never));
    // The time axis is labelled in the window's unit, and its last tick lies inside the window:
    // well below the 5 s where the run (and the cruncher) stops.
    const unit = timeUnitFor(Math.ceil(end * 1.02));
    for (const fig of [simulated, real]) {
      const texts = svgTexts(fig.svg);
      const at = texts.indexOf(`time (${unit.label})`);
      expect(at).toBeGreaterThan(0);
      const ticks = texts
        .slice(0, at)
        .map((t) => Number(t.replaceAll(",", "")))
        .filter((v) => Number.isFinite(v));
      const last = Math.max(...ticks) * unit.divisor;
      expect(last).toBeLessThanOrEqual(end * 1.02);
      expect(last).toBeGreaterThan(end / 2);
    }
  });

  test("each simulated-against-measured figure names its metric as a reader says it, in a unit that fits", () => {
    const { simReal } = comparisonFigures(comparison);
    expect(simReal.map((f) => f.metric).sort()).toEqual(["latency.p50", "latency.p95", "latency.p99", "makespan"]);
    for (const { metric, figure } of simReal) {
      const texts = svgTexts(figure.svg).join("\n");
      expect(texts).not.toContain("latency.p");
      const row = comparison.rows.find((r) => r.key === metric) as (typeof comparison.rows)[number];
      const unit = timeUnitFor(Math.max(row.simulated, ...row.real));
      expect(texts).toContain(`measured ${metricName(metric)} (${unit.label})`);
      expect(texts).toContain(`simulated ${metricName(metric)} (${unit.label})`);
      // Numbers keep their unit and a space ("1,260 ms", not "1,260ms"), the axes' unit (the
      // title's 1,260 ms is 1,260 on the axes, not "1.26 s"); the error carries its sign.
      expect(figure.title).toMatch(
        /simulated \d[\d,.]*\u00a0m?s, measured \d[\d,.]*\u00a0m?s on average \(error [+\u2212]?\d/,
      );
      expect(figure.title).toContain(`simulated ${logTickLabel(row.simulated / unit.divisor)}\u00a0${unit.label},`);
    }
    expect(metricName("latency.p95")).toBe("p95 latency");
    expect(metricName("makespan")).toBe("makespan");
  });

  test("every figure saved alone carries the runs' warnings in its subtitle, and says none when there are none", () => {
    const warnings = [
      "the scenario models Python 3.12; this run used 3.11.7",
      "the scenario has 4 cores; this machine gave 2",
      "the machine was 40% busy around a real run: other work disturbs real timings (try --quiet-wait, --priority)",
    ];
    const warned = comparisonFigures({ ...comparison, warnings });
    const all = [...warned.simReal.map((s) => s.figure), warned.simulated, warned.real];
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const fig of all) {
      // The subtitle wraps over lines of tspans: join them back before looking for the sentences.
      const text = svgTexts(fig.svg).join(" ").replace(/\s+/g, " ");
      expect(text).toContain("Warnings:");
      for (const w of warnings) {
        for (const word of ["3.11.7", "this machine gave 2", "40% busy"])
          if (w.includes(word)) expect(text).toContain(word);
      }
    }
    const quiet = comparisonFigures(comparison);
    for (const fig of [...quiet.simReal.map((s) => s.figure), quiet.simulated, quiet.real]) {
      expect(svgTexts(fig.svg).join(" ")).not.toMatch(/warning/i);
    }
    expect(warningNote([])).toBe("");
    expect(warningNote(["a"])).toBe(". Warning: a");
    expect(warningNote(["a", "b"])).toBe(". Warnings: a; b");
  });

  test("writeComparisonFigures names exactly the files it wrote: no figure for a metric a real run did not measure", () => {
    const out = tempDir("gilsim-compare-figures-");
    const unmeasured = {
      ...comparison,
      rows: comparison.rows.map((r) => (r.key === "latency.p99" ? { ...r, real: [0] } : r)),
    };
    const names = writeComparisonFigures(unmeasured, out);
    expect(names).not.toContain("sim-vs-real-latency.p99.svg");
    expect(readdirSync(out).sort()).toEqual([...names].sort());
  });
});
