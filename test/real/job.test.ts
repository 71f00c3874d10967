import { describe, expect, test } from "vitest";
import { planTasks } from "../../src/model/plan.js";
import { planBackground } from "../../src/real/background.js";
import { RealSetupError } from "../../src/real/errors.js";
import { buildJob } from "../../src/real/job.js";
import { normalizeRealOptions } from "../../src/real/options.js";
import { scenario } from "../../src/scenario/scenario.js";

const mixed = scenario({
  name: "mixed",
  seed: 11,
  machine: { cores: 3 },
  runtime: { python: "3.12", switchInterval: "2ms" },
  executor: { kind: "asyncio", offload: { kind: "processes", workers: 2, startMethod: "spawn" } },
  workload: {
    arrivals: { kind: "poisson", rate: "100/s", count: 30 },
    concurrency: 4,
    classes: [
      { name: "api", weight: 2, steps: [{ cpu: { dist: "exponential", mean: "1ms" } }, { io: "5ms" }] },
      { name: "report", steps: [{ offload: [{ cpu: "3ms", gil: "release" }] }], payload: "64KiB" },
    ],
  },
  background: [{ name: "bg", steps: [{ repeat: "forever", steps: [{ cpu: "10ms" }] }] }],
  run: { until: "2s" },
});

describe("buildJob", () => {
  test("buildJob carries exactly planTasks(scenario, seed) and planBackground, with the scenario's seed by default", () => {
    const job = buildJob(mixed, normalizeRealOptions());
    expect(job.seed).toBe(11);
    expect(job.tasks).toEqual(planTasks(mixed, 11));
    expect(job.background).toEqual(planBackground(mixed, 11));
    expect(job.tasks.some((t) => t.class === "report" && t.payload === 65536)).toBe(true);
  });

  test("buildJob uses the seed option for the planned tasks", () => {
    const job = buildJob(mixed, normalizeRealOptions({ seed: 99 }));
    expect(job.seed).toBe(99);
    expect(job.tasks).toEqual(planTasks(mixed, 99));
    expect(job.tasks).not.toEqual(planTasks(mixed, 11));
  });

  test("buildJob resolves the executor, limits and runtime essentials", () => {
    const job = buildJob(mixed, normalizeRealOptions({ io: "echo" }));
    expect(job).toMatchObject({
      format: 1,
      scenario: "mixed",
      executor: { kind: "asyncio", offload: { kind: "processes", workers: 2, startMethod: "spawn" } },
      arrivals: { kind: "poisson", clients: null },
      concurrency: 4,
      cores: 3,
      switchInterval: 2_000_000,
      until: 2_000_000_000,
      io: "echo",
      progress: false,
      watchStdin: true,
    });
    expect(JSON.stringify(job)).not.toContain("\n");
  });

  test("buildJob gives closed populations their client count and asks for progress when there is a listener", () => {
    const closed = scenario({
      executor: { kind: "threads", workers: 2 },
      workload: {
        arrivals: { kind: "closed", clients: 3, think: "1ms", count: 5 },
        classes: [{ steps: [{ io: "1ms" }] }],
      },
    });
    const job = buildJob(closed, { ...normalizeRealOptions(), onProgress: () => {} });
    expect(job.arrivals).toEqual({ kind: "closed", clients: 3 });
    expect(job.progress).toBe(true);
    expect(job.tasks.every((t) => t.arrival === null && t.think === 1_000_000)).toBe(true);
  });

  test("buildJob rejects more than one event loop with a RealSetupError naming executor.loops", () => {
    const loops = scenario({
      executor: { kind: "asyncio", loops: 2 },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ io: "1ms" }] }] },
    });
    expect(() => buildJob(loops, normalizeRealOptions())).toThrow(RealSetupError);
    expect(() => buildJob(loops, normalizeRealOptions())).toThrow("invalid executor.loops: 2");
  });

  test.each([
    [
      { kind: "asyncio" as const },
      [{ repeat: 2, steps: [{ spawn: 2, steps: [{ cpu: "1us" }] }] }],
      "workload.classes[0].steps[0].steps[0].spawn: the real-execution mode does not run spawn steps yet (simulate only)",
    ],
    [
      { kind: "threads" as const },
      [{ cpu: "1us" }, { threads: 1, steps: [{ cpu: "1us" }] }],
      "workload.classes[0].steps[1].threads: the real-execution mode does not run threads steps yet (simulate only)",
    ],
    [
      { kind: "sync" as const },
      [{ socket: { peer: "5us" } }],
      "workload.classes[0].steps[0].socket: the real-execution mode does not run socket steps yet (simulate only)",
    ],
  ])("buildJob refuses the simulate-only steps in one line: %j", (executor, steps, line) => {
    const s = scenario({ executor, workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps }] } });
    expect(() => buildJob(s, normalizeRealOptions())).toThrow(RealSetupError);
    expect(() => buildJob(s, normalizeRealOptions())).toThrow(line);
  });

  test("buildJob refuses a chunked map in one line", () => {
    const s = scenario({
      executor: { kind: "processes" },
      workload: { arrivals: { kind: "batch", count: 4 }, chunksize: 2, classes: [{ steps: [{ cpu: "1us" }] }] },
    });
    expect(() => buildJob(s, normalizeRealOptions())).toThrow(
      "workload.chunksize: the real-execution mode does not run chunked maps yet (simulate only)",
    );
  });
});
