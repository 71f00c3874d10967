import { type SweepMeta, sweepCsvChunks, sweepJsonChunks, sweepMeta } from "../../src/sweep/output.js";
import { PointFile } from "../../src/sweep/point-file.js";
import type { PointRow } from "../../src/sweep/rows.js";
import type { SweepHeader } from "../../src/sweep/store.js";

/** A finished point of a fixture sweep: its key from its values, pooled latencies around its p99. */
function pointRow(index: number, values: PointRow["values"], summary: PointRow["summary"], p99: number): PointRow {
  return {
    index,
    key: Object.entries(values)
      .map(([path, v]) => `${path}=${JSON.stringify(v)}`)
      .join(" "),
    seed: index + 1,
    replications: 2,
    values,
    summary,
    pooledLatency: { count: 100, p50: p99 / 4, p90: p99 / 2, p95: p99 / 1.5, p99, max: 2 * p99 },
  };
}

/** A fixture sweep's points-file header: unsharded, 2 replications, no base seed. */
function headerOf(
  id: string,
  name: string,
  rows: readonly PointRow[],
  axes: SweepHeader["axes"],
  scenario: unknown,
): SweepHeader {
  return {
    format: "gilsim-sweep-points",
    version: 2,
    id,
    name,
    shard: null,
    units: rows.length,
    size: rows.length,
    axes,
    replications: 2,
    seed: null,
    scenario,
  };
}

/**
 * A sweep over executor.workers 1, 2, 4 and runtime.gil on/off, with latency.p99 set to
 * 100 ms / workers, doubled when the GIL is on: a known surface for figure and table tests.
 */
export function gridSweep(): { header: SweepHeader; meta: SweepMeta; rows: PointRow[] } {
  const workers = [1, 2, 4];
  const gil = ["on", "off"];
  const rows: PointRow[] = [];
  for (const w of workers) {
    for (const g of gil) {
      const p99 = (100e6 / w) * (g === "on" ? 2 : 1);
      const summary = {
        "latency.p99": { mean: p99, lo: p99 - p99 / 10, hi: p99 + p99 / 10, halfWidth: p99 / 10 },
        throughput: { mean: 10 * w, lo: 9 * w, hi: 11 * w, halfWidth: w },
      };
      rows.push(pointRow(rows.length, { "executor.workers": w, "runtime.gil": g }, summary, p99));
    }
  }
  const axes = [
    { path: "executor.workers", values: workers },
    { path: "runtime.gil", values: gil },
  ];
  const header = headerOf("feedfacefeedface", "grid", rows, axes, {});
  return { header, meta: sweepMeta(header, ["latency.p99", "throughput"]), rows };
}

/** sweep.json and sweep.csv as the CLI writes them for a points file. */
export function resultsOf(pointsFile: string): { json: string; csv: string } {
  const points = PointFile.open(pointsFile);
  try {
    const meta = sweepMeta(points.header, points.metrics);
    return {
      json: [...sweepJsonChunks(meta, points.rows())].join(""),
      csv: [...sweepCsvChunks(meta, points.rows())].join(""),
    };
  } finally {
    points.close();
  }
}

/**
 * A sweep of a base asyncio scenario set to threads (one value), over executor.workers 2..32 and
 * runtime.python 3.12 / 3.13t, the shape of the web-api sweep: p99 = 400 ms / workers,
 * halved without the GIL.
 */
export function versionSweep(): { meta: SweepMeta; rows: PointRow[] } {
  const workers = [2, 4, 8, 16, 32];
  const pythons = ["3.12", "3.13t"];
  const rows: PointRow[] = [];
  for (const w of workers) {
    for (const py of pythons) {
      const p99 = (400e6 / w) * (py === "3.12" ? 1 : 0.5);
      const summary = { "latency.p99": { mean: p99, lo: p99 * 0.9, hi: p99 * 1.1, halfWidth: p99 / 10 } };
      const values = { "executor.kind": "threads", "executor.workers": w, "runtime.python": py };
      rows.push(pointRow(rows.length, values, summary, p99));
    }
  }
  const axes = [
    { path: "executor.kind", values: ["threads"] },
    { path: "executor.workers", values: workers },
    { path: "runtime.python", values: pythons },
  ];
  const header = headerOf("feedfacefeedfac2", "web-api", rows, axes, {
    name: "web-api",
    executor: { kind: "asyncio", offload: "none" },
  });
  return { meta: sweepMeta(header, ["latency.p99"]), rows };
}
