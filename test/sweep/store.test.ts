import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PointFile } from "../../src/sweep/point-file.js";
import type { PointRow } from "../../src/sweep/rows.js";
import { PointLog, type SweepHeader } from "../../src/sweep/store.js";
import { tempDir } from "./fixtures.js";

function header(over: Partial<SweepHeader> = {}): SweepHeader {
  return {
    format: "gilsim-sweep-points",
    version: 2,
    id: "00000000000000aa",
    name: "t",
    shard: null,
    units: 4,
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
    pooledLatency: { count: 1, p50: 1, p90: 1, p95: 1, p99: 1, max: 1 },
  };
}

const done = (log: PointLog) => [0, 1, 2, 3].map((i) => (log.has(i, 0, 1) ? 1 : 0));

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
    expect(again.resumed).toEqual({ units: 2, torn: false, dropped: 0 });
    expect(done(again)).toEqual([0, 1, 0, 1]);
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
    expect(again.resumed).toEqual({ units: 1, torn: true, dropped: 0 });
    again.append(row(2));
    again.close();
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.slice(1)).toEqual([JSON.stringify(row(1)), JSON.stringify(row(2)), ""]);
  });

  test("PointLog starts over a file cut short in its header, and keeps the whole lines of a file two writers garbled", () => {
    const file = join(tempDir(), "points.jsonl");
    writeFileSync(file, JSON.stringify(header()).slice(0, 40));
    const fresh = new PointLog(file, header());
    expect(fresh.resumed.units).toBe(0);
    fresh.append(row(0));
    fresh.close();
    // What an older gilsim left when a second sweep truncated the file under the first: NULs, and a line cut into another.
    appendFileSync(
      file,
      `\0\0\0\0${JSON.stringify(row(1)).slice(0, 25)}${JSON.stringify(row(2))}\n${JSON.stringify(row(3))}\n`,
    );
    const repaired = new PointLog(file, header());
    expect(repaired.resumed).toEqual({ units: 2, torn: false, dropped: 1 });
    expect(done(repaired)).toEqual([1, 0, 0, 1]);
    repaired.close();
    const back = PointFile.open(file);
    expect([...back.indices()]).toEqual([0, 3]);
    back.close();
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
    expect(fresh.resumed.units).toBe(0);
    fresh.close();
    expect(JSON.parse(readFileSync(file, "utf8").split("\n")[0] as string).id).toBe("00000000000000bb");
  });
});
