import { describe, expect, test } from "vitest";
import { formatSweepCsv, formatSweepJson, sweepJsonChunks, sweepMeta } from "../../src/sweep/output.js";
import type { PointRow } from "../../src/sweep/rows.js";
import type { SweepHeader } from "../../src/sweep/store.js";

const header: SweepHeader = {
  format: "gilsim-sweep-points",
  version: 2,
  id: "0123456789abcdef",
  name: "t",
  shard: "1/2",
  units: 2,
  size: 2,
  axes: [
    { path: "executor.workers", values: [1] },
    { path: "name", values: ["a,b", 'say "hi"'] },
  ],
  replications: 2,
  seed: null,
  scenario: { name: "t" },
};

const rows: PointRow[] = [
  {
    index: 1,
    key: "k1",
    seed: 5,
    replications: 2,
    values: { "executor.workers": 1, name: 'say "hi"' },
    summary: { throughput: { mean: 10, lo: 9, hi: 11, halfWidth: 1 } },
    pooledLatency: { count: 40, p50: 1, p90: 2, p95: 3, p99: 4, max: 5 },
  },
  {
    index: 0,
    key: "k0",
    seed: 4,
    replications: 2,
    values: { "executor.workers": 1, name: "a,b" },
    summary: {
      "latency.p99": { mean: 2.5, lo: 2, hi: 3, halfWidth: 0.5 },
      throughput: { mean: 20, lo: 18, hi: 22, halfWidth: 2 },
    },
    pooledLatency: { count: 30, p50: 1.5, p90: 2.5, p95: 3.5, p99: 4.5, max: 6 },
  },
];

const meta = sweepMeta(header, ["throughput", "latency.p99"]);

describe("sweepMeta", () => {
  test("sweepMeta sorts the metrics and names the shard only for a shard", () => {
    expect(meta.metrics).toEqual(["latency.p99", "throughput"]);
    expect(meta.shard).toBe("1/2");
    expect("shard" in sweepMeta({ ...header, shard: null }, [])).toBe(false);
  });
});

describe("formatSweepJson", () => {
  test("formatSweepJson writes JSON that reads back to the meta and the points in grid order", () => {
    const text = formatSweepJson(meta, rows);
    expect(JSON.parse(text)).toEqual({ ...meta, points: [rows[1], rows[0]] });
    expect(text.split("\n").filter((l) => l.startsWith('    {"index"'))).toHaveLength(2);
    expect(text.endsWith("}\n")).toBe(true);
  });

  test("sweepJsonChunks gives valid JSON for no points", () => {
    expect(JSON.parse([...sweepJsonChunks(meta, [])].join("")).points).toEqual([]);
  });
});

describe("formatSweepCsv", () => {
  test("formatSweepCsv writes the axes, each metric's mean and bounds, then the pooled latency, quoting where needed", () => {
    expect(formatSweepCsv(meta, rows)).toBe(
      [
        "index,seed,replications,executor.workers,name,latency.p99,latency.p99.lo,latency.p99.hi,throughput,throughput.lo,throughput.hi,pooledLatency.count,pooledLatency.p50,pooledLatency.p90,pooledLatency.p95,pooledLatency.p99,pooledLatency.max,truncated",
        '0,4,2,1,"a,b",2.5,2,3,20,18,22,30,1.5,2.5,3.5,4.5,6,0',
        '1,5,2,1,"say ""hi""",,,,10,9,11,40,1,2,3,4,5,0',
        "",
      ].join("\n"),
    );
  });
});
