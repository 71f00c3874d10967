import { describe, expect, it } from "vitest";
import { AGREEMENT_COLORS } from "../../src/charts/palette.js";
import { relativeError, simRealChart } from "../../src/charts/simreal.js";
import { textWidth } from "../../src/charts/text-measure.js";
import { AXIS_SIZE } from "../../src/charts/theme.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { crowdedSimRealPoints, simRealPoints } from "../fixtures/simreal.js";

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

  it("simRealChart sets no label over a marker, a run's line or ring, or another label, and its leaders cross no other point's runs", () => {
    const { svg } = simRealChart(crowdedSimRealPoints(), { quantity: "round trips per second", scale: "log" });
    const num = (v: string | undefined) => Number(v);
    type Box = { x0: number; x1: number; y0: number; y1: number; what: string };
    // Labels: each text group's anchor and nudge, each text's position; a label is AXIS_SIZE high.
    const labels: Box[] = [];
    for (const g of svg.matchAll(
      /<g aria-label="text"[^>]*stroke-width="3"[^>]*text-anchor="(start|end)" transform="translate\((-?[\d.]+),0\)">([\s\S]*?)<\/g>/g,
    )) {
      for (const t of (g[3] as string).matchAll(
        /<text y="0.32em" transform="translate\(([\d.]+),([\d.]+)\)">([^<]+)<\/text>/g,
      )) {
        const x = num(t[1]) + num(g[2]);
        const y = num(t[2]);
        const w = textWidth(t[3] as string, AXIS_SIZE);
        const [x0, x1] = g[1] === "start" ? [x, x + w] : [x - w, x];
        labels.push({ x0, x1, y0: y - AXIS_SIZE / 2, y1: y + AXIS_SIZE / 2, what: `label "${t[3]}"` });
      }
    }
    expect(labels).toHaveLength(12);
    const runLines = /<g aria-label="rule" stroke="#1a1a1a" stroke-width="1.25">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? "";
    const rules = [...runLines.matchAll(/<line x1="([\d.]+)" x2="([\d.]+)" y1="([\d.]+)" y2="\3"\/>/g)].map((m) => ({
      x0: num(m[1]),
      x1: num(m[2]),
      y0: num(m[3]) - 0.6,
      y1: num(m[3]) + 0.6,
      what: "a run line",
    }));
    const rings = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="2.5"\/>/g)].map((m) => ({
      x0: num(m[1]) - 3,
      x1: num(m[1]) + 3,
      y0: num(m[2]) - 3,
      y1: num(m[2]) + 3,
      what: "a run's ring",
    }));
    const markers = [...svg.matchAll(/transform="translate\(([\d.]+),([\d.]+)\)" d="[^"]+" fill="#/g)].map((m) => ({
      x0: num(m[1]) - 5,
      x1: num(m[1]) + 5,
      y0: num(m[2]) - 5,
      y1: num(m[2]) + 5,
      what: "a marker",
    }));
    expect(rules.length).toBeGreaterThan(0);
    expect(rings).toHaveLength(60);
    expect(markers).toHaveLength(12);
    const cross = (a: Box, b: Box) => a.x1 > b.x0 && a.x0 < b.x1 && a.y1 > b.y0 && a.y0 < b.y1;
    const clashes = labels.flatMap((l, i) =>
      [...rules, ...rings, ...markers, ...labels.filter((_, j) => j !== i)]
        .filter((o) => cross(l, o))
        .map((o) => `${l.what} over ${o.what}`),
    );
    expect(clashes).toEqual([]);
    // Leaders: from a point to its label, sampled; what touches the point where a leader starts
    // (its own marker and runs, a point drawn over it) it cannot help crossing.
    const links = /<g aria-label="link"[^>]*>([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? "";
    const crossings = [...links.matchAll(/d="M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)"/g)].flatMap((m) => {
      const [x0, y0, x1, y1] = [m[1], m[2], m[3], m[4]].map(num) as [number, number, number, number];
      const start: Box = { x0: x0 - 5, x1: x0 + 5, y0: y0 - 5, y1: y0 + 5, what: "start" };
      const others = [...rules, ...rings, ...markers].filter((o) => !cross(o, start));
      const length = Math.hypot(x1 - x0, y1 - y0);
      const hits = new Set<string>();
      for (let t = 6; t < length; t += 1) {
        const x = x0 + ((x1 - x0) * t) / length;
        const y = y0 + ((y1 - y0) * t) / length;
        const at: Box = { x0: x, x1: x, y0: y, y1: y, what: "" };
        for (const o of others) if (o.x1 >= at.x0 && o.x0 <= at.x1 && o.y1 >= at.y0 && o.y0 <= at.y1) hits.add(o.what);
        // No label but its own (the one at the leader's far end) lies over it.
        for (const l of labels) {
          const own =
            Math.abs(l.y0 + AXIS_SIZE / 2 - y1) < 0.5 &&
            (Math.abs(l.x0 - x1 - 3) < 0.5 || Math.abs(l.x1 - x1 + 3) < 0.5);
          if (!own && l.x1 > x && l.x0 < x && l.y1 > y && l.y0 < y) hits.add(l.what);
        }
      }
      return [...hits].map((h) => `the leader from ${x0},${y0} over ${h}`);
    });
    expect(crossings).toEqual([]);
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
