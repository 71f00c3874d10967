import { describe, expect, test } from "vitest";
import { lineData } from "../../src/sweep/figure-data.js";
import { sweepLineFigure } from "../../src/sweep/line-figure.js";
import { gridSweep } from "./doc-fixture.js";

function data() {
  const { meta, rows } = gridSweep();
  const d = lineData(meta, rows, "latency.p99");
  if (!d) throw new Error("no line data");
  return d;
}

describe("sweepLineFigure", () => {
  test("sweepLineFigure draws one standalone svg with a line and a legend entry per series", () => {
    const figure = sweepLineFigure(data(), { subtitle: "sweep grid" });
    expect(figure.svg.startsWith("<svg")).toBe(true);
    expect(figure.svg.match(/xmlns="http:\/\/www.w3.org\/2000\/svg"/g)).toHaveLength(1);
    expect(figure.svg).toContain("P99 latency against workers");
    expect(figure.svg).toContain("p99 latency (ms)");
    expect(figure.svg).toContain("GIL: on");
    expect(figure.svg).toContain("GIL: off");
    expect(figure.svg).not.toMatch(/executor\.workers|runtime\.gil/);
    expect(figure.svg).not.toContain("currentColor");
    expect(figure.width).toBe(720);
  });

  test("sweepLineFigure uses a log axis when the metric spans two decades, a linear one below", () => {
    // The fixture's p99 runs from 50 to 200 ms: linear.
    expect(sweepLineFigure(data()).svg).not.toContain("log scale");
    // Overloaded at one worker (20 s), 20 ms at four: three decades.
    const wide = data();
    wide.series = wide.series.map((s) => ({
      ...s,
      points: s.points.map((p) => (p.x === 1 ? { ...p, y: 20e9, lo: 18e9, hi: 22e9 } : p)),
    }));
    const svg = sweepLineFigure(wide).svg;
    expect(svg).toContain("p99 latency (s), log scale");
    // Decade ticks, each labelled.
    for (const tick of [">0.1<", ">1<", ">10<"]) expect(svg).toContain(tick);
    // A wide interval alone does not make the axis logarithmic: the means decide.
    const wideInterval = data();
    wideInterval.series = wideInterval.series.map((s) => ({
      ...s,
      points: s.points.map((p) => (p.x === 1 ? { ...p, hi: 100 * p.y } : p)),
    }));
    expect(sweepLineFigure(wideInterval).svg).not.toContain("log scale");
  });

  test("sweepLineFigure gives the same bytes for the same data", () => {
    expect(sweepLineFigure(data()).svg).toBe(sweepLineFigure(data()).svg);
  });

  test("sweepLineFigure refuses data without points", () => {
    expect(() => sweepLineFigure({ metric: "throughput", x: "w", series: [], fixed: "" })).toThrow(
      "invalid line data: no points for throughput",
    );
  });
});
