import { describe, expect, test } from "vitest";
import { MS, SECOND } from "../../src/engine/time.js";
import { simulate } from "../../src/model/simulate.js";
import { getPreset, isPresetName, presetDescription, presetNames } from "../../src/scenario/presets.js";
import { parseScenario, type Scenario } from "../../src/scenario/scenario.js";

function preset(name: string): Scenario {
  return parseScenario(getPreset(name), name);
}

describe("presets", () => {
  test("presetNames lists 6 to 8 presets, each parsing, named after itself, with a description", () => {
    const names = presetNames();
    expect(names.length).toBeGreaterThanOrEqual(6);
    expect(names.length).toBeLessThanOrEqual(8);
    for (const name of names) {
      const s = preset(name);
      expect(s.name).toBe(name);
      expect(s.description.length).toBeGreaterThan(20);
      expect(presetDescription(name)).toBe(s.description);
    }
  });

  test("getPreset returns a fresh copy each time and undefined for an unknown name", () => {
    const a = getPreset("web-api") as { name: string };
    a.name = "edited";
    expect(getPreset("web-api")).toMatchObject({ name: "web-api" });
    expect(getPreset("nope")).toBeUndefined();
    expect(getPreset("toString")).toBeUndefined();
    expect(isPresetName("convoy")).toBe(true);
    expect(isPresetName("constructor")).toBe(false);
  });

  test("asyncio-io is 1000 concurrent 10ms waits on one asyncio loop", () => {
    const s = preset("asyncio-io");
    expect(s.executor).toMatchObject({ kind: "asyncio", loops: 1 });
    expect(s.workload.arrivals).toEqual({ kind: "batch", count: 1000 });
    expect(s.workload.classes[0]?.steps).toEqual([{ kind: "io", duration: { dist: "constant", value: 10 * MS } }]);
  });

  test("threads-cpu holds the GIL, threads-hashing releases it, free-threaded has none", () => {
    const cpu = preset("threads-cpu");
    const hashing = preset("threads-hashing");
    const free = preset("free-threaded");
    expect(cpu.executor).toEqual({ kind: "threads", workers: 4 });
    expect(cpu.runtime.gil).toBe(true);
    expect(cpu.workload.classes[0]?.steps[0]).toMatchObject({ kind: "cpu", gil: "python" });
    expect(hashing.workload.classes[0]?.steps[0]).toMatchObject({ kind: "cpu", gil: "release" });
    expect(free.runtime.gil).toBe(false);
    expect(free.workload).toEqual(cpu.workload);
  });

  test("convoy runs an IO thread beside a CPU-bound background thread until run.until", () => {
    const s = preset("convoy");
    expect(s.background).toHaveLength(1);
    expect(s.background[0]?.steps[0]).toMatchObject({ kind: "repeat", times: "forever" });
    expect(s.run.until).toBe(5 * SECOND);
    expect(s.workload.classes[0]?.steps[0]).toMatchObject({ kind: "repeat", times: 200 });
  });

  test("asyncio-offload mixes loop work with run_in_executor steps", () => {
    const s = preset("asyncio-offload");
    expect(s.executor).toEqual({ kind: "asyncio", loops: 1, offload: { kind: "threads", workers: 4 } });
    expect(s.workload.classes.map((c) => c.steps.some((st) => st.kind === "offload"))).toEqual([false, true]);
  });

  test("process-pool runs pure Python in 4 worker processes with a 64KiB payload", () => {
    const s = preset("process-pool");
    expect(s.executor).toMatchObject({ kind: "processes", workers: 4 });
    expect(s.workload.classes[0]?.payload).toBe(64 * 1024);
  });

  test("web-api offers 500/s of 2ms CPU + 30ms IO: a CPU load of exactly one loop", () => {
    const s = preset("web-api");
    expect(s.workload.arrivals).toMatchObject({ kind: "poisson", rate: 500 });
    const steps = s.workload.classes[0]?.steps ?? [];
    expect(steps).toEqual([
      { kind: "cpu", duration: { dist: "constant", value: 2 * MS }, gil: "python" },
      { kind: "io", duration: { dist: "constant", value: 30 * MS } },
    ]);
    const rate = s.workload.arrivals.kind === "poisson" ? s.workload.arrivals.rate : 0;
    expect((rate * 2 * MS) / SECOND).toBe(1);
  });
});

describe("each preset shows what its description says", () => {
  const run = (name: string) => simulate(preset(name), { trace: false }).metrics;

  test("threads-cpu takes about 8 x 50ms with the GIL; threads-hashing about 2 x 50ms without it", () => {
    expect(run("threads-cpu").makespan / (400 * MS)).toBeCloseTo(1, 1);
    expect(run("threads-hashing").makespan / (100 * MS)).toBeCloseTo(1, 1);
  });

  test("free-threaded runs the threads-cpu work in parallel, slowed by 3.14t's factor", () => {
    const m = run("free-threaded");
    expect(m.makespan).toBeGreaterThanOrEqual(2 * 50 * MS * 1.07);
    expect(m.makespan).toBeLessThan(2 * 50 * MS * 1.07 * 1.1);
  });

  test("process-pool runs 16 tasks of 50ms 4 at a time, plus start-up and pickling", () => {
    const m = run("process-pool");
    expect(m.makespan).toBeGreaterThan(200 * MS);
    expect(m.makespan).toBeLessThan(300 * MS);
  });

  test("convoy: each of the 200 IO returns waits about a switch interval, against about 0.2s alone", () => {
    const m = run("convoy");
    expect(m.latency.max).toBeGreaterThan(200 * 5 * MS);
    expect(m.gil[0]?.convoys).toBeGreaterThanOrEqual(150);
    const alone = parseScenario({ ...getPreset("convoy"), background: [] }, "convoy alone");
    expect(simulate(alone, { trace: false }).metrics.latency.max).toBeLessThan(300 * MS);
  });

  test("asyncio-io overlaps its 1000 waits: done in a few times 10ms, not 10s", () => {
    const m = run("asyncio-io");
    expect(m.tasks.completed).toBe(1000);
    expect(m.makespan).toBeGreaterThan(10 * MS);
    expect(m.makespan).toBeLessThan(100 * MS);
  });
});
