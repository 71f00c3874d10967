import { describe, expect, it } from "vitest";
import { EXECUTOR_STYLES } from "../../src/charts/palette.js";
import { scalingChart } from "../../src/charts/scaling.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { scalingPoints } from "../fixtures/scaling.js";

describe("scalingChart", () => {
  it("scalingChart(points with intervals) matches its golden file", () => {
    const figure = scalingChart(scalingPoints());
    expectSvgInvariants(figure.svg);
    expectGolden("scaling", figure.svg);
  });

  it("scalingChart labels both axes with units and lists each executor kind in the legend", () => {
    const texts = svgTexts(scalingChart(scalingPoints(false), { quantile: "p95" }).svg);
    expect(texts).toContain("throughput (tasks/s)");
    expect(texts).toContain("p95 latency (ms)");
    expect(texts.filter((t) => t === "workers (pool size)")).toHaveLength(2);
    for (const kind of ["asyncio", "threads-gil", "threads-nogil", "processes"] as const) {
      expect(texts).toContain(EXECUTOR_STYLES[kind].label);
    }
    expect(texts).not.toContain(EXECUTOR_STYLES.sync.label);
  });

  it("scalingChart draws whiskers only for points that carry an interval", () => {
    const withCi = scalingChart(scalingPoints(true)).svg;
    const without = scalingChart(scalingPoints(false)).svg;
    const whiskers = `aria-label="rule" stroke="${EXECUTOR_STYLES.asyncio.color}"`;
    expect(withCi).toContain(whiskers);
    expect(without).not.toContain(whiskers);
    expect(withCi).toContain("Whiskers show confidence intervals");
  });

  it("scalingChart gives the same bytes for the same points", () => {
    expect(scalingChart(scalingPoints()).svg).toBe(scalingChart(scalingPoints()).svg);
  });

  it("scalingChart rejects unknown executors, bad worker counts and inverted intervals by name", () => {
    const [first] = scalingPoints(false);
    if (!first) throw new Error("fixture is empty");
    expect(() => scalingChart([{ ...first, executor: "greenlets" as "sync" }])).toThrow(
      'invalid points[0].executor: "greenlets" (expected one of asyncio, threads-gil, threads-nogil, processes, sync)',
    );
    expect(() => scalingChart([{ ...first, workers: 0 }])).toThrow(
      "invalid points[0].workers: 0 (expected a positive integer)",
    );
    expect(() => scalingChart([{ ...first, throughput: { mean: 5, lo: 6, hi: 7 } }])).toThrow(
      "invalid points[0].throughput",
    );
    expect(() => scalingChart([])).toThrow("invalid points: [] (expected a non-empty array of ScalingPoint)");
  });
});
