import { describe, expect, test } from "vitest";
import { formatMetric } from "../../src/sweep/labels.js";
import type { PointRow } from "../../src/sweep/rows.js";
import { formatSweepTable, MAX_TABLE_ROWS } from "../../src/sweep/table.js";
import { gridSweep } from "./doc-fixture.js";

describe("formatMetric", () => {
  test("formatMetric writes times as durations and rates per second", () => {
    expect(formatMetric("latency.p99", 72_100_000)).toBe("72.1ms");
    expect(formatMetric("throughput", 498.27)).toBe("498/s");
    expect(formatMetric("gil.waitShare", 0.123456)).toBe("0.123");
  });
});

describe("formatSweepTable", () => {
  test("formatSweepTable lists each point's values with the metric and its half-width", () => {
    const { meta, rows } = gridSweep();
    const lines = formatSweepTable(meta, rows.length, rows, "latency.p99").split("\n");
    expect(lines[0]).toBe("executor.workers  runtime.gil  latency.p99    +/-");
    expect(lines[1]).toBe("               1           on        200ms   20ms");
    expect(lines[6]).toBe("               4          off         25ms  2.5ms");
    expect(lines).toHaveLength(7);
  });

  test("formatSweepTable points to the CSV for long sweeps", () => {
    const { meta } = gridSweep();
    // A long sweep's rows are not even read.
    const unread: Iterable<PointRow> = {
      [Symbol.iterator]: () => {
        throw new Error("read");
      },
    };
    expect(formatSweepTable(meta, MAX_TABLE_ROWS + 1, unread, "latency.p99")).toBe(
      `${MAX_TABLE_ROWS + 1} points: see sweep.csv for every metric, mean and confidence bounds`,
    );
  });
});
