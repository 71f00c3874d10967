import { describe, expect, test } from "vitest";
import { chromeTrace, FIGURES, metricsJson, reportFigure } from "../../src/explore/export.js";
import { readKnobs } from "../../src/explore/knobs.js";
import { runScenario } from "../../src/explore/run.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { chromeTraceJson } from "../../src/trace/chrome.js";

const scenario = parseScenario(getPreset("asyncio-offload"));
const outcome = runScenario(scenario);
const data = {
  name: scenario.name,
  trace: outcome.trace,
  metrics: outcome.metrics,
  knobs: readKnobs(scenario),
  window: [0, outcome.trace.end] as [number, number],
  latencies: outcome.trace.tasks.map((t) => t.end - t.arrival),
  sweep: [
    { workers: 1, p99: 2e8, throughput: 90 },
    { workers: 4, p99: outcome.metrics.latency.p99, throughput: outcome.metrics.throughput },
  ],
};

describe("reportFigure", () => {
  test("reportFigure draws each figure as one standalone SVG with the scenario's name in it", () => {
    for (const name of FIGURES) {
      const figure = reportFigure(name, data);
      if (!figure) throw new Error(`no ${name} figure`);
      expect(figure.svg.startsWith("<svg")).toBe(true);
      expect(figure.svg.match(/xmlns="http:\/\/www.w3.org\/2000\/svg"/g)?.length).toBe(1);
      expect(figure.svg).toContain("asyncio-offload");
      expect(figure.width).toBeGreaterThan(0);
    }
  });

  test("reportFigure gives null where the run has nothing to draw", () => {
    expect(reportFigure("workers", { ...data, sweep: [] })).toBeNull();
    expect(reportFigure("latency", { ...data, latencies: [] })).toBeNull();
  });

  test("the timeline figure follows the window", () => {
    const whole = reportFigure("timeline", data)?.svg;
    const zoomed = reportFigure("timeline", { ...data, window: [0, outcome.trace.end / 10] })?.svg;
    expect(zoomed).not.toBe(whole);
  });
});

describe("metricsJson, chromeTrace", () => {
  test("metricsJson is the CLI's stable JSON, and chromeTrace the trace command's", () => {
    const json = JSON.parse(metricsJson(outcome.metrics));
    expect(json.units).toMatchObject({ time: "ns" });
    expect(json).not.toHaveProperty("queue");
    expect(json.makespan).toBe(outcome.metrics.makespan);
    expect(chromeTrace(outcome.trace, outcome.metrics)).toBe(
      chromeTraceJson(outcome.trace, { loops: outcome.metrics.loops }),
    );
  });
});
