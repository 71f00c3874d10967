import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SAMPLE_GREY } from "../../src/charts/palette.js";
import { glyphPath } from "../../src/charts/symbols.js";
import type { Estimate } from "../../src/metrics/replicate.js";
import { sweepFigures, sweepSubtitle, sweepTitle, writeSweepFigures } from "../../src/sweep/figures.js";
import { MEDIAN_SIGNED_ERROR } from "../../src/sweep/model-error.js";
import type { PointRow } from "../../src/sweep/rows.js";
import { parseTarget, withModelError } from "../../src/sweep/target.js";
import { gridSweep, versionSweep } from "./doc-fixture.js";
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
    expect(heatmap?.match(/fill="url\(#capped-hatch(-dark)?-\d+\)"/g)).toHaveLength(2);
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

  test("sweepFigures reads the points once for its title, lines and heatmaps, and draws the same bytes", () => {
    const { meta, rows } = gridSweep();
    let reads = 0;
    const once = () => {
      reads++;
      return rows;
    };
    const figures = sweepFigures(meta, rows.length, once, "latency.p99");
    expect(reads).toBe(1);
    expect(figures.map((f) => f.figure.svg)).toEqual(
      sweepFigures(meta, rows.length, () => rows, "latency.p99").map((f) => f.figure.svg),
    );
  });

  test("sweepFigures gives only the line figure when one parameter varies", () => {
    const { meta, rows } = gridSweep();
    const one = rows.filter((p) => p.values["runtime.gil"] === "on");
    const figures = sweepFigures({ ...meta, axes: meta.axes.slice(0, 1) }, one.length, () => one, "throughput");
    expect(figures.map((f) => f.file)).toEqual(["throughput-line.svg"]);
  });
});

/** The units written after numbers in a text: "25ms", "1.5 s", "(ms)". */
function unitsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/(?:\d|\()\s?(ns|µs|us|ms|s)\b/g)].map((m) => m[1] as string))].sort();
}

/** The text of the figure's title and of its y axis label (the line figure) or ramp label (the heatmap). */
function titleAndAxis(svg: string): { title: string; axis: string } {
  const title = /<title>(.*?)<\/title>/.exec(svg)?.[1] ?? "";
  const axis = /(?:p99 latency|P99 latency) \((ns|µs|ms|s)\)/.exec(svg)?.[0] ?? "";
  return { title, axis };
}

describe("sweep figures' units", () => {
  test("a sweep figure writes a time in one unit, chosen from the data: title, axis, target and cells", () => {
    const { meta, rows } = gridSweep();
    // One worker with the GIL on takes 1.5 s (up to 2.2 s at its bound), four without it 25 ms:
    // the axis reaches 2 s, so it is in seconds, and so is every time the figure writes.
    const slow = rows.map((r) =>
      r.values["executor.workers"] === 1 && r.values["runtime.gil"] === "on"
        ? { ...r, summary: { ...r.summary, "latency.p99": { mean: 1.5e9, lo: 1.35e9, hi: 2.2e9, halfWidth: 0.15e9 } } }
        : r,
    );
    const target = parseTarget("p99<=60ms");
    const figures = sweepFigures({ ...meta, target }, slow.length, () => slow, "latency.p99");
    expect(figures).toHaveLength(2);
    for (const { file, figure } of figures) {
      const { title, axis } = titleAndAxis(figure.svg);
      expect(axis, file).toBe("p99 latency (s)");
      expect(title, file).toBe("3 of 6 points meet p99 ≤ 0.06\u00a0s; best: 0.025\u00a0s at workers 4, GIL off");
      expect(unitsIn(figure.svg.replace(/<title>.*?<\/title>/, "")), file).toEqual(["s"]);
    }
    const [line, heatmap] = figures.map((f) => f.figure.svg);
    expect(line).toContain("target: p99 ≤ 0.06 s");
    expect(heatmap).toContain("meets p99 ≤ 0.06 s (95% upper bound)");
    // Cells in seconds too: 1.5 s reads 1.5, 25 ms 0.025.
    expect(heatmap).toContain(">1.5<");
    expect(heatmap).toContain(">0.025<");
    // Below 2 s everything is in ms, the title's 1.5 s included.
    const fast = slow.map((r) =>
      r.summary["latency.p99"]?.hi === 2.2e9
        ? { ...r, summary: { ...r.summary, "latency.p99": { mean: 1.5e9, lo: 1.35e9, hi: 1.65e9, halfWidth: 0.15e9 } } }
        : r,
    );
    for (const { figure } of sweepFigures(meta, fast.length, () => fast, "latency.p99")) {
      expect(titleAndAxis(figure.svg)).toEqual({
        title: "P99 latency from 25\u00a0ms (workers 4, GIL off) to 1500\u00a0ms (workers 1, GIL on)",
        axis: "p99 latency (ms)",
      });
    }
  });
});

describe("sweep figures' subtitle and caption", () => {
  test("sweepSubtitle says what was swept: the scenario, each varied parameter's values, what is fixed, and the base's description", () => {
    const { meta } = versionSweep();
    const described = {
      ...meta,
      scenario: { ...(meta.scenario as object), description: "Web API capacity: 500 requests/s." },
    };
    expect(sweepSubtitle(described, 10, "executor: threads")).toBe(
      "Sweep of web-api over workers (2, 4, 8, 16, 32) and Python version (3.12, 3.13t), 10 points; executor: threads. The base scenario, before the varied values: Web API capacity: 500 requests/s.",
    );
    // Without a description, none; a shard's results say how many of the grid's points they hold.
    expect(sweepSubtitle(meta, 4)).toBe(
      "Sweep of web-api over workers (2, 4, 8, 16, 32) and Python version (3.12, 3.13t), 4 of 10 points.",
    );
    // Many values read as a range.
    const wide = { ...meta, axes: [{ path: "executor.workers", values: [1, 2, 3, 4, 5, 6, 7, 8] }] };
    expect(sweepSubtitle({ ...wide, size: 8 }, 8)).toBe("Sweep of web-api over workers (1 to 8, 8 values), 8 points.");
    // In the figures, under the title.
    const { rows } = versionSweep();
    const [line, heatmap] = sweepFigures(described, rows.length, () => rows, "latency.p99").map((f) => f.figure.svg);
    expect(line).toContain(
      "Sweep of web-api over workers (2, 4, 8, 16, 32) and Python version (3.12, 3.13t), 10 points; executor: threads.",
    );
    expect(heatmap).toContain("The base scenario, before the varied values: Web API capacity: 500");
  });

  test("the heatmap's caption says each cell is the mean of the replications each point ran, counted from the points", () => {
    const { meta, rows } = gridSweep();
    const caption = (points: PointRow[]) =>
      sweepFigures(meta, points.length, () => points, "latency.p99").map(
        (f) => /<desc>(.*?)<\/desc>/.exec(f.figure.svg)?.[1],
      );
    const [line, heatmap] = caption(rows);
    expect(heatmap).toMatch(
      /^Each cell is the mean of 2 replications of one sweep point; its colour shows p99 latency \(ms\)\./,
    );
    expect(line).toMatch(/^Each point is the mean of 2 replications of one sweep point;/);
    const mixed = rows.map((r) => (r.values["runtime.gil"] === "on" ? { ...r, replications: 5 } : r));
    expect(caption(mixed)[1]).toMatch(/^Each cell is the mean of 2 to 5 replications of one sweep point;/);
    const single = rows.map((r) => ({ ...r, replications: 1 }));
    expect(caption(single)[1]).toMatch(/^Each cell is one run of one sweep point;/);
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
      "P99 latency from 25 ms (workers 4, GIL off) to 200 ms (workers 1, GIL on)",
    );
    expect(sweepTitle(rows, "throughput", undefined)).toMatch(
      /^Throughput from 40\/s \(workers 4, GIL on\) to 10\/s \(workers 1, GIL off\)$/,
    );
    // A capped point's time is a lower bound: never the best; the worst shows its "≥".
    const cut = rows.map((r) =>
      r.values["executor.workers"] === 4 && r.values["runtime.gil"] === "off" ? { ...r, truncated: 1 } : r,
    );
    expect(sweepTitle(cut, "latency.p99", undefined)).toBe(
      "P99 latency from 50 ms (workers 2, GIL off) to 200 ms (workers 1, GIL on); 1 of 6 cut short by run.until (times at least as shown)",
    );
    // One point: no range, and no dangling "at" when nothing varies.
    expect(sweepTitle(rows.slice(0, 1), "latency.p99", undefined)).toBe("P99 latency: 200 ms");
    // Equal values everywhere: said once.
    const flat = rows.map((r) => ({
      ...r,
      summary: { ...r.summary, "latency.p99": { ...(r.summary["latency.p99"] as Estimate), mean: 1e9 } },
    }));
    // (in ms: the figures' unit, as on their axis, which goes to seconds from 2 s)
    expect(sweepTitle(flat, "latency.p99", undefined)).toBe("P99 latency: 1000 ms at every point");
    // Every point cut short: none can meet a time target, and the title says why.
    const allCut = rows.map((r) => ({ ...r, truncated: 1 }));
    expect(sweepTitle(allCut, "latency.p99", parseTarget("p99<=1s"))).toBe(
      "No point of 6 meets p99 ≤ 1000 ms; 6 of 6 cut short by run.until (times at least as shown)",
    );
    const target = parseTarget("p99<=60ms");
    // 50 ms at 2 workers (bound 55) and at 4 workers with the GIL on (55), 25 ms at 4 without it (27.5).
    expect(sweepTitle(rows, "latency.p99", target)).toBe(
      "3 of 6 points meet p99 ≤ 60 ms; best: 25 ms at workers 4, GIL off",
    );
    expect(sweepTitle(rows, "latency.p99", parseTarget("p99<=10ms"))).toBe("No point of 6 meets p99 ≤ 10 ms");
    const one = sweepTitle(rows, "latency.p99", parseTarget("p99<=30ms"));
    expect(one).toBe("1 of 6 points meets p99 ≤ 30 ms; best: 25 ms at workers 4, GIL off");
  });
});

describe("sweep line figure's target legend", () => {
  /** The legend's filled and hollow samples: grey paths with the sample glyph's outline. */
  const samples = (svg: string, shape: "square" | "circle") => {
    const d = glyphPath(shape, 4.5).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return [
      new RegExp(`d="${d}"[^>]*fill="${SAMPLE_GREY}"`).test(svg),
      new RegExp(`d="${d}"[^>]*fill="#ffffff"[^>]*stroke="${SAMPLE_GREY}"`).test(svg),
    ];
  };
  test("takes the lines' own marker when they share one, a circle when they do not", () => {
    const target = parseTarget("p99<=60ms");
    const { meta, rows } = gridSweep();
    // GIL on only: one line, of square markers.
    const on = rows.filter((p) => p.values["runtime.gil"] === "on");
    const one = sweepFigures({ ...meta, axes: meta.axes.slice(0, 1), target }, on.length, () => on, "latency.p99")[0];
    expect(samples(one?.figure.svg ?? "", "square")).toEqual([true, true]);
    expect(samples(one?.figure.svg ?? "", "circle")).toEqual([false, false]);
    // GIL on and off: squares and diamonds, so the samples are circles.
    const mixed = sweepFigures({ ...meta, target }, rows.length, () => rows, "latency.p99")[0];
    expect(samples(mixed?.figure.svg ?? "", "circle")).toEqual([true, true]);
  });
});

describe("sweep line figure's caption on whiskers", () => {
  const caption = (rows: PointRow[], meta: ReturnType<typeof gridSweep>["meta"]) =>
    sweepFigures(meta, rows.length, () => rows, "latency.p99")[0]?.figure.svg ?? "";
  const withHalfWidth = (rows: PointRow[], share: (i: number) => number) =>
    rows.map((r, i) => {
      const s = r.summary["latency.p99"] as Estimate;
      const h = s.mean * share(i);
      return { ...r, summary: { ...r.summary, "latency.p99": { ...s, lo: s.mean - h, hi: s.mean + h, halfWidth: h } } };
    });
  test("says when the intervals hide behind the markers, at every point or at some", () => {
    const { meta, rows } = gridSweep();
    expect(
      caption(
        withHalfWidth(rows, () => 0.6),
        meta,
      ),
    ).toContain("whiskers show its 95% confidence interval.");
    expect(
      caption(
        withHalfWidth(rows, () => 0.0001),
        meta,
      ),
    ).toContain("its 95% confidence interval is narrower than the marker at every point, so no whisker shows.");
    expect(
      caption(
        withHalfWidth(rows, (i) => (i === 0 ? 0.6 : 0.0001)),
        meta,
      ),
    ).toContain("whiskers show its 95% confidence interval where it is wider than the marker (1 of 6 points).");
  });
});

describe("sweep heatmap's colour bar", () => {
  test("marks the line a simulated bound must stay under, and says so in the legend; nothing without a target", () => {
    const { meta, rows } = gridSweep();
    const target = withModelError(parseTarget("p99<=150ms"), true, "defaults");
    const [, heatmap] = sweepFigures({ ...meta, target }, rows.length, () => rows, "latency.p99");
    const svg = heatmap?.figure.svg ?? "";
    const marks = [...svg.matchAll(/<line [^>]*aria-label="mark"[^>]*>/g)].map((m) => m[0]);
    // A white edge and a black line, at one x.
    expect(marks).toHaveLength(2);
    expect(new Set(marks.map((m) => /x1="([^"]+)"/.exec(m)?.[1])).size).toBe(1);
    const limit = (150 * (1 + MEDIAN_SIGNED_ERROR.defaults["latency.p99"])).toPrecision(3);
    expect(svg).toContain(`on the colour bar: simulated bound ≤ ${Number(limit)} ms`);
    const [, plain] = sweepFigures(meta, rows.length, () => rows, "latency.p99");
    expect(plain?.figure.svg).not.toContain('aria-label="mark"');
    expect(plain?.figure.svg).not.toContain("on the colour bar");
  });
});
