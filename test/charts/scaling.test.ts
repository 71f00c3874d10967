import { describe, expect, it } from "vitest";
import { EXECUTOR_STYLES, kindShade } from "../../src/charts/palette.js";
import { type ScalingPoint, scalingChart } from "../../src/charts/scaling.js";
import { RULE } from "../../src/charts/theme.js";
import { MS, SECOND } from "../../src/engine/time.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { SCALING_AXES, scalingPoints } from "../fixtures/scaling.js";

describe("scalingChart", () => {
  it("scalingChart(points with intervals) matches its golden file", () => {
    const figure = scalingChart(scalingPoints(), SCALING_AXES);
    expectSvgInvariants(figure.svg);
    expectGolden("scaling", figure.svg);
  });

  it("scalingChart labels each axis with exactly what the caller declares, and no template label", () => {
    const texts = svgTexts(
      scalingChart(scalingPoints(false), {
        x: { quantity: "switch interval", unit: "ms", scale: "log" },
        throughput: { quantity: "round trips", unit: "per second" },
        latency: { quantity: "time per round trip" },
      }).svg,
    );
    expect(texts).toContain("round trips (per second)");
    // A log x axis says so, as a log y axis does.
    expect(texts.filter((t) => t === "switch interval (ms), log scale")).toHaveLength(2);
    expect(texts.some((t) => t.startsWith("time per round trip ("))).toBe(true);
    expect(texts.join(" ")).not.toMatch(/pool size|workers|one line per executor kind/i);
    for (const kind of ["asyncio", "threads-gil", "threads-nogil", "processes"] as const) {
      expect(texts).toContain(EXECUTOR_STYLES[kind].label);
    }
    expect(texts).not.toContain(EXECUTOR_STYLES.sync.label);
  });

  it("scalingChart says it sets series apart sideways, after the caller's own caption too", () => {
    const mine = scalingChart(scalingPoints(), { ...SCALING_AXES, caption: "Mine." });
    expect(mine.caption).toMatch(
      /^Mine\. Series are set \d+ px apart sideways at each point of the x axis, so no marker hides another\.$/,
    );
  });

  it("scalingChart requires the axes to be declared, and names the missing one", () => {
    const points = scalingPoints(false);
    expect(() => scalingChart(points, {} as never)).toThrow("invalid x: undefined");
    expect(() =>
      scalingChart(points, { ...SCALING_AXES, x: { quantity: "workers", scale: "sideways" } } as never),
    ).toThrow('invalid x.scale: "sideways" (expected one of categorical, linear, log)');
  });

  it("scalingChart puts a latency panel whose means span two decades on a log axis, and says so", () => {
    const spread: ScalingPoint[] = [1, 2, 4, 8].map((w) => ({
      executor: "threads-gil",
      x: w,
      throughput: 100 * w,
      latency: (4 * SECOND) / w ** 3,
    }));
    const log = svgTexts(scalingChart(spread, SCALING_AXES).svg);
    expect(log).toContain("p99 latency (s), log scale");
    const narrow = spread.map((p, i) => ({ ...p, latency: SECOND + i * 100 * MS }));
    expect(svgTexts(scalingChart(narrow, SCALING_AXES).svg)).toContain("p99 latency (ms)");
  });

  it("scalingChart draws a labelled target line and baselines as thin solid grey lines labelled on the panel, listed in the legend", () => {
    const svg = scalingChart(scalingPoints(false), {
      ...SCALING_AXES,
      target: { latency: 500 * MS, label: "p99 at most 500 ms" },
      baselines: [{ label: "one thread alone", throughput: 100, latency: 640 * MS }],
    }).svg;
    const texts = svgTexts(svg);
    // On the panel, the target in the axis' unit; in the legend, its full label.
    expect(texts).toContain("target 500\u00a0ms");
    expect(texts).toContain("target: p99 at most 500 ms");
    // Once in the legend, once on each panel beside its line.
    expect(texts.filter((t) => t === "one thread alone")).toHaveLength(3);
    expect(svg).not.toContain('stroke-dasharray="1.5,3"');
    expect(svg).toMatch(new RegExp(`<g aria-label="rule" stroke="${RULE}">`));
  });

  it("scalingChart keeps the smallest value of a log panel off the axis' bottom", () => {
    // Latencies from 0.111 ms: a 1-2-5 floor at 0.1 ms would put the first points on the axis.
    const points = [1, 2, 4].map((x, i) => ({
      executor: "threads-gil" as const,
      series: "s",
      x,
      throughput: 9000 / (1 + 30 * i),
      latency: 0.111 * MS * (1 + 30 * i),
    }));
    const texts = svgTexts(
      scalingChart(points, { ...SCALING_AXES, latency: { quantity: "p99 latency", scale: "log" } }).svg,
    );
    expect(texts).toContain("0.05");
  });

  it("scalingChart draws points that miss the target hollow, and says so in the legend, only when told", () => {
    const marked = scalingPoints(false).map((p, i) => ({ ...p, meetsTarget: i % 2 === 0 }));
    const options = { ...SCALING_AXES, target: { latency: 500 * MS, label: "p99 at most 500 ms" } };
    const svg = scalingChart(marked, options).svg;
    const texts = svgTexts(svg);
    expect(texts).toContain("filled: meets the target (in the series' colour)");
    expect(texts).toContain("hollow: misses it");
    // Plot sets fill and stroke on each dot mark's group: count the markers in the white-filled groups.
    const hollow = (s: string) =>
      (s.match(/<g aria-label="dot"[^>]*fill="#ffffff"[^>]*>[\s\S]*?<\/g>/g) ?? [])
        .map((g) => (g.match(/<path /g) ?? []).length)
        .reduce((a, b) => a + b, 0);
    // One hollow marker per missing point on each of the two panels.
    expect(hollow(svg)).toBe(2 * marked.filter((p) => !p.meetsTarget).length);
    const plain = scalingChart(scalingPoints(false), options).svg;
    expect(svgTexts(plain)).not.toContain("hollow: misses it");
    expect(hollow(plain)).toBe(0);
  });

  it("scalingChart spaces a linear count axis by value (0, 1, 2, 4), where a categorical one spaces them evenly", () => {
    const points: ScalingPoint[] = [0, 1, 2, 4].map((k) => ({
      executor: "threads-gil",
      x: k,
      throughput: 1000 / (k + 1),
      latency: (k + 1) * MS,
    }));
    /** Where each x tick label sits, by label, in the first panel. */
    const ticks = (scale: "linear" | "categorical"): Record<string, number> => {
      const svg = scalingChart(points, { ...SCALING_AXES, x: { quantity: "CPU-bound threads", scale } }).svg;
      const group = /aria-label="x-axis tick label"[^>]*>(.*?)<\/g>/.exec(svg)?.[1] ?? "";
      return Object.fromEntries(
        [...group.matchAll(/translate\(([\d.]+),[\d.]+\)">([^<]+)</g)].map((m) => [m[2] as string, Number(m[1])]),
      );
    };
    const linear = ticks("linear");
    const [x0, x1, x2, x4] = ["0", "1", "2", "4"].map((k) => linear[k] as number) as [number, number, number, number];
    expect(x1 - x0).toBeCloseTo(x2 - x1, 1);
    expect(x4 - x2).toBeCloseTo(2 * (x2 - x1), 1);
    const even = ticks("categorical");
    const [c1, c2, c4] = ["1", "2", "4"].map((k) => even[k] as number) as [number, number, number];
    expect(c4 - c2).toBeCloseTo(c2 - c1, 1);
  });

  it("scalingChart gives a second and third series of one kind darker shades of its colour, its symbol and dashes", () => {
    const three: ScalingPoint[] = [1, 2, 4].flatMap((w) =>
      ["5 ms", "1 ms", "0.1 ms"].map((series, i) => ({
        executor: "threads-gil" as const,
        series,
        x: w,
        throughput: 50 * w * (i + 1),
        latency: (600 * MS) / w / (i + 1),
      })),
    );
    const svg = scalingChart(three, SCALING_AXES).svg;
    const base = EXECUTOR_STYLES["threads-gil"].color;
    for (const k of [0, 1, 2]) expect(svg, `shade ${k}`).toContain(`stroke="${kindShade(base, k)}"`);
    expect(new Set([0, 1, 2].map((k) => kindShade(base, k))).size).toBe(3);
  });

  it("scalingChart keeps the executor's symbol for a second series of one kind, in a darker shade, and dashes it", () => {
    const two: ScalingPoint[] = [1, 2, 4].flatMap((w) => [
      { executor: "threads-gil", series: "large buffers", x: w, throughput: 50 * w, latency: (600 * MS) / w },
      { executor: "threads-gil", series: "small pieces", x: w, throughput: 50, latency: 600 * MS },
    ]);
    const svg = scalingChart(two, SCALING_AXES).svg;
    const texts = svgTexts(svg);
    expect(texts).toContain("large buffers");
    expect(texts).toContain("small pieces");
    expect(texts).not.toContain(EXECUTOR_STYLES["threads-gil"].label);
    expect(svg).toContain('stroke-dasharray="7,4"');
    expect(svg).not.toContain(EXECUTOR_STYLES.asyncio.color);
  });

  it("scalingChart draws a categorical x axis with the values as given", () => {
    const texts = svgTexts(
      scalingChart(
        ["3.12", "3.13t", "3.14t"].map((v, i) => ({
          executor: "threads-nogil",
          x: v,
          throughput: 10 + i,
          latency: SECOND,
        })),
        { ...SCALING_AXES, x: { quantity: "Python build", scale: "categorical" } },
      ).svg,
    );
    expect(texts).toContain("3.13t");
    expect(texts).toContain("Python build");
  });

  it("scalingChart draws whiskers only for points that carry an interval", () => {
    const withCi = scalingChart(scalingPoints(true), SCALING_AXES).svg;
    const without = scalingChart(scalingPoints(false), SCALING_AXES).svg;
    const whiskers = `aria-label="rule" stroke="${EXECUTOR_STYLES.asyncio.color}"`;
    expect(withCi).toContain(whiskers);
    expect(without).not.toContain(whiskers);
    expect(withCi).toContain("Whiskers show 95% confidence intervals");
  });

  it("scalingChart gives the same bytes for the same points", () => {
    expect(scalingChart(scalingPoints(), SCALING_AXES).svg).toBe(scalingChart(scalingPoints(), SCALING_AXES).svg);
  });

  it("scalingChart rejects unknown executors, bad x values and inverted intervals by name", () => {
    const [first] = scalingPoints(false);
    if (!first) throw new Error("fixture is empty");
    expect(() => scalingChart([{ ...first, executor: "greenlets" as "sync" }], SCALING_AXES)).toThrow(
      'invalid points[0].executor: "greenlets" (expected one of asyncio, threads-gil, threads-nogil, processes, sync)',
    );
    expect(() => scalingChart([{ ...first, x: Number.NaN }], SCALING_AXES)).toThrow(
      "invalid points[0].x: NaN (expected a finite number)",
    );
    expect(() => scalingChart([{ ...first, x: 0 }], SCALING_AXES)).toThrow("invalid x.scale");
    expect(() => scalingChart([{ ...first, throughput: { mean: 5, lo: 6, hi: 7 } }], SCALING_AXES)).toThrow(
      "invalid points[0].throughput",
    );
    expect(() => scalingChart([], SCALING_AXES)).toThrow(
      "invalid points: [] (expected a non-empty array of ScalingPoint)",
    );
  });
});
