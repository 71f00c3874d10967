import { describe, expect, it } from "vitest";
import { AGREEMENT_COLORS } from "../../src/charts/palette.js";
import { relativeError, simRealChart } from "../../src/charts/simreal.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { simRealPoints } from "../fixtures/simreal.js";

describe("simRealChart", () => {
  it("simRealChart(points) matches its golden file", () => {
    const figure = simRealChart(simRealPoints(), { quantity: "p99 latency (ms)" });
    expectSvgInvariants(figure.svg);
    expectGolden("simreal", figure.svg);
  });

  it("simRealChart marks points by error band in colour and shape: 3 within ±5%, 2 within ±15%, 2 outside", () => {
    const { svg } = simRealChart(simRealPoints(), { quantity: "p99 latency (ms)" });
    const group = svg.match(/<g aria-label="dot"[^>]*>([\s\S]*?)<\/g>/)?.[1] ?? "";
    const shapes = (color: string) =>
      [...group.matchAll(new RegExp(`d="([^"]+)" fill="${color}"`, "gi"))].map((m) => m[1]);
    const inner = shapes(AGREEMENT_COLORS.inner);
    const outer = shapes(AGREEMENT_COLORS.outer);
    const outside = shapes(AGREEMENT_COLORS.outside);
    expect([inner.length, outer.length, outside.length]).toEqual([3, 2, 2]);
    // One shape per band, and a different one for each band.
    const one = [inner, outer, outside].map((d) => new Set(d));
    expect(one.map((d) => d.size)).toEqual([1, 1, 1]);
    expect(new Set(one.map((d) => [...d][0])).size).toBe(3);
    expect(svgTexts(svg)).toContain("5 of 7 within ±15%");
  });

  it("simRealChart shows each point's real runs, lowest to highest, when given, and says so in the legend and caption", () => {
    const points = simRealPoints().map((p, i) =>
      i === 0 ? { ...p, runs: [p.measured * 0.9, p.measured, p.measured * 1.2] } : p,
    );
    const figure = simRealChart(points, { quantity: "p99 latency (ms)" });
    const texts = svgTexts(figure.svg);
    expect(texts).toContain("real runs, lowest to highest");
    expect(texts).toContain("one real run");
    expect(figure.caption).toContain("spans its real runs");
    // Three rings for the three runs of the first point, white with an ink outline.
    const rings = /<g aria-label="dot" fill="#ffffff" stroke="#1a1a1a">([\s\S]*?)<\/g>/.exec(figure.svg)?.[1] ?? "";
    expect(rings.match(/<(path|circle)/g)).toHaveLength(3);
    const plain = simRealChart(simRealPoints(), { quantity: "p99 latency (ms)" });
    expect(svgTexts(plain.svg)).not.toContain("one real run");
    expect(() => simRealChart([{ ...points[0], runs: [-1] } as never])).toThrow(/invalid points\[0\]\.runs/);
  });

  it("simRealChart's legend names only what is drawn: agreement classes some point is in, and runs only where they show beside the marker", () => {
    // Every point within ±5%, its runs within 0.1% of its mean: under the marker.
    const points = simRealPoints().map((p) => ({
      ...p,
      simulated: p.measured * 1.01,
      runs: [p.measured * 0.999, p.measured * 1.001],
    }));
    const figure = simRealChart(points, { quantity: "p99 latency (ms)" });
    const texts = svgTexts(figure.svg);
    expect(texts).toContain("within ±5%");
    expect(texts).not.toContain("within ±15%");
    expect(texts).not.toContain("off by more than ±15%");
    expect(texts).not.toContain("real runs, lowest to highest");
    expect(texts).not.toContain("one real run");
    expect(figure.caption).toContain("real runs lie under it");
  });

  it("simRealChart labels every point and both axes with the quantity's unit, and a log axis says so", () => {
    const texts = svgTexts(simRealChart(simRealPoints(), { quantity: "p99 latency (ms)", scale: "log" }).svg);
    for (const p of simRealPoints()) expect(texts).toContain(p.label);
    expect(texts).toContain("measured p99 latency (ms), log scale");
    expect(texts).toContain("simulated p99 latency (ms), log scale");
    const linear = svgTexts(simRealChart(simRealPoints(), { quantity: "p99 latency (ms)" }).svg);
    expect(linear).toContain("measured p99 latency (ms)");
  });

  it("relativeError is (simulated - measured) / measured", () => {
    expect(relativeError({ label: "a", simulated: 11, measured: 10 })).toBeCloseTo(0.1, 12);
  });

  it("simRealChart rejects bands out of order and non-positive measurements", () => {
    expect(() => simRealChart(simRealPoints(), { bands: [0.2, 0.1] })).toThrow(
      "invalid bands: [0.2, 0.1] (expected [inner, outer] with 0 < inner < outer < 1)",
    );
    expect(() => simRealChart([{ label: "a", simulated: 1, measured: 0 }])).toThrow("invalid points[0]");
  });
});
