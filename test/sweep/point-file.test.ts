import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PointFile } from "../../src/sweep/point-file.js";
import type { PointRow, SweepHeader } from "../../src/sweep/store.js";
import { tempDir } from "./fixtures.js";

const header: SweepHeader = {
  format: "gilsim-sweep-points",
  version: 1,
  id: "00000000000000aa",
  name: "t",
  shard: null,
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
  };
}

function write(lines: unknown[], tail = ""): string {
  const file = join(tempDir(), "points.jsonl");
  writeFileSync(file, `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n${tail}`);
  return file;
}

describe("PointFile", () => {
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
    expect(() => PointFile.open(file)).toThrow(`invalid points file: ${file} (line 2 is not JSON)`);
    file = write([{ a: 1 }]);
    expect(() => PointFile.open(file)).toThrow(`invalid points file: ${file} (expected a gilsim sweep points file)`);
    file = write([header, row(9)]);
    expect(() => PointFile.open(file)).toThrow(`invalid points file: ${file} (point index 9 outside the grid of 5)`);
    expect(() => PointFile.open("/nonexistent/points.jsonl")).toThrow(
      "cannot read points file /nonexistent/points.jsonl (ENOENT)",
    );
  });
});
