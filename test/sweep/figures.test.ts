import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { sweepFigures, writeSweepFigures } from "../../src/sweep/figures.js";
import { gridSweep } from "./doc-fixture.js";
import { tempDir } from "./fixtures.js";

describe("sweepFigures", () => {
  test("sweepFigures gives a line figure and a heatmap for a two-parameter sweep", () => {
    const { meta, rows } = gridSweep();
    const figures = sweepFigures(meta, rows.length, () => rows, "latency.p99");
    expect(figures.map((f) => f.file)).toEqual(["latency.p99-line.svg", "latency.p99-heatmap.svg"]);
    const heatmap = figures[1]?.figure.svg ?? "";
    expect(heatmap).toContain("executor.workers");
    expect(heatmap).toContain("runtime.gil");
    expect(heatmap).toContain("latency.p99 (ms)");
  });

  test("sweepFigures gives only the line figure when one parameter varies", () => {
    const { meta, rows } = gridSweep();
    const one = rows.filter((p) => p.values["runtime.gil"] === "on");
    const figures = sweepFigures({ ...meta, axes: meta.axes.slice(0, 1) }, one.length, () => one, "throughput");
    expect(figures.map((f) => f.file)).toEqual(["throughput-line.svg"]);
  });
});

describe("writeSweepFigures", () => {
  test("writeSweepFigures writes each figure into the folder", () => {
    const out = tempDir();
    const { meta, rows } = gridSweep();
    const files = writeSweepFigures(meta, rows.length, () => rows, "throughput", out);
    expect(files).toEqual([join(out, "throughput-line.svg"), join(out, "throughput-heatmap.svg")]);
    for (const f of files) {
      expect(existsSync(f)).toBe(true);
      expect(readFileSync(f, "utf8").startsWith("<svg")).toBe(true);
    }
  });
});
