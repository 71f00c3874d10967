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
    expect(figure.svg).toContain("latency.p99 against executor.workers");
    expect(figure.svg).toContain("latency.p99 (ms)");
    expect(figure.svg).toContain("runtime.gil=on");
    expect(figure.svg).toContain("runtime.gil=off");
    expect(figure.svg).not.toContain("currentColor");
    expect(figure.width).toBe(720);
  });

  test("sweepLineFigure gives the same bytes for the same data", () => {
    expect(sweepLineFigure(data()).svg).toBe(sweepLineFigure(data()).svg);
  });

  test("sweepLineFigure refuses data without points", () => {
    expect(() => sweepLineFigure({ metric: "throughput", x: "w", series: [] })).toThrow(
      "invalid line data: no points for throughput",
    );
  });
});
