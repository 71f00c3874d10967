import { describe, expect, test } from "vitest";
import { heatmapData, lineData } from "../../src/sweep/figure-data.js";
import { gridSweep } from "./doc-fixture.js";

describe("lineData", () => {
  test("lineData plots the metric against the numeric axis, one line per value of the others", () => {
    const { meta, rows } = gridSweep();
    const data = lineData(meta, rows, "latency.p99");
    expect(data?.x).toBe("executor.workers");
    expect(data?.series.map((s) => s.label)).toEqual(["GIL: on", "GIL: off"]);
    expect(data?.series[0]?.points).toEqual([
      { x: 1, y: 200e6, lo: 180e6, hi: 220e6 },
      { x: 2, y: 100e6, lo: 90e6, hi: 110e6 },
      { x: 4, y: 50e6, lo: 45e6, hi: 55e6 },
    ]);
    // The caller's rows are left as they were.
    expect(Object.keys(rows[0]?.summary ?? {})).toEqual(["latency.p99", "throughput"]);
  });

  test("lineData moves an axis with one value out of the line labels into fixed", () => {
    const { meta, rows } = gridSweep();
    const one = {
      ...meta,
      axes: meta.axes.map((a) => (a.path === "runtime.gil" ? { ...a, values: ["on"] } : a)),
    };
    const data = lineData(
      one,
      rows.filter((r) => r.values["runtime.gil"] === "on"),
      "latency.p99",
    );
    expect(data?.fixed).toBe("GIL: on");
    expect(data?.series.map((s) => s.label)).toEqual([""]);
    expect(lineData(meta, rows, "latency.p99")?.fixed).toBe("");
  });

  test("lineData gives nothing without a numeric axis or for a missing metric", () => {
    const { meta, rows } = gridSweep();
    expect(lineData({ ...meta, axes: meta.axes.slice(1) }, rows, "latency.p99")).toBeNull();
    expect(lineData(meta, rows, "wait.p99")).toBeNull();
  });

  test("lineData keeps at most MAX_SERIES lines however many rows stream by", () => {
    const { meta, rows } = gridSweep();
    const many = Array.from({ length: 40 }, (_, i) =>
      rows.map((r) => ({ ...r, values: { ...r.values, "runtime.gil": `v${i}` } })),
    ).flat();
    const data = lineData(meta, many, "throughput");
    expect(data?.series).toHaveLength(12);
  });
});

describe("heatmapData", () => {
  test("heatmapData lays the metric over the first two axes", () => {
    const { meta, rows } = gridSweep();
    const [map, ...rest] = heatmapData(meta, rows, "throughput");
    expect(rest).toEqual([]);
    expect(map).toMatchObject({
      x: "executor.workers",
      y: "runtime.gil",
      xValues: [1, 2, 4],
      yValues: ["on", "off"],
      fixed: "",
    });
    expect(map?.cells).toHaveLength(6);
    expect(map?.cells).toContainEqual({ x: 4, y: "off", value: 40 });
  });

  test("heatmapData gives nothing with fewer than two varied axes", () => {
    const { meta, rows } = gridSweep();
    expect(heatmapData({ ...meta, axes: meta.axes.slice(0, 1) }, rows, "throughput")).toEqual([]);
  });
});
