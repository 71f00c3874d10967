import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  APP_DATA_DIR,
  CONFIGS,
  LOAD,
  plannedTimes,
  quantileOf,
  RECORDING_FILE,
  REPEATS,
  readAppData,
} from "../../notebooks/lib/app-experiment.js";
import { asAsyncio, configInput, fitApp } from "../../notebooks/lib/app-predict.js";
import { parseDuration } from "../../src/engine/time.js";
import type { FittedStep } from "../../src/fit/classes.js";
import { poissonSchedule } from "../../src/load/schedule.js";
import { parseScenario } from "../../src/scenario/scenario.js";

/*
 * The your-app notebook's data and the way it turns the fitted scenario into each configuration.
 * The measured runs are checked against themselves (every stored percentile follows from the
 * stored latencies) and against the experiment's plan; nothing here runs the app.
 */

describe("data/app: the measured runs of the demo service", () => {
  const data = readAppData();

  it("says where, when and with what it was measured", () => {
    expect(data.format).toBe(1);
    expect(data.python).toMatch(/^3\.\d+\.\d+$/);
    expect(Number.isNaN(Date.parse(data.date))).toBe(false);
    expect(data.machine.cores).toBeGreaterThan(0);
    expect(data.machine.cpu.length).toBeGreaterThan(0);
    expect(data.load).toMatchObject({ count: LOAD.count, warmup: LOAD.warmup, seed: LOAD.seed, repeats: REPEATS });
    expect(existsSync(join(APP_DATA_DIR, RECORDING_FILE))).toBe(true);
  });

  it("has every planned configuration, each run with all its latencies and the percentiles they give", () => {
    const ids = data.configs.filter((c) => c.why === "config").map((c) => c.config.id);
    expect(ids).toEqual(CONFIGS.map((c) => c.id));
    for (const c of data.configs) {
      expect(c.runs.length).toBe(REPEATS);
      for (const run of c.runs) {
        expect(run.latenciesUs.length).toBe(LOAD.count);
        const ok = run.latenciesUs.filter((l) => l >= 0).sort((a, b) => a - b);
        expect(ok.length).toBe(LOAD.count - run.failed);
        // Stored in ns, latencies in µs: they agree to the microsecond's rounding.
        for (const [q, v] of [
          [0.5, run.p50],
          [0.95, run.p95],
          [0.99, run.p99],
        ] as const) {
          expect(Math.abs(quantileOf(ok, q) * 1000 - v)).toBeLessThanOrEqual(1000);
        }
      }
    }
  });
});

describe("the fitted scenario at another configuration", () => {
  const fit = fitApp(join(APP_DATA_DIR, RECORDING_FILE));

  it("replays the load generator's planned traffic of each repeat, and changes only the executor", () => {
    for (const config of CONFIGS) {
      const input = configInput(fit, config, LOAD.seed + 1);
      const s = parseScenario(input);
      const weights = [9, ...Array.from({ length: 12 }, () => 0.25)];
      const planned = poissonSchedule(config.rate, LOAD.count, weights, LOAD.seed + 1).map((p) => p.at);
      expect(s.workload.arrivals).toEqual({ kind: "replay", times: planned, count: LOAD.count });
      expect(plannedTimes(config, LOAD.seed + 1).length).toBe(LOAD.count);
      if (config.mode === "threads") {
        expect(s.executor).toEqual({ kind: "threads", workers: config.workers });
        expect(input.workload?.classes).toEqual(fit.input.workload?.classes);
      } else {
        expect(s.executor).toMatchObject({
          kind: "asyncio",
          loops: 1,
          offload: { kind: "threads", workers: config.workers },
        });
      }
      if (config.mode === "threads") expect(input.runtime).toEqual(fit.input.runtime);
    }
  });

  it("under asyncio sends each SQLite query and the SHA-256 to to_thread, and keeps parsing, Python and sockets on the loop", () => {
    const dist = (mean: number) => ({ input: `${mean / 1000}us`, mean }) as unknown as FittedStep["dist"];
    const step = (label: string, kind: FittedStep["kind"], mean: number, repeat = 1): FittedStep => ({
      label,
      kind,
      repeat,
      dist: dist(mean),
      kindShare: 1,
    });
    const steps = [
      step("python", "python", 20_000),
      step("socket.recv", "release", 40_000),
      step("json", "hold", 100_000),
      step("python", "python", 500),
      step("sqlite", "release", 130_000),
      step("python", "python", 19_000),
      step("sqlite", "release", 9_000, 20),
      step("python", "python", 32_000),
      step("hashlib", "release", 54_000),
      step("python", "python", 1_884_000),
      step("socket.send", "release", 90_000),
    ];
    expect(asAsyncio(steps)).toEqual([
      { cpu: "20us" },
      { cpu: "40us", gil: "release" },
      { cpu: "100us", gil: "hold" },
      // A Python step under 1 µs is left out, as fit leaves it out.
      {
        offload: [
          { cpu: "130us", gil: "release" },
          { cpu: "19us" },
          { repeat: 20, steps: [{ cpu: "9us", gil: "release" }] },
        ],
      },
      { cpu: "32us" },
      { offload: [{ cpu: "54us", gil: "release" }] },
      { cpu: "1884us" },
      { cpu: "90us", gil: "release" },
    ]);
  });

  it("under asyncio moves the accepting thread's CPU per request onto the loop, as each request's first step", () => {
    const config = CONFIGS.find((c) => c.mode === "asyncio");
    if (!config) throw new Error("no asyncio configuration");
    const input = configInput(fit, config, LOAD.seed);
    // The recorder split the submitting thread's CPU, and the fit used the split.
    expect(fit.warnings.join("\n")).not.toMatch(/subp/);
    expect(fit.acceptCost).toBeGreaterThan(0);
    expect(fit.submitCost).toBeGreaterThan(0);
    for (const key of ["submitCost", "submitReturn", "acceptCost"]) expect(input.runtime).not.toHaveProperty(key);
    // The accept loop's CPU per request, to the nanosecond (its submit does not happen under asyncio).
    for (const c of input.workload?.classes ?? []) {
      const first = c.steps[0] as { cpu: string };
      expect(Object.keys(first)).toEqual(["cpu"]);
      expect(Math.abs((parseDuration(first.cpu) ?? Number.NaN) - (fit.acceptCost as number))).toBeLessThanOrEqual(1);
    }
  });
});
