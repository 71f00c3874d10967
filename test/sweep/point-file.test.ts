import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PointFile } from "../../src/sweep/point-file.js";
import type { PartRow, PointRow } from "../../src/sweep/rows.js";
import type { SweepHeader } from "../../src/sweep/store.js";
import { tempDir } from "./fixtures.js";

const header: SweepHeader = {
  format: "gilsim-sweep-points",
  version: 2,
  id: "00000000000000aa",
  name: "t",
  shard: null,
  units: 5,
  size: 5,
  axes: [{ path: "runtime.switchInterval", values: ["1µs", "2µs", "3µs", "4µs", "5µs"] }],
  replications: null,
  seed: null,
  scenario: {},
};

function row(index: number, metric = "throughput"): PointRow {
  // Keys with a multi-byte character check that offsets count bytes, not characters.
  return {
    index,
    key: `runtime.switchInterval="${index + 1}µs"`,
    seed: index,
    replications: 1,
    values: { "runtime.switchInterval": `${index + 1}µs` },
    summary: { [metric]: { mean: index, lo: index, hi: index, halfWidth: 0 } },
    pooledLatency: { count: 1, p50: index, p90: index, p95: index, p99: index, max: index },
  };
}

function part(index: number, from: number, to: number): PartRow {
  const { summary: _, pooledLatency: __, ...id } = row(index);
  const runs = { throughput: Array.from({ length: to - from }, (_, k) => from + k) };
  return {
    ...id,
    replications: 4,
    part: [from, to],
    confidence: 0.95,
    runs,
    latency: { count: 0, sum: 0, max: 0, buckets: [] },
  };
}

function write(lines: unknown[], tail = ""): string {
  const file = join(tempDir(), "points.jsonl");
  writeFileSync(file, `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n${tail}`);
  return file;
}

describe("PointFile", () => {
  test("PointFile keeps parts of points apart from whole points, by first replication", () => {
    const file = write([header, part(2, 2, 4), row(1), part(2, 0, 2), part(2, 2, 4)]);
    const points = PointFile.open(file);
    expect([points.count, points.partCount]).toEqual([1, 2]);
    expect(points.partsOf(2).map((p) => [p.from, p.to])).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(points.partRow(points.partsOf(2)[1] as never)).toEqual(part(2, 2, 4));
    expect([...points.rows()].map((r) => r.index)).toEqual([1]);
    expect([points.hasUnit(2, 0, 2), points.hasUnit(2, 0, 4), points.hasUnit(1, 0, 1)]).toEqual([true, false, true]);
    points.close();
    const differ = write([header, part(2, 0, 2), { ...part(2, 0, 2), seed: 7 }]);
    expect(() => PointFile.open(differ)).toThrow("replications 0-2 of point");
  });

  test("PointFile knows the fewest replications of its points, whole or in parts", () => {
    // Whole rows run 1 replication here, parts are of points of 4.
    const open = (lines: unknown[]) => {
      const points = PointFile.open(write([header, ...lines]));
      points.close();
      return points.fewestReplications;
    };
    expect(open([part(2, 0, 2), part(3, 0, 4)])).toBe(4);
    expect(open([part(2, 0, 2), row(1), { ...row(0), replications: 3 }])).toBe(1);
    expect(
      open([
        { ...row(0), replications: 3 },
        { ...row(4), replications: 5 },
      ]),
    ).toBe(3);
    expect(open([])).toBeNull();
  });

  test("PointFile reads rows back in grid order, one at a time, with the metrics of all rows", () => {
    const file = write([header, row(3), row(0, "makespan"), row(4)]);
    const points = PointFile.open(file);
    expect(points.count).toBe(3);
    expect([...points.indices()]).toEqual([0, 3, 4]);
    expect([...points.rows()]).toEqual([row(0, "makespan"), row(3), row(4)]);
    expect(points.metrics).toEqual(["makespan", "throughput"]);
    expect(points.has(1)).toBe(false);
    expect(points.line(3)).toBe(JSON.stringify(row(3)));
    points.close();
  });

  test("PointFile leaves out a last line cut short and says where whole lines end", () => {
    const whole = `${JSON.stringify(header)}\n${JSON.stringify(row(1))}\n`;
    const file = write([header, row(1)], JSON.stringify(row(2)).slice(0, 30));
    const points = PointFile.open(file);
    expect([...points.indices()]).toEqual([1]);
    expect(points.wholeBytes).toBe(Buffer.byteLength(whole));
    points.close();
  });

  test("PointFile reads files longer than its read buffer", () => {
    const big = { ...header, size: 3000, scenario: { pad: "x".repeat(2000) } };
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      ...row(i),
      key: `k${i}`,
      values: { pad: "y".repeat(400) },
    }));
    const points = PointFile.open(write([big, ...rows.reverse()]));
    expect(points.count).toBe(3000);
    expect(points.row(2999).key).toBe("k2999");
    expect(points.row(0).key).toBe("k0");
    points.close();
  });

  test("PointFile accepts a point written twice the same, and refuses it written twice differently", () => {
    const same = PointFile.open(write([header, row(1), row(1)]));
    expect(same.count).toBe(1);
    same.close();
    const file = write([header, row(1), { ...row(1), seed: 99 }]);
    expect(() => PointFile.open(file)).toThrow(
      `invalid points file: ${file} (point runtime.switchInterval="2µs" twice, with different results)`,
    );
  });

  test("PointFile names the file and line of what is wrong", () => {
    let file = write([header, "{oops", row(0)]);
    expect(() => PointFile.open(file)).toThrow(`invalid points file: ${file} (line 2 is not JSON;`);
    const lenient = PointFile.open(file, { lenient: true });
    expect([lenient.skipped, lenient.count]).toEqual([1, 1]);
    lenient.close();
    file = write([{ ...header, version: 1 }]);
    expect(() => PointFile.open(file)).toThrow(
      `invalid points file: ${file} (format 1, written by another gilsim version`,
    );
    file = write([{ a: 1 }]);
    expect(() => PointFile.open(file)).toThrow(`invalid points file: ${file} (expected a gilsim sweep points file)`);
    file = write([header, row(9)]);
    expect(() => PointFile.open(file)).toThrow(`invalid points file: ${file} (point index 9 outside the grid of 5)`);
    expect(() => PointFile.open("/nonexistent/points.jsonl")).toThrow(
      "cannot read points file /nonexistent/points.jsonl (ENOENT)",
    );
  });
});
