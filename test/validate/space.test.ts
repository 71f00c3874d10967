import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { SECOND } from "../../src/engine/time.js";
import { planTasks } from "../../src/model/plan.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { Step } from "../../src/scenario/schema.js";
import { estimateCapacity } from "../../src/validate/capacity.js";
import {
  drawScenario,
  drawScenarios,
  FAMILIES,
  HARNESS_SECONDS,
  MIN_NS,
  RANDOM_VERSIONS,
  scenarioId,
  TASKS,
  UTILIZATION,
} from "../../src/validate/space.js";

// A sample of the space big enough to see every family, arrival kind and version. Each draw parses
// its scenario some fifty times (sizing by bisection): slow on a loaded machine, hence SLOW.
const SAMPLE = drawScenarios(120, 7);
const SLOW = { timeout: 600_000 };

function steps(s: ReturnType<typeof parseScenario>): Step[] {
  const out: Step[] = [];
  const walk = (list: readonly Step[]) => {
    for (const x of list) {
      out.push(x);
      if (x.kind === "offload" || x.kind === "repeat") walk(x.steps);
    }
  };
  for (const c of s.workload.classes) walk(c.steps);
  return out;
}

describe("drawScenarios", () => {
  test("is deterministic: the same seed draws the same scenarios, byte for byte", SLOW, () => {
    expect(JSON.stringify(drawScenarios(12, 3))).toBe(JSON.stringify(drawScenarios(12, 3)));
  });

  test("scenario i of a seed does not depend on how many are drawn", SLOW, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 8 }), (seed, i) => {
        expect(drawScenario(seed, i)).toEqual(drawScenarios(i + 1, seed)[i]);
      }),
      { numRuns: 6 },
    );
  });

  test("different seeds draw different scenarios, ids named by seed and position", SLOW, () => {
    const a = drawScenarios(5, 1);
    const b = drawScenarios(5, 2);
    expect(a.map((s) => s.id)).toEqual(["s1-001", "s1-002", "s1-003", "s1-004", "s1-005"]);
    expect(scenarioId(12, 41)).toBe("s12-042");
    expect(b[0]?.id).toBe("s2-001");
    expect(a.map((s) => JSON.stringify(s.input.workload))).not.toEqual(b.map((s) => JSON.stringify(s.input.workload)));
  });

  test("every scenario parses, on 2 cores, with a version from the fixed list and 200 to 400 tasks", SLOW, () => {
    for (const s of SAMPLE) {
      const parsed = parseScenario(s.input, s.id);
      expect(parsed.machine.cores).toBe(2);
      expect(RANDOM_VERSIONS).toContain(parsed.runtime.python);
      expect(s.version).toBe(parsed.runtime.python);
      const count = parsed.workload.arrivals.count;
      expect(count).toBeGreaterThanOrEqual(TASKS[0]);
      expect(count).toBeLessThanOrEqual(TASKS[1]);
      expect(planTasks(parsed)).toHaveLength(count);
    }
  });

  test("the sample covers every executor family, arrival kind and version, and concurrency limits", () => {
    expect(new Set(SAMPLE.map((s) => s.family))).toEqual(new Set(FAMILIES.map((f) => f.family)));
    expect(new Set(SAMPLE.map((s) => s.arrivals))).toEqual(new Set(["poisson", "fixed", "batch", "closed"]));
    expect(new Set(SAMPLE.map((s) => s.version))).toEqual(new Set(RANDOM_VERSIONS));
    expect(SAMPLE.some((s) => s.limited)).toBe(true);
    const kinds = new Set(
      SAMPLE.flatMap((s) => steps(parseScenario(s.input)).map((x) => (x.kind === "cpu" ? x.gil : x.kind))),
    );
    expect(kinds).toEqual(new Set(["python", "release", "hold", "io", "block", "offload"]));
  });

  test("open and closed arrivals offer the drawn utilization of the estimated capacity; a batch has none", () => {
    for (const s of SAMPLE) {
      const parsed = parseScenario(s.input);
      const a = parsed.workload.arrivals;
      if (a.kind === "batch") {
        expect(s.utilization).toBeNull();
        continue;
      }
      const u = s.utilization as number;
      expect(u).toBeGreaterThanOrEqual(UTILIZATION[0]);
      expect(u).toBeLessThanOrEqual(UTILIZATION[1]);
      const capacity = estimateCapacity(parsed).perSecond;
      if (a.kind === "closed") continue; // clients and think time are rounded; checked below
      if (a.kind === "replay") throw new Error("random validation draws no replayed arrivals");
      // The rate is written with 3 significant digits.
      expect(a.rate / capacity).toBeCloseTo(u, 2);
    }
  });

  test("only asyncio with a pool offloads, the first class always does, and processes carry payloads", () => {
    for (const s of SAMPLE) {
      const parsed = parseScenario(s.input);
      const offloads = steps(parsed).filter((x) => x.kind === "offload").length;
      if (s.family === "asyncio+threads" || s.family === "asyncio+processes") {
        const first = parsed.workload.classes[0]?.steps ?? [];
        expect(first.some((x) => x.kind === "offload")).toBe(true);
      } else expect(offloads).toBe(0);
      expect(s.limited).toBe(parsed.workload.concurrency !== null);
      if (s.limited) expect(s.family.startsWith("asyncio")).toBe(true);
      const payloads = s.input.workload.classes.map((c) => c.payload);
      if (s.family.endsWith("processes")) expect(payloads.every((p) => typeof p === "number" && p >= 256)).toBe(true);
      else expect(payloads.every((p) => p === undefined)).toBe(true);
    }
  });

  test("every step is at least its kind's minimum, so no step measures the harness more than the mechanism", () => {
    for (const s of SAMPLE) {
      for (const x of steps(parseScenario(s.input))) {
        if (x.kind !== "cpu" && x.kind !== "io" && x.kind !== "block") continue;
        const kind = x.kind === "cpu" ? x.gil : x.kind;
        const d = x.duration;
        const typical = d.dist === "constant" ? d.value : d.dist === "uniform" ? (d.min + d.max) / 2 : null;
        if (typical !== null) expect(typical).toBeGreaterThanOrEqual(MIN_NS[kind] * 0.99);
      }
    }
  });

  test("each real run is planned to take about 0.5 to 3 s, harness and process start-up included", () => {
    for (const s of SAMPLE) {
      expect(s.seconds).toBeGreaterThan(0.5);
      // Up to 0.6 s more for a pool of 4 spawned processes.
      expect(s.seconds).toBeLessThan(s.family.endsWith("processes") ? 3.7 : 3.1);
      expect(s.seconds).toBeGreaterThan(HARNESS_SECONDS);
    }
  });

  test("closed loops get enough clients to offer the load: clients / (latency + think) is the offered rate", () => {
    for (const s of SAMPLE.filter((x) => x.arrivals === "closed")) {
      const parsed = parseScenario(s.input);
      const a = parsed.workload.arrivals;
      if (a.kind !== "closed") throw new Error("not closed");
      const cap = estimateCapacity(parsed);
      const think = a.think.dist === "constant" ? a.think.value : a.think.dist === "exponential" ? a.think.mean : NaN;
      const offered = a.clients / ((cap.latency + think) / SECOND);
      const u = s.utilization as number;
      // Exact unless the clients were capped at 64 (then the loop offers less).
      if (a.clients < 64) expect(offered / cap.perSecond).toBeCloseTo(u, 1);
      else expect(offered / cap.perSecond).toBeLessThanOrEqual(u * 1.01);
    }
  });

  test("a bad seed or index is a RangeError naming it", () => {
    expect(() => drawScenario(-1, 0)).toThrow(/^invalid seed: -1/);
    expect(() => drawScenario(1, 1.5)).toThrow(/^invalid index: 1.5/);
    expect(() => drawScenarios(0, 1)).toThrow(/^invalid n: 0/);
  });
});
