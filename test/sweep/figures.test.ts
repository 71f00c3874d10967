import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Estimate } from "../../src/metrics/replicate.js";
import { sweepFigures, sweepTitle, writeSweepFigures } from "../../src/sweep/figures.js";
import { parseTarget } from "../../src/sweep/target.js";
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
    // A cut run's throughput is what it served, not a lower bound: nothing reads as capped there.
    const [cutLine, cutMap] = sweepFigures(meta, cut.length, () => cut, "throughput").map((f) => f.figure.svg);
    expect(cutMap).not.toContain("capped-hatch");
    expect(cutLine).not.toContain(">≥<");
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

  test("sweepTitle states the figures' computed conclusion: best and worst, or how many meet the target", () => {
    const { rows } = gridSweep();
    // p99 is 100 ms / workers, doubled with the GIL on; throughput 10 per worker.
    expect(sweepTitle(rows, "latency.p99", undefined)).toBe(
      "P99 latency from 25ms (workers 4, GIL off) to 200ms (workers 1, GIL on)",
    );
    expect(sweepTitle(rows, "throughput", undefined)).toMatch(
      /^Throughput from 40\/s \(workers 4, GIL on\) to 10\/s \(workers 1, GIL off\)$/,
    );
    // A capped point's time is a lower bound: never the best; the worst shows its "≥".
    const cut = rows.map((r) =>
      r.values["executor.workers"] === 4 && r.values["runtime.gil"] === "off" ? { ...r, truncated: 1 } : r,
    );
    expect(sweepTitle(cut, "latency.p99", undefined)).toBe(
      "P99 latency from 50ms (workers 2, GIL off) to 200ms (workers 1, GIL on); 1 of 6 cut short by run.until (times at least as shown)",
    );
    // One point: no range, and no dangling "at" when nothing varies.
    expect(sweepTitle(rows.slice(0, 1), "latency.p99", undefined)).toBe("P99 latency: 200ms");
    // Equal values everywhere: said once.
    const flat = rows.map((r) => ({
      ...r,
      summary: { ...r.summary, "latency.p99": { ...(r.summary["latency.p99"] as Estimate), mean: 1e9 } },
    }));
    expect(sweepTitle(flat, "latency.p99", undefined)).toBe("P99 latency: 1s at every point");
    // Every point cut short: none can meet a time target, and the title says why.
    const allCut = rows.map((r) => ({ ...r, truncated: 1 }));
    expect(sweepTitle(allCut, "latency.p99", parseTarget("p99<=1s"))).toBe(
      "No point of 6 meets p99 ≤ 1s; 6 of 6 cut short by run.until (times at least as shown)",
    );
    const target = parseTarget("p99<=60ms");
    // 50 ms at 2 workers (bound 55) and at 4 workers with the GIL on (55), 25 ms at 4 without it (27.5).
    expect(sweepTitle(rows, "latency.p99", target)).toBe(
      "3 of 6 points meet p99 ≤ 60ms; best: 25ms at workers 4, GIL off",
    );
    expect(sweepTitle(rows, "latency.p99", parseTarget("p99<=10ms"))).toBe("No point of 6 meets p99 ≤ 10ms");
    const one = sweepTitle(rows, "latency.p99", parseTarget("p99<=30ms"));
    expect(one).toBe("1 of 6 points meets p99 ≤ 30ms; best: 25ms at workers 4, GIL off");
  });
});
