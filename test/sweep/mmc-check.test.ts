import { describe, expect, test } from "vitest";
import { mmcMeanSojourn, mmcWaitQuantile } from "../../src/queueing/erlang-c.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { mmcModel, mmcPredict, mmcSojournQuantile } from "../../src/sweep/mmc-check.js";
import { parseSlo } from "../../src/sweep/slo.js";
import { mmcScenario } from "./fixtures.js";

describe("mmcSojournQuantile", () => {
  test("mmcSojournQuantile with one server is the M/M/1 time in system, Exp(mu - lambda)", () => {
    for (const [lambda, mu, q] of [
      [3, 5, 0.99],
      [50, 100, 0.5],
      [0.1, 1, 0.95],
    ] as const) {
      expect(mmcSojournQuantile(lambda, mu, 1, q)).toBeCloseTo(-Math.log(1 - q) / (mu - lambda), 9);
    }
  });

  test("mmcSojournQuantile with many idle servers is the service time's quantile", () => {
    expect(mmcSojournQuantile(1, 100, 50, 0.99)).toBeCloseTo(-Math.log(0.01) / 100, 9);
  });

  test("mmcSojournQuantile lies between the wait quantile and wait plus the longest service", () => {
    const t = mmcSojournQuantile(300, 100, 4, 0.99);
    expect(t).toBeGreaterThan(mmcWaitQuantile(300, 100, 4, 0.99));
    expect(t).toBeLessThan(mmcWaitQuantile(300, 100, 4, 0.99) + -Math.log(0.01) / 100);
  });
});

describe("mmcModel", () => {
  test("mmcModel reads rates and servers from an M/M/c-like scenario", () => {
    expect(mmcModel(parseScenario(mmcScenario()))).toEqual({ lambda: 300, mu: 100, servers: 4 });
  });

  test("mmcModel applies the free-threaded slowdown to pure-Python steps under GIL-off threads", () => {
    const s = { ...mmcScenario(), runtime: { python: "3.13t" }, executor: { kind: "threads", workers: 2 } };
    const model = mmcModel(parseScenario(s));
    expect(model).toMatchObject({ lambda: 300, servers: 2 });
    expect((model as { mu: number }).mu).toBeCloseTo(100 / 1.4, 9);
  });

  test("mmcModel says why a scenario is not M/M/c-like", () => {
    const base = mmcScenario();
    const reason = (over: Record<string, unknown>) => mmcModel(parseScenario({ ...base, ...over }));
    expect(reason({ executor: { kind: "threads", workers: 2 } })).toBe("threads share one GIL");
    expect(reason({ executor: { kind: "processes", workers: 9 } })).toBe("9 workers on 8 cores share cores");
    expect(reason({ executor: { kind: "asyncio" } })).toBe("the asyncio executor is not a pool of servers");
    const wl = base.workload as Record<string, unknown>;
    expect(reason({ workload: { ...wl, arrivals: { kind: "batch", count: 5 } } })).toBe(
      "arrivals are batch, not poisson",
    );
    expect(reason({ workload: { ...wl, classes: [{ steps: [{ cpu: "10ms" }] }] } })).toBe(
      "the CPU step is constant, not exponential",
    );
    expect(reason({ workload: { ...wl, classes: [{ steps: [{ cpu: "1ms" }, { io: "1ms" }] }] } })).toBe(
      "a task is not a single CPU step",
    );
  });
});

describe("mmcPredict", () => {
  test("mmcPredict gives Erlang C's figures in ns, the arrival rate for throughput, and nothing for max", () => {
    const model = { lambda: 300, mu: 100, servers: 4 };
    const [mean, p99, wait99, tput, max] = parseSlo("mean<1s,p99<1s,wait.p99<1s,throughput>1,max<1s");
    expect(mmcPredict(model, mean!)).toBeCloseTo(mmcMeanSojourn(300, 100, 4) * 1e9, 3);
    expect(mmcPredict(model, p99!)).toBeCloseTo(mmcSojournQuantile(300, 100, 4, 0.99) * 1e9, 3);
    expect(mmcPredict(model, wait99!)).toBeCloseTo(mmcWaitQuantile(300, 100, 4, 0.99) * 1e9, 3);
    expect(mmcPredict(model, tput!)).toBe(300);
    expect(mmcPredict(model, max!)).toBeNull();
    expect(mmcPredict({ lambda: 300, mu: 100, servers: 3 }, mean!)).toBeNull();
  });
});
