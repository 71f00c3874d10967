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
    // Readable names, never the raw paths.
    expect(heatmap).toContain(">workers<");
    expect(heatmap).toContain(">GIL<");
    expect(heatmap).toContain("p99 latency (ms)");
    expect(heatmap).not.toMatch(/executor\.workers|runtime\.gil|latency\.p99/);
  });

  test("sweepFigures shows the points whose runs run.until cut short as capped: hatched '≥ value' cells, '≥' over the line's point", () => {
    const { meta, rows } = gridSweep();
    // The two one-worker points (p99 200 and 100 ms) were cut short.
    const cut = rows.map((r) => (r.values["executor.workers"] === 1 ? { ...r, truncated: 2 } : r));
    const [line, heatmap] = sweepFigures(meta, cut.length, () => cut, "latency.p99").map((f) => f.figure.svg);
    expect(heatmap?.match(/fill="url\(#capped-hatch-\d+\)"/g)).toHaveLength(2);
    expect(heatmap).toContain(">≥ 200<");
    expect(heatmap).toContain(">≥ 100<");
    expect(heatmap).toContain("run cut short by run.until: at least this");
    expect(line).toContain(">≥<");
    expect(line).toContain("come from runs cut short by run.until");
    // Without cut runs, nothing reads as capped.
    const [plainLine, plainMap] = sweepFigures(meta, rows.length, () => rows, "latency.p99").map((f) => f.figure.svg);
    expect(plainMap).not.toContain("capped-hatch");
    expect(plainMap).not.toContain("≥");
    expect(plainLine).not.toContain("≥");
  });

  test("sweepFigures gives only the line figure when one parameter varies", () => {
    const { meta, rows } = gridSweep();
    const one = rows.filter((p) => p.values["runtime.gil"] === "on");
    const figures = sweepFigures({ ...meta, axes: meta.axes.slice(0, 1) }, one.length, () => one, "throughput");
    expect(figures.map((f) => f.file)).toEqual(["throughput-line.svg"]);
  });
});

describe("writeSweepFigures", () => {
  test("writeSweepFigures writes each figure into the folder as SVG and PNG", () => {
    const out = tempDir();
    const { meta, rows } = gridSweep();
    const files = writeSweepFigures(meta, rows.length, () => rows, "throughput", out);
    expect(files).toEqual(
      ["throughput-line.svg", "throughput-line.png", "throughput-heatmap.svg", "throughput-heatmap.png"].map((f) =>
        join(out, f),
      ),
    );
    for (const f of files) expect(existsSync(f)).toBe(true);
    for (const f of files.filter((f) => f.endsWith(".svg")))
      expect(readFileSync(f, "utf8").startsWith("<svg")).toBe(true);
    for (const f of files.filter((f) => f.endsWith(".png")))
      expect(readFileSync(f).subarray(1, 4).toString("latin1")).toBe("PNG");
  });
});
