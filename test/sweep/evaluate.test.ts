import { describe, expect, test } from "vitest";
import { replicate } from "../../src/metrics/replicate.js";
import { LatencySketch } from "../../src/metrics/sketch.js";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { cutShort, evaluate, isTimeMetric, SUMMARY_METRICS } from "../../src/sweep/evaluate.js";
import { tinyScenario } from "./fixtures.js";

describe("evaluate", () => {
  test("evaluate gives replicate's summary with its metrics in name order", () => {
    const scenario = parseScenario(tinyScenario());
    const result = evaluate({ id: 7, scenario, seed: 42, replications: 2 });
    expect(result.state).toBe("done");
    if (result.state !== "done") return;
    expect(result.id).toBe(7);
    const expected = replicate(scenario, { replications: 2, seed: 42 }).summary;
    expect(Object.keys(result.outcome.summary)).toEqual(Object.keys(expected).sort());
    expect(result.outcome.summary).toEqual(expected);
  });

  test("evaluate keeps each replication's metrics and pools every run's latencies", () => {
    const scenario = parseScenario(tinyScenario());
    const result = evaluate({ id: 0, scenario, seed: 42, replications: 3 });
    if (result.state !== "done") throw new Error(result.error);
    const runs = [42, 43, 44].map((seed) => simulate(scenario, { seed, trace: false }));
    expect(result.outcome.runs["latency.p99"]).toEqual(runs.map((r) => r.metrics.latency.p99));
    expect(result.outcome.runs.throughput).toEqual(runs.map((r) => r.metrics.throughput));
    const pooled = LatencySketch.fromData(result.outcome.latency);
    expect(pooled.size).toBe(runs.reduce((a, r) => a + r.metrics.latency.count, 0));
    expect(pooled.summary().max).toBe(Math.max(...runs.map((r) => r.metrics.latency.max)));
  });

  test("evaluate counts the replications that run.until cut short with tasks unfinished", () => {
    // 30 arrivals at 200/s take about 150 ms to arrive: a run stopped at 50 ms leaves most unfinished.
    const cut = parseScenario({ ...tinyScenario(), run: { until: "50ms" } });
    const result = evaluate({ id: 0, scenario: cut, seed: 5, replications: 3 });
    if (result.state !== "done") throw new Error(result.error);
    const runs = [5, 6, 7].map((seed) => simulate(cut, { seed, trace: false }));
    expect(runs.every((r) => r.truncated)).toBe(true);
    expect(result.outcome.truncated).toBe(3);
    const whole = evaluate({ id: 0, scenario: parseScenario(tinyScenario()), seed: 5, replications: 3 });
    if (whole.state !== "done") throw new Error(whole.error);
    expect(whole.outcome.truncated).toBe(0);
  });

  test("evaluate runs with the trace off whatever the scenario says", () => {
    const traced = parseScenario({ ...tinyScenario(), run: { trace: true } });
    // (the same JSON: the sketch's encoding does not depend on how the runs were recorded)
    const plain = parseScenario({ ...tinyScenario(), run: { trace: false } });
    expect(evaluate({ id: 0, scenario: traced, seed: 1, replications: 1 })).toEqual(
      evaluate({ id: 0, scenario: plain, seed: 1, replications: 1 }),
    );
  });

  test("evaluate reports a failure as a message instead of throwing", () => {
    const scenario = parseScenario(tinyScenario());
    expect(evaluate({ id: 3, scenario, seed: 1, replications: 0 })).toEqual({
      id: 3,
      state: "failed",
      error: "invalid replications: 0 (expected a positive integer)",
    });
  });
});

describe("SUMMARY_METRICS", () => {
  test("SUMMARY_METRICS lists exactly the metrics replicate summarizes", () => {
    const summary = replicate(parseScenario(tinyScenario()), { replications: 1 }).summary;
    expect([...SUMMARY_METRICS]).toEqual(Object.keys(summary).sort());
  });

  test("isTimeMetric tells times from rates and counts", () => {
    expect(SUMMARY_METRICS.filter(isTimeMetric)).toEqual([
      "latency.max",
      "latency.mean",
      "latency.p50",
      "latency.p90",
      "latency.p95",
      "latency.p99",
      "loop.lag.p99",
      "makespan",
      "wait.mean",
      "wait.p99",
    ]);
  });

  test("cutShort: a cut run's time is a lower bound, its throughput is not, and an uncut run is neither", () => {
    expect(cutShort({ truncated: 1 }, "latency.p99")).toBe(true);
    expect(cutShort({ truncated: 2 }, "wait.p99")).toBe(true);
    expect(cutShort({ truncated: 1 }, "throughput")).toBe(false);
    expect(cutShort({ truncated: 0 }, "latency.p99")).toBe(false);
    expect(cutShort({}, "makespan")).toBe(false);
  });
});
