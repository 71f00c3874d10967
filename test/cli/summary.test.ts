import { describe, expect, test } from "vitest";
import {
  formatMetric,
  formatNumber,
  formatPercent,
  formatReplication,
  formatSummary,
  formatTable,
} from "../../src/cli/summary.js";
import { MS, SECOND, US } from "../../src/engine/time.js";
import type { Replication } from "../../src/metrics/replicate.js";
import type { Metrics, Quantiles } from "../../src/metrics/types.js";

const q = (ms: number[]): Quantiles => ({
  count: 10,
  mean: (ms[0] ?? 0) * MS,
  p50: (ms[1] ?? 0) * MS,
  p90: (ms[2] ?? 0) * MS,
  p95: (ms[3] ?? 0) * MS,
  p99: (ms[4] ?? 0) * MS,
  max: (ms[5] ?? 0) * MS,
});

const METRICS: Metrics = {
  scenario: "demo",
  seed: 3,
  tasks: { arrived: 12, completed: 11, measured: 10 },
  makespan: 1.5 * SECOND,
  throughput: 487.26,
  latency: q([21, 20, 30, 35, 41, 43.7]),
  wait: { ...q([0, 0, 0, 0, 0, 0]), count: 0 },
  coreUtilization: [0.993, 0.25],
  threads: [
    {
      id: 0,
      name: "MainThread",
      process: 0,
      role: "loop",
      cpu: 1.2 * SECOND,
      share: { gil: 0.8, nogil: 0, "wait-gil": 0.05, "wait-core": 0, io: 0, idle: 0.15 },
    },
    {
      id: 1,
      name: "ThreadPoolExecutor-0_0",
      process: 0,
      role: "worker",
      cpu: 250 * US,
      share: { gil: 0.001, nogil: 0.5, "wait-gil": 0, "wait-core": 0.0004, io: 0, idle: 0.4986 },
    },
  ],
  gil: [{ process: 0, switches: 120, forced: 7, convoys: 3, waitShare: 0.0251 }],
  loops: [{ process: 0, iterations: 765, lag: q([1, 0.5, 2, 3, 4, 5]), lagSeries: [] }],
  little: { meanInSystem: 10.23, arrivalRate: 487.26, meanLatency: 21 * MS },
  queue: [],
  events: 26530,
};

describe("number formats", () => {
  test("formatNumber gives 3 significant digits, whole numbers from 100 up", () => {
    expect(formatNumber(487.26)).toBe("487");
    expect(formatNumber(12345.6)).toBe("12346");
    expect(formatNumber(12.34)).toBe("12.3");
    expect(formatNumber(0.045678)).toBe("0.0457");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(Number.NaN)).toBe("NaN");
  });

  test("formatPercent gives one decimal", () => {
    expect(formatPercent(0.0251)).toBe("2.5%");
    expect(formatPercent(1)).toBe("100.0%");
  });

  test("formatMetric reads durations, rates, shares and counts from the metric's name", () => {
    expect(formatMetric("makespan", 1.5 * SECOND)).toBe("1.5s");
    expect(formatMetric("latency.p99", 41 * MS)).toBe("41ms");
    expect(formatMetric("wait.mean", 250 * US)).toBe("250us");
    expect(formatMetric("loop.lag.p99", 1200)).toBe("1.2us");
    expect(formatMetric("throughput", 97.64)).toBe("97.6/s");
    expect(formatMetric("gil.waitShare", 0.125)).toBe("12.5%");
    expect(formatMetric("gil.convoys", 20.333)).toBe("20.3");
  });
});

describe("formatTable", () => {
  test("formatTable pads columns to their widest cell, text left and numbers right", () => {
    expect(
      formatTable(
        [
          ["name", "n"],
          ["a", "100"],
          ["longer", "7"],
        ],
        "> ",
      ),
    ).toEqual(["> name      n", "> a       100", "> longer    7"]);
    expect(formatTable([["x", "left", "1"]], "", (i) => i === 2)).toEqual(["x  left  1"]);
  });
});

describe("formatSummary", () => {
  test("formatSummary lays out one run's metrics with units", () => {
    expect(formatSummary(METRICS)).toBe(
      [
        "demo (seed 3): 12 tasks arrived, 11 completed, 10 measured (after run.warmup)",
        "  makespan              1.5s (time 0 to the last task's end)",
        "  throughput            487 tasks/s (10 measured tasks over the 20.5ms measured window, from run.warmup to the run's end)",
        "  latency               p50 20ms  p90 30ms  p95 35ms  p99 41ms  max 43.7ms  (mean 21ms): arrival to end",
        "  wait                  none measured",
        "  cores busy            99.3% 25.0% (each core)",
        "  GIL (process 0)       120 hand-offs, 7 forced by a waiter's drop request, 3 convoys (back from IO, found it taken), 2.5% of thread time waiting for it",
        "  loop lag (process 0)  p50 500us  p90 2ms  p95 3ms  p99 4ms  max 5ms  (mean 1ms) over 765 iterations: how late ready callbacks ran",
        "  tasks in system       10.2 on average (Little's law, L = λW: 487/s arrivals × 21ms mean latency)",
        "  events                26530 (steps the simulator took)",
        "",
        "  threads (share of the measured window):",
        "    thread                  process  role      cpu    gil  nogil  wait-gil  wait-core    io   idle",
        "    MainThread                    0  loop     1.2s  80.0%   0.0%      5.0%       0.0%  0.0%  15.0%",
        "    ThreadPoolExecutor-0_0        0  worker  250us   0.1%  50.0%      0.0%       0.0%  0.0%  49.9%",
        "",
      ].join("\n"),
    );
  });

  test("formatSummary shows the 64 busiest threads in their order and counts the rest in one line", () => {
    const worker = METRICS.threads[1]!;
    const threads = Array.from({ length: 3000 }, (_, id) => ({
      ...worker,
      id,
      name: `Thread-${id}`,
      share: { ...worker.share, idle: id % 7 === 0 ? 0.1 : 0.9 },
    }));
    const lines = formatSummary({ ...METRICS, threads })
      .trimEnd()
      .split("\n");
    const rows = lines.filter((l) => /^ {4}Thread-\d+ /.test(l));
    expect(rows).toHaveLength(64);
    // The busiest are every 7th thread (10% idle), shown in order: 0, 7, 14, ...
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(Array.from({ length: 64 }, (_, k) => `Thread-${7 * k}`));
    expect(lines.at(-1)).toBe("    ... and 2936 more threads, less busy than those above (--json lists every thread)");
    expect(formatSummary(METRICS)).not.toContain("more threads");
  });

  test("formatSummary says throughput is over the makespan when the measured window is the whole run", () => {
    const whole = {
      ...METRICS,
      tasks: { arrived: 12, completed: 12, measured: 12 },
      throughput: 8,
      makespan: 1.5 * SECOND,
    };
    expect(formatSummary(whole).split("\n")[2]).toBe(
      "  throughput            8 tasks/s (12 measured tasks over the makespan)",
    );
  });

  test("formatSummary of a real run prints n/a for what Python cannot see, never 0", () => {
    const real = { ...METRICS, gil: [], loops: [], events: 0 };
    const text = formatSummary(real, { real: true });
    expect(text).toContain("\n  cores busy       n/a (not measured in a real run)\n");
    expect(text).toContain("\n  GIL              n/a (not measured in a real run)\n");
    expect(text).toContain("\n  events           n/a (a real run is not simulated)\n");
    expect(text).toContain(
      "\n    MainThread                    0  loop    n/a  80.0%   0.0%       n/a        n/a  0.0%  15.0%\n",
    );
    expect(text).not.toMatch(/events +0\b/);
  });

  test("formatSummary puts a note under the heading", () => {
    expect(formatSummary(METRICS, { note: "stopped at run.until" }).split("\n")[1]).toBe("  stopped at run.until");
  });
});

describe("formatReplication", () => {
  test("formatReplication gives each metric's mean, half-width and interval with units", () => {
    const rep: Replication = {
      runs: [METRICS, METRICS, METRICS],
      confidence: 0.95,
      summary: {
        makespan: { mean: 1.5 * SECOND, halfWidth: 20 * MS, lo: 1.48 * SECOND, hi: 1.52 * SECOND },
        throughput: { mean: 487.26, halfWidth: 5, lo: 482.26, hi: 492.26 },
        "gil.waitShare": { mean: 0.0251, halfWidth: 0.001, lo: 0.0241, hi: 0.0261 },
      },
    };
    expect(formatReplication(rep, "demo", 3)).toBe(
      [
        "demo: 3 replications (seeds 3..5), 95% confidence intervals",
        "  metric          mean     ±    low   high",
        "  makespan        1.5s  20ms  1.48s  1.52s",
        "  throughput     487/s   5/s  482/s  492/s",
        "  gil.waitShare   2.5%  0.1%   2.4%   2.6%",
        "",
      ].join("\n"),
    );
  });
});
