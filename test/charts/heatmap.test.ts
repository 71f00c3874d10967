import { describe, expect, it } from "vitest";
import { heatmapChart } from "../../src/charts/heatmap.js";
import { INK } from "../../src/charts/theme.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { p99Grid, speedupGrid } from "../fixtures/heatmap.js";

const DIMS = {
  x: { quantity: "threads" },
  y: { quantity: "CPU per request" },
  value: { quantity: "p99 latency", unit: "ms" },
};

describe("heatmapChart", () => {
  it("heatmapChart(p99 grid) matches its golden file and writes each cell's closed-form value", () => {
    const figure = heatmapChart(p99Grid(), {
      x: { quantity: "workers", unit: "threads" },
      y: { quantity: "switch interval" },
      value: { quantity: "p99 latency", unit: "ms", scale: "linear" },
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
      x: { quantity: "workers", unit: "threads" },
      y: { quantity: "CPU-bound share of each task" },
      value: { quantity: "speedup without the GIL", unit: "×" },
      scheme: "diverging",
    });
    expectSvgInvariants(figure.svg);
    expect(svgTexts(figure.svg)).toContain("4.71");
    expectGolden("heatmap-speedup", figure.svg);
  });

  it("heatmapChart leaves cells unlabelled when there are too many to read", () => {
    const cells = Array.from({ length: 400 }, (_, i) => ({ x: i % 20, y: Math.floor(i / 20), value: i }));
    const texts = svgTexts(
      heatmapChart(cells, {
        x: { quantity: "column" },
        y: { quantity: "row" },
        value: { quantity: "v", unit: "count" },
      }).svg,
    );
    expect(texts).not.toContain("399");
  });

  it("heatmapChart colours on a log scale when the values span a decade, and says so on the ramp", () => {
    // 20x between the fastest and slowest cell: on a linear ramp the fast cells all look alike.
    const cells = [5, 20, 40, 100].map((value, i) => ({ x: 2 ** i, y: "a", value }));
    const texts = svgTexts(heatmapChart(cells, DIMS).svg);
    expect(texts).toContain("p99 latency (ms), log scale");
    const narrow = cells.map((c, i) => ({ ...c, value: 10 + i }));
    expect(svgTexts(heatmapChart(narrow, DIMS).svg)).toContain("p99 latency (ms)");
  });

  it("heatmapChart outlines the cells that meet the target and marks capped cells as capped", () => {
    const cells = [
      { x: 8, y: "1 ms", value: 2000 },
      { x: 16, y: "1 ms", value: 80 },
      { x: 32, y: "1 ms", value: 120 },
    ];
    const svg = heatmapChart(cells, {
      ...DIMS,
      target: { value: 100, better: "lower", label: "p99 at most 100 ms" },
      cap: 2000,
    }).svg;
    const texts = svgTexts(svg);
    expect(texts).toContain("≥ 2,000");
    expect(texts).not.toContain("2000");
    expect(texts).toContain("meets p99 at most 100 ms");
    expect(texts).toContain("capped at 2,000 ms: at least this"); // in the value's unit, thousands grouped
    // One outlined cell (two rings), one hatched cell.
    expect(svg.match(/stroke-width="2.5"/g)).toHaveLength(1);
    expect(svg.match(/fill="url\(#capped-hatch(-dark)?-1\)"/g)).toHaveLength(1);
  });

  it("heatmapChart hatches a capped cell in its text's colour: white lines on a dark fill, dark ones on a light fill", () => {
    // On the default log colour scale from 10 to 1,000, the low cell is dark (white text), the high one light (dark text).
    const cells = [
      { x: 8, y: "1 ms", value: 10, capped: true },
      { x: 16, y: "1 ms", value: 100 },
      { x: 32, y: "1 ms", value: 1000, capped: true },
    ];
    const svg = heatmapChart(cells, DIMS).svg;
    const pattern = (id: string) => new RegExp(`<pattern id="${id}"[^]*?</pattern>`).exec(svg)?.[0] ?? "";
    expect(pattern("capped-hatch-1")).toContain('stroke="#ffffff"');
    expect(pattern("capped-hatch-dark-1")).toContain(`stroke="${INK}"`);
    // The hatched cells in order: the dark one (10) white-lined, the light one (1,000) dark-lined,
    // each as its label is written.
    expect([...svg.matchAll(/fill="url\(#(capped-hatch[a-z-]*\d)\)"/g)].map((m) => m[1])).toEqual([
      "capped-hatch-1",
      "capped-hatch-dark-1",
    ]);
    expect(svg).toMatch(/fill="#ffffff"[^>]*>≥ 10</);
    expect(svg).toMatch(/fill="#000000"[^>]*>≥ 1,000</);
  });

  it("heatmapChart hatches the cells flagged capped one by one and writes each as at least its own value", () => {
    const cells = [
      { x: 8, y: "1 ms", value: 1234, capped: true },
      { x: 16, y: "1 ms", value: 80 },
      { x: 32, y: "1 ms", value: 456, capped: true },
    ];
    const svg = heatmapChart(cells, { ...DIMS, cappedLabel: "run cut short: at least this" }).svg;
    const texts = svgTexts(svg);
    expect(texts).toContain("≥ 1,230");
    expect(texts).toContain("≥ 456");
    expect(texts).toContain("80");
    expect(texts).not.toContain("456");
    expect(texts).toContain("run cut short: at least this");
    expect(svg.match(/fill="url\(#capped-hatch(-dark)?-1\)"/g)).toHaveLength(2);
    // Without flags nothing is hatched.
    const plain = heatmapChart(
      cells.map(({ capped: _, ...c }) => c),
      DIMS,
    ).svg;
    expect(plain).not.toContain("capped-hatch");
    expect(svgTexts(plain)).not.toContain("run cut short: at least this");
  });

  it("heatmapChart requires what x, y and the colour hold, and rejects non-finite values by index", () => {
    expect(() => heatmapChart([{ x: 1, y: 1, value: 1 }], {} as never)).toThrow("invalid x: undefined");
    expect(() => heatmapChart([{ x: 1, y: 1, value: Number.NaN }], DIMS)).toThrow(
      "invalid cells[0].value: NaN (expected a finite number)",
    );
  });
});
