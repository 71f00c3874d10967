import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { metricsFromTrace } from "../../src/metrics/from-trace.js";
import type { Metrics } from "../../src/metrics/types.js";
import { simulate } from "../../src/model/simulate.js";
import { compare, compareMetrics, comparisonOf, releaseChunkFor, summarizeWarnings } from "../../src/real/compare.js";
import { RealSetupError } from "../../src/real/errors.js";
import { REAL_DEFAULTS } from "../../src/real/options.js";
import { scenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import type { Trace } from "../../src/trace/types.js";
import { pythonsOnMachine } from "./pythons.js";

const INPUT: ScenarioInput = {
  name: "small",
  seed: 5,
  machine: { cores: 2 },
  runtime: { python: "3.11" },
  executor: { kind: "asyncio", offload: { kind: "threads", workers: 2 } },
  workload: {
    arrivals: { kind: "poisson", rate: "400/s", count: 30 },
    classes: [{ steps: [{ cpu: "300us" }, { offload: [{ cpu: "1ms" }, { io: "1ms" }] }, { io: "2ms" }] }],
  },
};

/** Metrics with only the fields compareMetrics reads set. */
function metrics(makespan: number, p95: number, idle: Record<string, number>): Metrics {
  const m = metricsFromTrace(simulate(scenario(INPUT), { trace: true }).trace as Trace, { warmup: 0 });
  return {
    ...m,
    makespan,
    throughput: 1e9 / makespan,
    latency: { ...m.latency, p95 },
    threads: Object.entries(idle).map(([name, share], id) => ({
      id,
      name,
      process: 0,
      role: "worker",
      cpu: 0,
      share: { gil: 1 - share, nogil: 0, "wait-gil": 0, "wait-core": 0, io: 0, idle: share },
    })),
  };
}

describe("compareMetrics", () => {
  test("compareMetrics gives the real mean, min and max and the error (sim - mean) / mean of each metric", () => {
    const sim = metrics(110, 50, { A: 0.2, B: 0.5 });
    const reals = [metrics(90, 40, { A: 0.4, C: 0 }), metrics(110, 60, { A: 0.6, C: 0 })];
    const rows = compareMetrics(sim, reals);
    const makespan = rows.find((r) => r.key === "makespan")!;
    expect(makespan).toMatchObject({ unit: "ns", simulated: 110, real: [90, 110], mean: 100, min: 90, max: 110 });
    expect(makespan.error).toBeCloseTo(0.1, 12);
    const p95 = rows.find((r) => r.key === "latency.p95")!;
    expect([p95.mean, p95.error]).toEqual([50, 0]);
    // busy = 1 - idle; only threads present on both sides (B and C are not)
    const busy = rows.filter((r) => r.key.startsWith("busy:"));
    expect(busy.map((r) => r.key)).toEqual(["busy:A"]);
    expect(busy[0]!.mean).toBeCloseTo(0.5, 12);
    expect(busy[0]!.error).toBeCloseTo((0.8 - 0.5) / 0.5, 12);
    expect(() => compareMetrics(sim, [])).toThrow("invalid reals: [] (expected at least one real run)");
  });

  test("a thread the real runs never saw busy (a pool's submitting MainThread) gets no busy row, not 0%", () => {
    const sim = metrics(110, 50, { MainThread: 0.995, "ProcessPoolExecutor-0-0/MainThread": 0.03 });
    const reals = [
      metrics(90, 40, { MainThread: 1, "ProcessPoolExecutor-0-0/MainThread": 0.1 }),
      metrics(95, 45, { MainThread: 1, "ProcessPoolExecutor-0-0/MainThread": 0.2 }),
    ];
    const keys = compareMetrics(sim, reals).map((r) => r.key);
    expect(keys).toContain("busy:ProcessPoolExecutor-0-0/MainThread");
    expect(keys).not.toContain("busy:MainThread");
    // Seen busy in one run is measured: the row stays.
    const once = [reals[0]!, metrics(95, 45, { MainThread: 0.9, "ProcessPoolExecutor-0-0/MainThread": 0.2 })];
    expect(compareMetrics(sim, once).map((r) => r.key)).toContain("busy:MainThread");
  });

  test("comparisonOf a simulation's own trace, as if measured, has zero error on every metric", () => {
    const s = scenario(INPUT);
    const own = simulate(s, { seed: 9, trace: true }).trace as Trace;
    const c = comparisonOf(
      s,
      9,
      [{ trace: own, busyBefore: 0, busyAfter: 0, warnings: [], python: "sim" }],
      "version defaults",
    );
    expect(c.rows.length).toBeGreaterThan(5);
    for (const r of c.rows) expect(r.error === null || Math.abs(r.error) < 1e-12).toBe(true);
    const busy = comparisonOf(
      s,
      9,
      [{ trace: own, busyBefore: 0.5, busyAfter: 0, warnings: ["w"], python: "sim" }],
      "x",
    );
    expect(busy.warnings[0]).toBe("w");
    expect(busy.warnings[1]).toMatch(/^the machine was 50% busy around a real run/);
  });

  test("a real run cut short is said so, and one that finished no task is left out of the means, not counted as 0", () => {
    const s = scenario(INPUT);
    const cut = (until: string) =>
      simulate(scenario({ ...INPUT, run: { until } }), { seed: 9, trace: true }).trace as Trace;
    const run = (trace: Trace) => ({ trace, busyBefore: 0, busyAfter: 0, warnings: [], python: "sim" });
    const own = cut("10s");
    const none = cut("100us");
    const part = cut("30ms");
    const done = metricsFromTrace(part, { warmup: 0 }).tasks.completed;
    expect(metricsFromTrace(none, { warmup: 0 }).tasks.completed).toBe(0);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(30);
    const c = comparisonOf(s, 9, [run(own), run(none), run(part)], "x");
    expect(c.warnings).toEqual([
      "real run 2 finished no task: it is left out of the metrics",
      `real run 3 finished ${done} of 30 tasks: its metrics cover those only`,
    ]);
    const makespan = c.rows.find((r) => r.key === "makespan")!;
    expect(makespan.real).toHaveLength(2);
    expect(makespan.min).toBeGreaterThan(0);
  });
});

describe("summarizeWarnings", () => {
  test("drift warnings are said once per rate, with the runs and the range, not once per run and value", () => {
    const drift = (name: string, d: string) => `the ${name} rate drifted ${d}% during the run (a busy machine?)`;
    const perRun = [
      ["the scenario has 4 cores; this machine gave 2", drift("pure-Python loop", "-38.3"), drift("hashing", "+12.0")],
      ["the scenario has 4 cores; this machine gave 2", drift("pure-Python loop", "-42.0")],
      ["the scenario has 4 cores; this machine gave 2", drift("pure-Python loop", "+20.5"), "odd one"],
    ];
    expect(summarizeWarnings(perRun)).toEqual([
      "the scenario has 4 cores; this machine gave 2",
      "the pure-Python loop rate drifted -42.0% to +20.5% in 3 of 3 runs (a busy machine?)",
      "the hashing rate drifted +12.0% in 1 of 3 runs (a busy machine?)",
      "odd one (1 of 3 runs)",
    ]);
    expect(summarizeWarnings([[drift("hashing", "-5.5")]])).toEqual([
      "the hashing rate drifted -5.5% during the run (a busy machine?)",
    ]);
  });

  test("comparisonOf gives 12 runs' drift warnings as one line per rate", () => {
    const s = scenario(INPUT);
    const own = simulate(s, { seed: 9, trace: true }).trace as Trace;
    const runs = Array.from({ length: 12 }, (_, k) => ({
      trace: own,
      busyBefore: 0,
      busyAfter: 0,
      warnings: [`the pure-Python loop rate drifted -${30 + k}.0% during the run (a busy machine?)`],
      python: "sim",
    }));
    expect(comparisonOf(s, 9, runs, "x").warnings).toEqual([
      "the pure-Python loop rate drifted -41.0% to -30.0% in 12 of 12 runs (a busy machine?)",
    ]);
  });
});

describe("releaseChunkFor", () => {
  test("releaseChunkFor sizes one hashing call per release step (2.5 bytes per ns), within [default, 256 MiB]", () => {
    const chunk = (cpu: unknown) =>
      releaseChunkFor(
        scenario({
          executor: { kind: "threads" },
          workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu, gil: "release" } as never] }] },
        }),
      );
    expect(chunk("40ms")).toBe(Math.ceil((40 * MS * 2.5) / (1 << 20)) * (1 << 20));
    expect(chunk("100us")).toBe(REAL_DEFAULTS.releaseChunk);
    expect(chunk("10s")).toBe(256 << 20);
    expect(chunk({ dist: "uniform", min: "1ms", max: "8ms" })).toBe(Math.ceil((8 * MS * 2.5) / (1 << 20)) * (1 << 20));
    expect(releaseChunkFor(scenario(INPUT))).toBe(REAL_DEFAULTS.releaseChunk);
  });
});

describe("compare in CPython", () => {
  test("compare runs the scenario's planned tasks for real as many times as asked and compares each metric", async () => {
    const s = scenario(INPUT);
    const progress: number[] = [];
    const c = await compare(s, { runs: 2, handleSignals: false, onProgress: (p) => progress.push(p.run) });
    expect(c.real).toHaveLength(2);
    expect(new Set(progress)).toEqual(new Set([1, 2]));
    for (const r of c.real) expect(r.trace.tasks.map((t) => t.id).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    const makespan = c.rows.find((r) => r.key === "makespan")!;
    expect(makespan.real).toHaveLength(2);
    expect(makespan.min).toBeLessThanOrEqual(makespan.max);
    expect(Number.isFinite(makespan.error)).toBe(true);
    // the real loop and workers are matched by name with the simulated ones
    expect(c.rows.map((r) => r.key)).toContain("busy:MainThread");
    expect(c.rows.some((r) => r.key.startsWith("busy:asyncio_"))).toBe(true);
    expect(c.profile).toBe("version defaults");
  });

  test("compare rejects bad options before running anything", async () => {
    const s = scenario(INPUT);
    await expect(compare(s, { runs: 0 })).rejects.toThrow("invalid runs: 0 (expected an integer from 1 to 100)");
    await expect(compare(s, { priority: -1 })).rejects.toThrow(RealSetupError);
    await expect(compare(s, { quietWaitMs: Number.NaN })).rejects.toThrow(/^invalid quietWaitMs/);
  });

  test("the harness runs the same planned tasks on every CPython 3.9+ on this machine", async () => {
    for (const p of await pythonsOnMachine()) {
      const c = await compare(scenario(INPUT), { runs: 1, python: p.command, handleSignals: false });
      expect(c.real[0]!.python).toBe(p.version);
      expect(c.real[0]!.trace.tasks).toHaveLength(30);
    }
  });
});
