import { describe, expect, it } from "vitest";
import { type ErrorPoint, errorAxis, errorStripChart, linearErrorAxis } from "../../src/charts/error-strip.js";
import { signedNumber } from "../../src/charts/signs.js";
import { svgTexts } from "../fixtures/golden.js";

const format = (t: number) => `${signedNumber(t, 0, true)}%`;
const points = (errors: number[]): ErrorPoint[] =>
  errors.map((error) => ({ row: "p99", panel: "a", error, series: "s" }));
const options = {
  rows: ["p99"],
  panels: ["a"],
  series: [{ key: "s", label: "sync", color: "#000000", symbol: "cross" as const }],
};

describe("error strip axes", () => {
  it("the linear axis spans the data in whole tens and ticks every 10%", () => {
    expect(linearErrorAxis([-68.2, -12, 17.5], [5, 15])).toEqual({
      domain: [-70, 20],
      ticks: [-70, -60, -50, -40, -30, -20, -10, 0, 10, 20],
    });
    // The outer band is always inside.
    expect(linearErrorAxis([-2, 3], [5, 15]).domain).toEqual([-20, 20]);
  });

  it("the symlog axis ticks only at round, readable percents and reaches past the data", () => {
    const { domain, ticks } = errorAxis([-80.5, -12, 51.4], [5, 15], 300, format);
    expect(domain[0]).toBeLessThanOrEqual(-80.5);
    expect(domain[1]).toBeGreaterThanOrEqual(51.4);
    for (const t of ticks) expect([0, 5, 15, 30, 50, 100]).toContain(Math.abs(t));
    expect(ticks).toContain(0);
    expect(ticks).toContain(-15);
    expect(ticks).toContain(15);
  });

  it("each caption says which axis is drawn, and the linear chart labels its ticks every 10%", () => {
    const sym = errorStripChart(points([-0.3, 0.1]), options);
    expect(sym.caption).toContain("symmetric-log");
    expect(sym.caption).not.toContain("linear within");
    const lin = errorStripChart(points([-0.68, 0.17]), { ...options, axis: "linear" });
    expect(lin.caption).toContain("The axis is linear.");
    const texts = svgTexts(lin.svg);
    for (const t of ["−70%", "−40%", "0%", "+10%", "+20%"]) expect(texts).toContain(t);
    expect(() => errorStripChart(points([0]), { ...options, axis: "log" as never })).toThrow(/axis/);
  });

  it("labels the axis with what the error compares: simulated − measured unless told otherwise", () => {
    expect(svgTexts(errorStripChart(points([-0.1]), options).svg).join(" ")).toContain(
      "(simulated − measured) / measured",
    );
    const predicted = errorStripChart(points([-0.1]), { ...options, difference: "predicted − measured" });
    expect(svgTexts(predicted.svg).join(" ")).toContain("(predicted − measured) / measured");
  });

  it("names the median's I-beam and the 0% line in the legend, and rings the points outside the outer band only when asked", () => {
    const errors = [-0.3, -0.1, 0.02, 0.16];
    const plain = errorStripChart(points(errors), { ...options, difference: "predicted − measured" });
    const texts = svgTexts(plain.svg);
    expect(texts).toContain("median signed error of the row");
    expect(texts).toContain("0%: predicted = measured");
    expect(texts).not.toContain("outside ±15%");
    const ringsOf = (svg: string) =>
      [...svg.matchAll(/<g aria-label="dot"([^>]*)>([\s\S]*?)<\/g>/g)].filter((g) => /fill="none"/.test(g[1] ?? ""));
    expect(ringsOf(plain.svg)).toHaveLength(0);
    const ringed = errorStripChart(points(errors), { ...options, ringOutside: true });
    expect(svgTexts(ringed.svg)).toContain("outside ±15%");
    // One ring per point beyond ±15%: -30% and +16%, not -10% or +2%.
    const [rings] = ringsOf(ringed.svg);
    expect([...(rings?.[2] ?? "").matchAll(/<circle/g)]).toHaveLength(2);
    // None outside: no ring and no legend entry.
    const inside = errorStripChart(points([-0.1, 0.05]), { ...options, ringOutside: true });
    expect(svgTexts(inside.svg)).not.toContain("outside ±15%");
  });

  it("labels each row's median as the median signed error", () => {
    const texts = svgTexts(errorStripChart(points([-0.1, -0.2, 0.05]), options).svg).join(" ");
    expect(texts).toContain("median signed");
  });

  it("marks each row's median with two flat black caps (an I-beam) drawn after the dots, at the median's x", () => {
    // Errors -10%, -20%, +5%: the median, -10%, sits under a dot; the caps above and below the
    // row show it anyway.
    const svg = errorStripChart(points([-0.1, -0.2, 0.05]), options).svg;
    const groups = [...svg.matchAll(/<g aria-label="dot"([^>]*)>([\s\S]*?)<\/g>/g)];
    const heads = groups.filter((g) => /fill="#1a1a1a"/.test(g[1] ?? ""));
    expect(heads).toHaveLength(2);
    const xs = heads.map((g) => Number(/translate\(([\d.]+),/.exec(g[2] ?? "")?.[1]));
    expect(xs[0]).toBeCloseTo(xs[1] as number, 3);
    // Flat bars 12 px wide and 3 high, not a shape any series uses (black arrowheads read as the
    // triangles of the process pools).
    for (const g of heads) {
      const d = [...(g[2] ?? "").matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(d)).toEqual(new Set(["M-6,-1.5L6,-1.5L6,1.5L-6,1.5Z"]));
    }
    // Drawn after (over) the series' dots.
    const dots = groups.findIndex((g) => !/fill="#1a1a1a"/.test(g[1] ?? ""));
    expect(groups.findIndex((g) => /fill="#1a1a1a"/.test(g[1] ?? ""))).toBeGreaterThan(dots);
    // And where the -10% dot is.
    const dotX = [...(groups[dots]?.[2] ?? "").matchAll(/translate\(([\d.]+),/g)].map((m) => Number(m[1]));
    expect(dotX.some((x) => Math.abs(x - (xs[0] as number)) < 0.01)).toBe(true);
  });
});
