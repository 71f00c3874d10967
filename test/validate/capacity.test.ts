import { describe, expect, test } from "vitest";
import { MS, SECOND, US } from "../../src/engine/time.js";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { demandOf, estimateCapacity, CAPACITY_COSTS as K } from "../../src/validate/capacity.js";

const base = (executor: ScenarioInput["executor"], steps: unknown[], extra: Partial<ScenarioInput["workload"]> = {}) =>
  parseScenario({
    machine: { cores: 2 },
    executor,
    workload: { arrivals: { kind: "batch", count: 400 }, classes: [{ steps: steps as never }], ...extra },
  } as ScenarioInput);

describe("estimateCapacity", () => {
  test("sync runs tasks one after another: 1 / (all the task's time)", () => {
    const c = estimateCapacity(base({ kind: "sync" }, [{ cpu: "1ms" }, { io: "3ms" }]));
    expect(c.bottleneck).toBe("loop");
    expect(c.perSecond).toBeCloseTo(SECOND / (4 * MS), 6);
    expect(c.latency).toBe(4 * MS);
  });

  test("threads of pure Python share one GIL: 1 / (CPU + dispatch), whatever the pool size", () => {
    for (const workers of [2, 8, 32]) {
      const c = estimateCapacity(base({ kind: "threads", workers }, [{ cpu: "2ms" }, { io: "1ms" }]));
      expect(c.bottleneck).toBe("gil");
      expect(c.perSecond).toBeCloseTo(SECOND / (2 * MS + K.dispatch), 6);
    }
  });

  test("threads that hash with the GIL released are bound by the cores: 2 / CPU on 2 cores", () => {
    const c = estimateCapacity(base({ kind: "threads", workers: 8 }, [{ cpu: "4ms", gil: "release" }]));
    expect(c.bottleneck).toBe("cores");
    expect(c.perSecond).toBeCloseTo((2 * SECOND) / (4 * MS + 2 * K.releaseEdge + K.dispatch), 6);
  });

  test("few workers waiting on IO: workers / (time per task)", () => {
    const c = estimateCapacity(base({ kind: "threads", workers: 4 }, [{ cpu: "100us" }, { io: "10ms" }]));
    expect(c.bottleneck).toBe("workers");
    expect(c.perSecond).toBeCloseTo((4 * SECOND) / (10.1 * MS), 6);
  });

  test("asyncio: the loop runs the CPU steps and its own costs; awaited IO costs a timer, not the loop", () => {
    const c = estimateCapacity(base({ kind: "asyncio", offload: "none" }, [{ cpu: "500us" }, { io: "20ms" }]));
    expect(c.bottleneck).toBe("loop");
    expect(c.perSecond).toBeCloseTo(SECOND / (500 * US + K.loopTask + K.loopAwait), 6);
    expect(c.latency).toBe(20.5 * MS + K.timerRounding);
  });

  test("a concurrency limit bounds throughput by Little's law: limit / latency", () => {
    const c = estimateCapacity(
      base({ kind: "asyncio", offload: "none" }, [{ cpu: "100us" }, { io: "10ms" }], { concurrency: 4 }),
    );
    expect(c.bottleneck).toBe("concurrency");
    expect(c.perSecond).toBeCloseTo((4 * SECOND) / c.latency, 6);
  });

  test("class weights average the demands", () => {
    const s = parseScenario({
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "batch", count: 10 },
        classes: [
          { weight: 3, steps: [{ cpu: "1ms" }] },
          { weight: 1, steps: [{ io: "4ms" }] },
        ],
      },
    });
    const d = demandOf(s);
    expect(d.gil).toBeCloseTo(0.75 * MS, 6);
    expect(d.io).toBeCloseTo(1 * MS, 6);
  });

  test("for saturating batches the model's throughput is within a factor 0.6 to 1.8 of the estimate", {
    timeout: 600_000,
  }, () => {
    const cases = [
      base({ kind: "threads", workers: 4 }, [{ cpu: "1ms" }, { io: "5ms" }]),
      base({ kind: "processes", workers: 2 }, [{ cpu: "2ms" }]),
      base({ kind: "asyncio", offload: { kind: "threads", workers: 4 } }, [
        { cpu: "300us" },
        { offload: [{ cpu: "2ms", gil: "release" }] },
      ]),
      base({ kind: "sync" }, [{ cpu: "500us" }, { block: "1ms" }]),
    ];
    for (const s of cases) {
      const model = simulate(s, { seed: 1, trace: false }).metrics.throughput;
      const ratio = model / estimateCapacity(s).perSecond;
      expect(ratio).toBeGreaterThan(0.6);
      expect(ratio).toBeLessThan(1.8);
    }
  });
});
