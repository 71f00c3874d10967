import { describe, expect, it } from "vitest";
import { NUDGE_MAX_PX, parityChart } from "../../src/charts/parity.js";
import { svgTexts } from "../fixtures/golden.js";

const series = [
  { key: "a", label: "a", color: "#D55E00", symbol: "square" as const },
  { key: "b", label: "b", color: "#0072B2", symbol: "circle" as const },
];

/** The x of each panel's y-axis domain line: where its plot area starts. */
function plotLefts(svg: string): number[] {
  return [...svg.matchAll(/<svg[^>]*>[\s\S]*?<\/svg>/g)].flatMap((m) => {
    const first = /<g aria-label="y-axis tick"[^>]*>\s*<path transform="translate\(([\d.]+),/.exec(m[0]);
    return first ? [Number(first[1])] : [];
  });
}

describe("parityChart", () => {
  it("lines up the plot areas of panels whose tick labels differ in width", () => {
    const figure = parityChart(
      [
        { quantity: "p50 (ms)", points: [{ measured: 2, simulated: 3, series: "a" }] },
        { quantity: "p99 (ms)", points: [{ measured: 200, simulated: 300, series: "a" }] },
      ],
      { series, columns: 2 },
    );
    const lefts = plotLefts(figure.svg);
    expect(lefts.length).toBe(2);
    expect(new Set(lefts).size).toBe(1);
  });

  it("draws each point's real runs as a line and names it in the legend only when given; moves overlapping markers apart and says so", () => {
    const points = [
      { measured: 10, simulated: 8, series: "a", runs: [7, 14] as [number, number] },
      { measured: 10, simulated: 8, series: "b", runs: [9, 12] as [number, number] },
    ];
    const figure = parityChart([{ quantity: "p99 (ms)", points }], { series, caption: "Mine." });
    expect(svgTexts(figure.svg)).toContain("real runs, lowest to highest");
    expect(figure.caption).toContain("moved apart");
    const dots = [...figure.svg.matchAll(/<g aria-label="dot"[^>]*>([\s\S]*?)<\/g>/g)].map((m) => m[1] ?? "");
    const at = dots.map((g) => /transform="translate\(([\d.]+),([\d.]+)\)"/.exec(g)?.slice(1).join(","));
    expect(at[0]).toBeDefined();
    expect(at[0]).not.toBe(at[1]);
    const plain = parityChart([{ quantity: "p99 (ms)", points: [{ measured: 10, simulated: 8, series: "a" }] }], {
      series,
    });
    expect(svgTexts(plain.svg)).not.toContain("real runs, lowest to highest");
    expect(plain.caption).not.toContain("moved apart");
    expect(plain.caption).toContain("below it too low");
  });

  it("moves a crowd of markers at most a few px, either side of the diagonal, so the cloud keeps its place", () => {
    // 60 exact points crowded on the identity line: before, each later marker was pushed up-left
    // until clear of all others, and the crowd rose far above the line, as if the simulation
    // overestimated.
    const points = Array.from({ length: 60 }, (_, i) => {
      const v = 1 + (i % 12) * 0.02;
      return { measured: v, simulated: v, series: i % 2 ? "a" : "b" };
    });
    const figure = parityChart(
      [
        {
          quantity: "makespan (s)",
          points: [
            ...points,
            { measured: 0.5, simulated: 0.5, series: "a" },
            { measured: 5, simulated: 5, series: "a" },
          ],
        },
      ],
      { series },
    );
    const dots = [...figure.svg.matchAll(/<g aria-label="dot"[^>]*>([\s\S]*?)<\/g>/g)].map((m) => m[1] ?? "");
    const xy = dots.flatMap((g) =>
      [...g.matchAll(/transform="translate\(([\d.]+),([\d.]+)\)"/g)].map((m) => [Number(m[1]), Number(m[2])]),
    );
    expect(xy.length).toBe(62);
    // On exact points x + y is the same along the identity line (y grows downwards in SVG): the
    // distance across the diagonal is |(x + y) - c| / sqrt 2, c taken from an uncrowded point.
    const sums = xy.map(([x, y]) => (x as number) + (y as number));
    const c = sums[sums.length - 1] as number;
    const across = sums.map((s) => (s - c) / Math.SQRT2);
    expect(Math.max(...across.map(Math.abs))).toBeLessThanOrEqual(NUDGE_MAX_PX + 0.01);
    // Both sides are used: the nudges do not lean the cloud up.
    expect(across.some((d) => d > 1)).toBe(true);
    expect(across.some((d) => d < -1)).toBe(true);
    expect(figure.caption).toContain("at most 6 px");
  });
});
