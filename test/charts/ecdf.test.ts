import { describe, expect, it } from "vitest";
import { ecdfChart, ecdfDistance, stepsCross } from "../../src/charts/ecdf.js";
import { textWidth } from "../../src/charts/text-measure.js";
import { AXIS_SIZE } from "../../src/charts/theme.js";
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
    const orange = plot.indexOf('stroke="#ffa000"');
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

describe("ecdfChart's quantile labels", () => {
  /** The label boxes (px) of a figure's quantile labels, from the SVG's text groups. */
  function labelBoxes(svg: string): { text: string; left: number; right: number; top: number; bottom: number }[] {
    const out = [];
    for (const g of svg.matchAll(/<g aria-label="text"([^>]*)>([\s\S]*?)<\/g>/g)) {
      const anchor = /text-anchor="(\w+)"/.exec(g[1] ?? "")?.[1] ?? "start";
      const shift = Number(/transform="translate\((-?[\d.]+),0\)"/.exec(g[1] ?? "")?.[1] ?? 0);
      for (const t of (g[2] ?? "").matchAll(
        /<text[^>]*transform="translate\((-?[\d.]+),(-?[\d.]+)\)"[^>]*>([^<]+)</g,
      )) {
        const text = t[3] as string;
        if (!/^p\d+ /.test(text)) continue;
        const x = Number(t[1]) + shift;
        const y = Number(t[2]);
        const w = textWidth(text, AXIS_SIZE, "bold");
        const left = anchor === "end" ? x - w : x;
        out.push({ text, left, right: left + w, top: y - AXIS_SIZE / 2, bottom: y + AXIS_SIZE / 2 });
      }
    }
    return out;
  }
  /** Every line's path as points 1 px apart along its segments. */
  function curvePoints(svg: string): { x: number; y: number }[][] {
    return [...svg.matchAll(/<g aria-label="line"[^>]*><path d="([^"]+)"/g)].map((m) => {
      const xy = [...(m[1] as string).matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((p) => ({
        x: Number(p[1]),
        y: Number(p[2]),
      }));
      return xy.slice(1).flatMap((b, i) => {
        const a = xy[i] as { x: number; y: number };
        const n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y)));
        return [...Array(n + 1).keys()].map((k) => ({
          x: a.x + ((b.x - a.x) * k) / n,
          y: a.y + ((b.y - a.y) * k) / n,
        }));
      });
    });
  }
  /** Each dot group's marker centres (one group per series), from the SVG. */
  function markerGroups(svg: string): { x: number; y: number }[][] {
    return [...svg.matchAll(/<g aria-label="dot"[^>]*>([\s\S]*?)<\/g>/g)].map((g) =>
      [...(g[1] ?? "").matchAll(/translate\(([\d.]+),([\d.]+)\)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) })),
    );
  }
  type Rect = { left: number; right: number; top: number; bottom: number };
  /** Whether `p` is inside `b` widened by `margin` px. */
  const inBox = (p: { x: number; y: number }, b: Rect, margin = 0): boolean =>
    p.x > b.left - margin && p.x < b.right + margin && p.y > b.top - margin && p.y < b.bottom + margin;
  const spread = (n: number, a: number, b: number) =>
    Array.from({ length: n }, (_, i) => (a + ((b - a) * (i + 0.5)) / n) * MS);
  // The middle series' p99 (19.8 ms) has a faster curve on its left and a slower one whose 96-97%
  // steps run just below-right of it, where a label goes by default.
  const three = () =>
    ecdfChart(
      [
        { label: "fast", values: spread(200, 0.5, 2) },
        { label: "middle", values: spread(200, 2, 20) },
        { label: "slow", values: [...spread(194, 2, 28), ...spread(6, 150, 200)] },
      ],
      { scale: "log" },
    );

  it("puts no quantile label where a curve passes, though the usual place below-right is crossed", () => {
    const svg = three().svg;
    const boxes = labelBoxes(svg);
    expect(boxes.map((b) => b.text)).toContain("p99 19.8 ms");
    const curves = curvePoints(svg);
    for (const b of boxes) {
      const hit = curves.flat().find((p) => inBox(p, b));
      expect(hit, `${b.text} is crossed at ${JSON.stringify(hit)}`).toBeUndefined();
    }
    // The check can fail: the middle p99's usual box (13 px right of its dot, 12 px below it) is
    // crossed by the slow curve.
    const p99 = (markerGroups(svg)[1] ?? []).reduce((a, b) => (b.y < a.y ? b : a));
    const usual = {
      left: p99.x + 13,
      right: p99.x + 13 + textWidth("p99 19.8 ms", AXIS_SIZE, "bold"),
      top: p99.y + 12 - AXIS_SIZE / 2,
      bottom: p99.y + 12 + AXIS_SIZE / 2,
    };
    const slow = curves[2] ?? [];
    expect(slow.some((p) => inBox(p, usual))).toBe(true);
  });

  it("puts no quantile label over another series' marker where p99s crowd together (mixed's 144, 157 and 160 ms)", () => {
    const svg = ecdfChart(
      [
        { label: "fastest", values: spread(200, 5, 110) },
        { label: "a", values: spread(200, 10, 145) },
        { label: "b", values: spread(200, 12, 158.5) },
        { label: "c", values: spread(200, 14, 161.5) },
      ],
      { scale: "log" },
    ).svg;
    const markers = markerGroups(svg).flat();
    expect(markers).toHaveLength(12);
    const boxes = labelBoxes(svg);
    expect(boxes).toHaveLength(12);
    for (const b of boxes) {
      const under = markers.find((p) => inBox(p, b, 4));
      expect(under, `${b.text} covers the marker at ${JSON.stringify(under)}`).toBeUndefined();
    }
  });

  it("stepsCross finds a step curve's horizontal and vertical runs through a box, and nothing beside it", () => {
    const box = { left: 10, right: 20, top: 10, bottom: 20 };
    const cases: [string, [number, number, number, number], number, boolean][] = [
      ["across it", [0, 15, 30, 15], 0, true],
      ["up through it at x = 15", [0, 30, 15, 0], 0, true],
      ["below it", [0, 25, 30, 25], 0, false],
      ["below it, but a 12 px stroke reaches it", [0, 25, 30, 25], 6, true],
      ["right of it", [25, 30, 25, 0], 0, false],
    ];
    for (const [what, [x0, y0, x1, y1], pad, crosses] of cases) {
      const curve = [
        { x: x0, y: y0 },
        { x: x1, y: y1 },
      ];
      expect(stepsCross(curve, box, pad), what).toBe(crosses);
    }
  });
});
