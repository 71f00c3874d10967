import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PointFile } from "../../src/sweep/point-file.js";
import { PointLog, type PointRow, type SweepHeader } from "../../src/sweep/store.js";
import { tempDir } from "./fixtures.js";

function header(over: Partial<SweepHeader> = {}): SweepHeader {
  return {
    format: "gilsim-sweep-points",
    version: 1,
    id: "00000000000000aa",
    name: "t",
    shard: null,
    size: 4,
    axes: [{ path: "executor.workers", values: [1, 2, 3, 4] }],
    replications: null,
    seed: null,
    scenario: {},
    ...over,
  };
}

function row(index: number): PointRow {
  return {
    index,
    key: `executor.workers=${index + 1}`,
    seed: 100 + index,
    replications: 1,
    values: { "executor.workers": index + 1 },
    summary: { throughput: { mean: index, lo: index, hi: index, halfWidth: 0 } },
  };
}

describe("PointLog", () => {
  test("PointLog writes the header, then one line per point as it is appended", () => {
    const file = join(tempDir(), "points.jsonl");
    const log = new PointLog(file, header());
    log.append(row(2));
    log.append(row(0));
    log.close();
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual([header(), row(2), row(0)]);
    const back = PointFile.open(file);
    expect(back.header).toEqual(header());
    expect([...back.rows()]).toEqual([row(0), row(2)]);
    back.close();
  });

  test("PointLog resumes a file of the same sweep and marks its points done", () => {
    const file = join(tempDir(), "points.jsonl");
    const first = new PointLog(file, header());
    first.append(row(1));
    first.append(row(3));
    first.close();
    const again = new PointLog(file, header());
    expect(again.resumed).toBe(2);
    expect([...again.done]).toEqual([0, 1, 0, 1]);
    again.append(row(0));
    again.close();
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.slice(1).map((l) => JSON.parse(l).index)).toEqual([1, 3, 0]);
  });

  test("PointLog drops a last line cut short, and appends after the last whole line", () => {
    const file = join(tempDir(), "points.jsonl");
    const log = new PointLog(file, header());
    log.append(row(1));
    log.close();
    appendFileSync(file, JSON.stringify(row(2)).slice(0, 20));
    const again = new PointLog(file, header());
    expect(again.resumed).toBe(1);
    again.append(row(2));
    again.close();
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.slice(1)).toEqual([JSON.stringify(row(1)), JSON.stringify(row(2)), ""]);
  });

  test("PointLog refuses a file of another sweep or shard unless told to restart", () => {
    const file = join(tempDir(), "points.jsonl");
    new PointLog(file, header()).close();
    expect(() => new PointLog(file, header({ id: "00000000000000bb" }))).toThrow(
      `${file} holds another sweep (the scenario, --vary, --replications or --seed differ); use --restart to start over or another --out`,
    );
    expect(() => new PointLog(file, header({ shard: "1/2" }))).toThrow(
      `${file} holds the whole sweep, not 1/2; use --restart to start over or another --out`,
    );
    const fresh = new PointLog(file, header({ id: "00000000000000bb" }), true);
    expect(fresh.resumed).toBe(0);
    fresh.close();
    expect(JSON.parse(readFileSync(file, "utf8").split("\n")[0] as string).id).toBe("00000000000000bb");
  });
});
