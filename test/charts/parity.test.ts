import { describe, expect, it } from "vitest";
import { SAMPLE_GREY } from "../../src/charts/palette.js";
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
    expect(svgTexts(figure.svg)).toContain("real runs, lowest to highest, through each point (in its colour)");
    // Each runs' line is drawn in its point's colour; the legend's sample is neither series' colour
    // nor the ink, so it names no colour the lines are not drawn in.
    const rules = [...figure.svg.matchAll(/<g aria-label="rule"[^>]*stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(rules).toEqual(expect.arrayContaining(["#D55E00", "#0072B2"]));
    // The legend's sample of that line: the neutral grey, not a series' colour nor the ink, drawn
    // through a point so it is not read as one of the band's solid edges (the same grey).
    const sample = figure.svg.match(
      /<line[^>]*stroke="([^"]+)"[^>]*\/><path[^>]*fill="([^"]+)"[^>]*\/><\/g><text[^>]*>real runs, lowest to highest/,
    );
    expect(sample?.[1]).toBe(SAMPLE_GREY);
    expect(sample?.[2]).toBe(SAMPLE_GREY);
    expect(figure.caption).toContain("slid along the diagonal");
    const dots = [...figure.svg.matchAll(/<g aria-label="dot"[^>]*>([\s\S]*?)<\/g>/g)].map((m) => m[1] ?? "");
    const at = dots.map((g) => /transform="translate\(([\d.]+),([\d.]+)\)"/.exec(g)?.slice(1).join(","));
    expect(at[0]).toBeDefined();
    expect(at[0]).not.toBe(at[1]);
    const plain = parityChart([{ quantity: "p99 (ms)", points: [{ measured: 10, simulated: 8, series: "a" }] }], {
      series,
    });
    expect(svgTexts(plain.svg).join(" ")).not.toContain("real runs, lowest to highest");
    // A forecast says so on its axis and its identity line; the default is a simulation.
    const forecast = parityChart([{ quantity: "p99 (ms)", points: [{ measured: 10, simulated: 8, series: "a" }] }], {
      series,
      modelled: "predicted",
    });
    expect(svgTexts(forecast.svg)).toEqual(expect.arrayContaining(["predicted = measured"]));
    expect(svgTexts(forecast.svg).join(" ")).toContain("predicted (ms)");
    expect(svgTexts(plain.svg)).toEqual(expect.arrayContaining(["simulated = measured"]));
    expect(plain.caption).not.toContain("slid along");
    expect(plain.caption).toContain("below it too low");
  });

  it("slides a crowd of markers along the diagonal only, at most a few px: every marker keeps its error", () => {
    // 60 points crowded on the identity line, and a few off it. Before, each later marker was
    // pushed up-left until clear of all others, and the crowd rose far above the line; moving
    // across the diagonal at all changes the error a marker shows (6 px is about 35% on a panel
    // spanning 4 decades).
    const points = Array.from({ length: 60 }, (_, i) => {
      const v = 1 + (i % 12) * 0.02;
      const k = i % 3 === 0 ? 0.8 : 1;
      return { measured: v, simulated: v * k, series: i % 2 ? "a" : "b" };
    });
    const all = [...points, { measured: 0.5, simulated: 0.5, series: "a" }, { measured: 5, simulated: 5, series: "a" }];
    const figure = parityChart([{ quantity: "makespan (s)", points: all }], { series });
    const dots = [...figure.svg.matchAll(/<g aria-label="dot"[^>]*>([\s\S]*?)<\/g>/g)].map((m) => m[1] ?? "");
    const xy = dots.flatMap((g) =>
      [...g.matchAll(/transform="translate\(([\d.]+),([\d.]+)\)"/g)].map((m) => [Number(m[1]), Number(m[2])]),
    );
    expect(xy.length).toBe(all.length);
    // A marker's distance across the diagonal (x + y in SVG, y down) is its error; along it, its
    // nudge. The 42 exact points must all lie on one line across, the 20 low ones on another.
    const across = xy.map(([x, y]) => ((x as number) + (y as number)) / Math.SQRT2).sort((a, b) => a - b);
    const clusters: number[][] = [];
    for (const d of across) {
      const last = clusters.at(-1);
      if (last && Math.abs(d - (last[0] as number)) < 0.05) last.push(d);
      else clusters.push([d]);
    }
    expect(clusters.map((c) => c.length).sort((a, b) => a - b)).toEqual([20, 42]);
    // Some were nudged (they overlap otherwise), each at most NUDGE_MAX_PX along the diagonal.
    const along = xy.map(([x, y]) => ((x as number) - (y as number)) / Math.SQRT2);
    expect(new Set(along.map((a) => a.toFixed(1))).size).toBeGreaterThan(12);
    expect(figure.caption).toContain(`at most ${NUDGE_MAX_PX} px`);
  });

  it("moves no marker more than NUDGE_MAX_PX: five identical points stay within that of their true place", () => {
    const same = Array.from({ length: 5 }, () => ({ measured: 2, simulated: 2, series: "a" }));
    const anchors = [
      { measured: 0.5, simulated: 0.5, series: "b" },
      { measured: 5, simulated: 5, series: "b" },
    ];
    const figure = parityChart([{ quantity: "makespan (s)", points: [...same, ...anchors] }], { series });
    const groups = [...figure.svg.matchAll(/<g aria-label="dot"[^>]*>([\s\S]*?)<\/g>/g)].map((m) =>
      [...(m[1] ?? "").matchAll(/transform="translate\(([\d.]+),([\d.]+)\)"/g)].map((t) => [
        Number(t[1]),
        Number(t[2]),
      ]),
    );
    // Series a (the five) and series b (the anchors, 0.5 and 5: their midpoint in log space is
    // where 2 would be only on a symmetric axis, so the true place is interpolated instead).
    const a = groups.find((g) => g.length === 5) as number[][];
    const b = groups.find((g) => g.length === 2) as number[][];
    const [p0, p1] = [b[0] as number[], b[1] as number[]];
    const t = Math.log(2 / 0.5) / Math.log(5 / 0.5);
    const truth = [
      (p0[0] as number) + t * ((p1[0] as number) - (p0[0] as number)),
      (p0[1] as number) + t * ((p1[1] as number) - (p0[1] as number)),
    ];
    for (const [x, y] of a) {
      expect(
        Math.hypot((x as number) - (truth[0] as number), (y as number) - (truth[1] as number)),
      ).toBeLessThanOrEqual(NUDGE_MAX_PX + 0.05);
    }
    expect(new Set(a.map(([x]) => (x as number).toFixed(1))).size).toBeGreaterThan(2);
  });

  it("writes each point's label beside it, and joins one that could not sit next to it with a leader", () => {
    // Three markers nearly on top of one another: not every label can sit beside its own marker
    // nearer to it than to the others, so at least one goes further out with a leader.
    const points = [
      { measured: 10, simulated: 10, series: "a", runs: [9, 11] as [number, number], label: "1" },
      { measured: 10.05, simulated: 10.05, series: "a", runs: [9.5, 12] as [number, number], label: "16" },
      { measured: 9.95, simulated: 9.95, series: "a", label: "4" },
      { measured: 30, simulated: 20, series: "b" },
    ];
    const figure = parityChart([{ quantity: "p99 (ms)", points }], { series });
    const texts = svgTexts(figure.svg);
    for (const label of ["1", "16", "4"]) expect(texts).toContain(label);
    const links = [...figure.svg.matchAll(/<g aria-label="link"[^>]*>([\s\S]*?)<\/g>/g)];
    expect(links).toHaveLength(1);
    expect([...(links[0]?.[1] ?? "").matchAll(/<path/g)].length).toBeGreaterThanOrEqual(1);
    // Data within a decade: the finer axis, 6 to 40 with a tick at 30, where 1-2-5 steps give 5 to 50.
    expect(texts).toContain("30");
    expect(texts).toContain("6");
    expect(texts).not.toContain("50");
    // No labels, no leaders.
    const bare = parityChart([{ quantity: "p99 (ms)", points: points.map(({ label: _, ...p }) => p) }], { series });
    expect(bare.svg).not.toMatch(/aria-label="link"[^>]*>[\s\S]*?<path/);
  });

  it("rings the points outside the band only when asked, and names the ring in the legend only when one is drawn", () => {
    const points = [
      { measured: 10, simulated: 10.5, series: "a" },
      { measured: 10, simulated: 13, series: "a" },
      { measured: 20, simulated: 12, series: "b" },
    ];
    const ringsOf = (svg: string) =>
      [...svg.matchAll(/<g aria-label="dot"([^>]*)>([\s\S]*?)<\/g>/g)]
        .filter((g) => /fill="none"/.test(g[1] ?? ""))
        .flatMap((g) => [...(g[2] ?? "").matchAll(/<circle/g)]);
    const plain = parityChart([{ quantity: "p99 (ms)", points }], { series });
    expect(ringsOf(plain.svg)).toHaveLength(0);
    expect(svgTexts(plain.svg)).not.toContain("outside ±15%");
    // +5% is inside; +30% and -40% are outside.
    const ringed = parityChart([{ quantity: "p99 (ms)", points }], { series, ringOutside: true });
    expect(ringsOf(ringed.svg)).toHaveLength(2);
    expect(svgTexts(ringed.svg)).toContain("outside ±15%");
    const inside = parityChart([{ quantity: "p99 (ms)", points: points.slice(0, 1) }], { series, ringOutside: true });
    expect(svgTexts(inside.svg)).not.toContain("outside ±15%");
  });
});
