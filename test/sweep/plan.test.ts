import { describe, expect, test } from "vitest";
import { ScenarioError } from "../../src/scenario/errors.js";
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
