import { describe, expect, test } from "vitest";
import { ScenarioError } from "../../src/scenario/errors.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseAxes } from "../../src/sweep/axis.js";
import { pointSeed } from "../../src/sweep/grid.js";
import { plannedPoint, planSweep, pointScenario } from "../../src/sweep/plan.js";
import { tinyScenario } from "./fixtures.js";

describe("planSweep", () => {
  test("planSweep applies each point's values to the raw scenario before parsing", () => {
    const plan = planSweep(
      tinyScenario(),
      "tiny.json",
      parseAxes(["executor.workers=1,3", "runtime.switchInterval=1ms,2"]),
    );
    expect(plan.grid.size).toBe(4);
    const s = pointScenario(plan, 3);
    expect(s.executor).toMatchObject({ kind: "threads", workers: 3 });
    expect(s.runtime.switchInterval).toBe(2_000_000);
  });

  test("planSweep rejects a bad point before any work, naming the point", () => {
    const run = () => planSweep(tinyScenario(), "tiny.json", parseAxes(["executor.workers=2,0"]));
    expect(run).toThrow(ScenarioError);
    expect(run).toThrow(
      "tiny.json with executor.workers=0: executor.workers: 0 is invalid (expected a positive integer)",
    );
  });

  test("planSweep rejects a combination the schema allows field by field but not together", () => {
    expect(() => planSweep(tinyScenario(), "t", parseAxes(["runtime.python=3.12,3.13t", "runtime.gil=off"]))).toThrow(
      't with runtime.gil="off" runtime.python="3.12": runtime.gil: "off" needs a free-threaded build',
    );
  });

  test("a kind axis keeps only the options the new kind takes, and later axes set the new kind's own", () => {
    // web-api runs on asyncio with offload "none": threads have no offload option.
    const web = planSweep(getPreset("web-api"), "web-api", parseAxes(["executor.kind=threads", "executor.workers=4"]));
    expect(pointScenario(web, 0).executor).toEqual({ kind: "threads", workers: 4 });
    // threads -> asyncio: workers goes (asyncio has none) and offload takes its default (cores + 4 threads).
    const loop = planSweep(tinyScenario(), "tiny", parseAxes(["executor.kind=asyncio,threads"]));
    expect(pointScenario(loop, 0).executor).toEqual({
      kind: "asyncio",
      offload: { kind: "threads", workers: 6 },
      loops: 1,
    });
    expect(pointScenario(loop, 1).executor).toEqual({ kind: "threads", workers: 2 });
    // An option asked for explicitly is still checked against the kind.
    // In either axis order.
    for (const order of [
      ["executor.kind=asyncio", "executor.workers=4"],
      ["executor.workers=4", "executor.kind=asyncio"],
    ]) {
      expect(() => planSweep(tinyScenario(), "tiny", parseAxes(order))).toThrow("executor.workers: unknown option");
    }
    // An inner kind set by its own axis survives an outer kind axis listed after it.
    const inner = planSweep(
      tinyScenario(),
      "tiny",
      parseAxes(["executor.offload.kind=processes", "executor.kind=asyncio"]),
    );
    expect(pointScenario(inner, 0).executor).toMatchObject({ kind: "asyncio", offload: { kind: "processes" } });
    // threads -> processes: workers is an option of both, so it stays.
    const procs = planSweep(tinyScenario(), "tiny", parseAxes(["executor.kind=processes"]));
    expect(pointScenario(procs, 0).executor).toMatchObject({ kind: "processes", workers: 2 });
    // poisson -> fixed keeps rate and count; -> closed drops rate and asks for clients.
    const fixed = planSweep(tinyScenario(), "tiny", parseAxes(["workload.arrivals.kind=fixed"]));
    expect(pointScenario(fixed, 0).workload.arrivals).toEqual({ kind: "fixed", rate: 200, count: 30 });
    expect(() => planSweep(tinyScenario(), "tiny", parseAxes(["workload.arrivals.kind=closed"]))).toThrow(
      "workload.arrivals.clients",
    );
  });

  test("planSweep rejects no axes and bad replications", () => {
    expect(() => planSweep(tinyScenario(), "t", [])).toThrow("invalid sweep: no --vary option (expected at least one)");
    expect(() => planSweep(tinyScenario(), "t", parseAxes(["executor.workers=1"]), { replications: 0 })).toThrow(
      "invalid replications: 0 (expected a positive integer)",
    );
  });

  test("planSweep's id changes with the scenario, the axes, the replications and the seed, not the shard", () => {
    const axes = parseAxes(["executor.workers=1,2"]);
    const id = planSweep(tinyScenario(), "t", axes).id;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(planSweep(tinyScenario(), "t", axes, { shard: { k: 1, n: 2 } }).id).toBe(id);
    expect(planSweep(tinyScenario(), "t", parseAxes(["executor.workers=1,3"])).id).not.toBe(id);
    expect(planSweep(tinyScenario(), "t", axes, { replications: 3 }).id).not.toBe(id);
    expect(planSweep(tinyScenario(), "t", axes, { seed: 9 }).id).not.toBe(id);
    expect(planSweep({ ...tinyScenario(), seed: 4 }, "t", axes).id).not.toBe(id);
  });
});

describe("plannedPoint", () => {
  test("plannedPoint seeds a point from the base seed and its key, whatever the axis order", () => {
    const a = planSweep(tinyScenario(), "t", parseAxes(["executor.workers=1,2", "runtime.gil=on"]));
    const b = planSweep(tinyScenario(), "t", parseAxes(["runtime.gil=on", "executor.workers=1,2"]));
    const pa = plannedPoint(a, 1);
    const pb = plannedPoint(b, 1);
    expect(pa.key).toBe('executor.workers=2 runtime.gil="on"');
    expect(pb.key).toBe(pa.key);
    expect(pa.job.seed).toBe(pointSeed(3, pa.key));
    expect(pb.job.seed).toBe(pa.job.seed);
  });

  test("plannedPoint takes replications from the option, else from the point's scenario", () => {
    const axes = parseAxes(["run.replications=1,4"]);
    expect(plannedPoint(planSweep(tinyScenario(), "t", axes), 1).job.replications).toBe(4);
    expect(plannedPoint(planSweep(tinyScenario(), "t", axes, { replications: 2 }), 1).job.replications).toBe(2);
    expect(plannedPoint(planSweep(tinyScenario(), "t", axes, { seed: 5 }), 0).job.seed).toBe(
      pointSeed(5, "run.replications=1"),
    );
  });
});
