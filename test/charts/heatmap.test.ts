import { describe, expect, it } from "vitest";
import { heatmapChart } from "../../src/charts/heatmap.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { p99Grid, speedupGrid } from "../fixtures/heatmap.js";

describe("heatmapChart", () => {
  it("heatmapChart(p99 grid) matches its golden file and writes each cell's closed-form value", () => {
    const figure = heatmapChart(p99Grid(), {
      xLabel: "workers (threads)",
      yLabel: "switch interval",
      valueLabel: "p99 latency (ms)",
    });
    expectSvgInvariants(figure.svg);
    const texts = svgTexts(figure.svg);
    // 2 * workers + interval * (workers - 1) / 2
    for (const value of ["2", "4.5", "9.5", "19.5", "6.5", "15.5", "33.5", "9", "23", "51"])
      expect(texts).toContain(value);
    expect(texts).toContain("p99 latency (ms)");
    expectGolden("heatmap-p99", figure.svg);
  });

  it("heatmapChart(speedup grid, diverging) matches its golden file with 1 in the middle of the ramp", () => {
    const figure = heatmapChart(speedupGrid(), {
      xLabel: "workers (threads)",
      yLabel: "CPU-bound share of each task",
      valueLabel: "speedup without the GIL (×)",
      scheme: "diverging",
    });
    expectSvgInvariants(figure.svg);
    expect(svgTexts(figure.svg)).toContain("4.71");
    expectGolden("heatmap-speedup", figure.svg);
  });

  it("heatmapChart leaves cells unlabelled when there are too many to read", () => {
    const cells = Array.from({ length: 400 }, (_, i) => ({ x: i % 20, y: Math.floor(i / 20), value: i }));
    const texts = svgTexts(heatmapChart(cells, { valueLabel: "v (count)" }).svg);
    expect(texts).not.toContain("399");
  });

  it("heatmapChart rejects non-finite values by index", () => {
    expect(() => heatmapChart([{ x: 1, y: 1, value: Number.NaN }])).toThrow(
      "invalid cells[0].value: NaN (expected a finite number)",
    );
  });
});
