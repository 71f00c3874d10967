import { describe, expect, it } from "vitest";
import * as gilsim from "../src/index.js";

describe("the public entry (src/index.ts)", () => {
  it("exports the README's API: scenario, simulate, replicate, loading, charts, traces, the real runner", () => {
    for (const name of [
      "scenario",
      "parseScenario",
      "simulate",
      "replicate",
      "loadScenario",
      "presetNames",
      "metricsFromTrace",
      "timelineChart",
      "scalingChart",
      "svgToPng",
      "chromeTraceJson",
      "readTraceFile",
      "runReal",
      "Simulation",
    ]) {
      expect(typeof (gilsim as Record<string, unknown>)[name], name).toBe("function");
    }
  });

  it("runs the README's quick-start example through the entry, the same bytes twice", () => {
    const s = gilsim.scenario({
      machine: { cores: 4 },
      runtime: { python: "3.12" },
      executor: { kind: "threads", workers: 16 },
      workload: {
        arrivals: { kind: "poisson", rate: "500/s", count: 500 },
        classes: [{ steps: [{ cpu: "2ms" }, { io: { dist: "exponential", mean: "30ms" } }] }],
      },
    });
    const a = gilsim.simulate(s, { seed: 7 });
    const b = gilsim.simulate(s, { seed: 7 });
    expect(a.metrics.tasks.completed).toBe(500);
    // 500/s x 2 ms is the whole GIL: latency grows far past the 32 ms a request needs alone.
    expect(a.metrics.latency.p99).toBeGreaterThan(100 * gilsim.MS);
    expect(JSON.stringify(a.metrics)).toBe(JSON.stringify(b.metrics));
    expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
  });
});
