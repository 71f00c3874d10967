import { describe, expect, it } from "vitest";
import { ecdfChart, ecdfDistance } from "../../src/charts/ecdf.js";
import { MS } from "../../src/engine/time.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { logisticLatencies, uniformLatencies } from "../fixtures/latencies.js";

describe("ecdfChart", () => {
  it("ecdfChart(1..200 ms) matches its golden file and marks p50 = 100, p95 = 190, p99 = 198 ms", () => {
    const figure = ecdfChart({ label: "uniform 1..200 ms", values: uniformLatencies() });
    expectSvgInvariants(figure.svg);
    const texts = svgTexts(figure.svg);
    expect(texts).toContain("p50 100 ms");
    expect(texts).toContain("p95 190 ms");
    expect(texts).toContain("p99 198 ms");
    expect(texts).toContain("latency (ms)");
    expect(texts).toContain("tasks done within that latency (% of all tasks)");
    expectGolden("ecdf-uniform", figure.svg);
  });

  it("ecdfChart of two executors on a log axis matches its golden file", () => {
    const figure = ecdfChart(
      [
        { label: "asyncio", executor: "asyncio", values: logisticLatencies(2000, 12 * MS, 0.35) },
        { label: "threads (GIL)", executor: "threads-gil", values: logisticLatencies(500, 20 * MS, 0.25) },
      ],
      { scale: "log" },
    );
    expectSvgInvariants(figure.svg);
    // Log-logistic quantiles: median * (q / (1 - q))^spread at the nearest rank.
    const q = (n: number, p: number, median: number, spread: number): number => {
      const i = Math.ceil(p * n) - 1;
      const u = (i + 0.5) / n;
      return Math.round(median * (u / (1 - u)) ** spread) / MS;
    };
    const texts = svgTexts(figure.svg);
    expect(texts).toContain(`p99 ${Number(q(2000, 0.99, 12 * MS, 0.35).toPrecision(3))} ms`);
    expect(texts).toContain(`p50 ${Number(q(500, 0.5, 20 * MS, 0.25).toPrecision(3))} ms`);
    expectGolden("ecdf-two-log", figure.svg);
  });

  it("ecdfChart draws a threshold as a labelled vertical line, stretching the axis to reach it, and rejects a bad one", () => {
    // Latencies of 1 to 200 ms and a 500 ms timeout beyond them all: the axis must reach 500.
    const figure = ecdfChart(
      { label: "a", values: uniformLatencies() },
      { threshold: { value: 500 * MS, label: "timeout 500 ms" } },
    );
    const texts = svgTexts(figure.svg);
    expect(texts).toContain("timeout 500 ms");
    expect(texts).toContain("500");
    expect(figure.svg).toMatch(/<g aria-label="rule" stroke="#1a1a1a" stroke-width="1.5"><line/);
    expect(() =>
      ecdfChart({ label: "a", values: uniformLatencies() }, { threshold: { value: -1, label: "x" } }),
    ).toThrow("invalid threshold");
  });

  it("ecdfChart keeps a threshold below every latency off the y axis, its label to the right of the line", () => {
    for (const scale of ["log", "linear"] as const) {
      const figure = ecdfChart(
        { label: "a", values: uniformLatencies() },
        { scale, threshold: { value: 0.5 * MS, label: "half a millisecond" } },
      );
      const rule = /<g aria-label="rule" stroke="#1a1a1a" stroke-width="1.5"><line x1="([\d.]+)"/.exec(figure.svg);
      const yAxis = /<g aria-label="y-axis tick"[^>]*>\s*<path transform="translate\(([\d.]+),/.exec(figure.svg);
      expect(Number(rule?.[1])).toBeGreaterThan(Number(yAxis?.[1]) + 1);
      expect(figure.svg).toMatch(/text-anchor="start"[^>]*>(<[^>]*>)*half a millisecond/);
    }
  });

  it("ecdfChart marks the quantiles asked for", () => {
    const texts = svgTexts(ecdfChart({ label: "u", values: uniformLatencies() }, { quantiles: [0.9] }).svg);
    expect(texts).toContain("p90 180 ms");
    expect(texts.some((t) => t.startsWith("p50"))).toBe(false);
  });

  it("ecdfChart gives the same bytes for the same sample", () => {
    expect(ecdfChart({ label: "u", values: uniformLatencies() }).svg).toBe(
      ecdfChart({ label: "u", values: uniformLatencies() }).svg,
    );
  });

  it("ecdfChart rejects empty series, a log axis over zero and bad quantiles", () => {
    expect(() => ecdfChart([])).toThrow("invalid series: [] (expected at least one series)");
    expect(() => ecdfChart({ label: "z", values: [0, 1] }, { scale: "log" })).toThrow(
      'invalid scale: "log" (expected linear when latencies can be 0 or less)',
    );
    expect(() => ecdfChart({ label: "u", values: [1] }, { quantiles: [1.5] })).toThrow("invalid quantiles: [1.5]");
  });

  it("ecdfChart draws a reference series first, as a wide grey band with no quantile marks, and names it in the legend", () => {
    const values = uniformLatencies();
    const figure = ecdfChart(
      [
        { label: "baseline (wide grey)", reference: true, values },
        // The same values: drawn on top, inside the band, instead of hiding it.
        { label: "processes", executor: "processes", values },
      ],
      { scale: "log" },
    );
    expectSvgInvariants(figure.svg);
    const texts = svgTexts(figure.svg);
    expect(texts).toContain("baseline (wide grey)");
    // Quantile labels for the one marked series only.
    expect(texts.filter((t) => t.startsWith("p50 "))).toHaveLength(1);
    // In the plot (the nested svg, after the legend), the wide grey line comes before the orange one.
    const plot = figure.svg.slice(figure.svg.indexOf("<svg", 1)).toLowerCase();
    const wide = plot.indexOf('stroke-width="8"');
    const orange = plot.indexOf('stroke="#e69f00"');
    expect(wide).toBeGreaterThan(0);
    expect(orange).toBeGreaterThan(wide);
  });

  it("ecdfDistance is the largest vertical gap between two empirical CDFs", () => {
    expect(ecdfDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ecdfDistance([1, 2], [3, 4])).toBe(1);
    // Up to 4 the first has all four values, the second three of four.
    expect(ecdfDistance([1, 2, 3, 4], [1, 2, 3, 5])).toBe(0.25);
    // Different sizes: at 2, 2/2 against 1/4.
    expect(ecdfDistance([1, 2], [1, 3, 3, 3])).toBe(0.75);
  });

  it("ecdfChart's caption names a curve drawn over another that it hides, and only then", () => {
    const values = uniformLatencies();
    const near = values.map((v, i) => (i === 0 ? v * 1.001 : v));
    const far = values.map((v) => v * 3);
    const hiding = ecdfChart(
      [
        { label: "first", executor: "asyncio", values },
        { label: "second", executor: "threads-gil", values: near },
      ],
      { scale: "log" },
    );
    expect(hiding.caption).toContain("“first” lies under “second”, never more than 0.5 points apart");
    const apart = ecdfChart(
      [
        { label: "first", executor: "asyncio", values },
        { label: "second", executor: "threads-gil", values: far },
      ],
      { scale: "log" },
    );
    expect(apart.caption).not.toContain("lies under");
    // Within 1.5 points of share everywhere, but the top 1.5% three times slower: their p99s differ,
    // so the curves do not coincide where it matters.
    const tail = values.map((v, i) => (i >= values.length - 3 ? v * 3 : v));
    const tails = ecdfChart(
      [
        { label: "first", executor: "asyncio", values },
        { label: "second", executor: "threads-gil", values: tail },
      ],
      { scale: "log" },
    );
    expect(tails.caption).not.toContain("lies under");
  });
});
