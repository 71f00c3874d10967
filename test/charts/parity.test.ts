import { describe, expect, it } from "vitest";
import { parityChart } from "../../src/charts/parity.js";
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
});
