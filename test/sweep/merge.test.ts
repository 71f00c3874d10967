import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SKETCH_RELATIVE_ERROR } from "../../src/metrics/sketch.js";
import { simulate } from "../../src/model/simulate.js";
import { parseAxes } from "../../src/sweep/axis.js";
import { mergeShards, pointsFilesOf } from "../../src/sweep/merge.js";
import { plannedPoint, planSweep } from "../../src/sweep/plan.js";
import { PointFile } from "../../src/sweep/point-file.js";
import { POINTS_FILE, runSweep } from "../../src/sweep/run.js";
import { resultsOf } from "./doc-fixture.js";
import { tempDir, tinyScenario } from "./fixtures.js";

/** A grid with a heavy corner: 20 times the tasks at one count, 4 replications a point. */
const VARY = ["workload.arrivals.count=20,21,400", "executor.workers=1,2"];
const plan = (shard: { k: number; n: number } | null = null, vary = VARY) =>
  planSweep(tinyScenario(), "t", parseAxes(vary), { replications: 4, shard });

async function shards(n: number, vary = VARY): Promise<string[]> {
  const files: string[] = [];
  for (let k = 1; k <= n; k++) {
    const report = await runSweep(plan({ k, n }, vary), { out: tempDir(), workers: 0 });
    files.push(report.pointsFile);
  }
  return files;
}

function merged(files: string[]): string {
  const out = join(tempDir(), POINTS_FILE);
  mergeShards(files, out);
  return out;
}

describe("mergeShards", () => {
  test("mergeShards of N shards gives the unsharded sweep's points file and results, byte for byte, for N = 1 to 5", async () => {
    const whole = await runSweep(plan(), { out: tempDir(), workers: 0 });
    // Put in grid order (the unsharded file is in the order points finished).
    const reference = readFileSync(merged([whole.pointsFile]), "utf8");
    let cut = 0;
    for (const n of [1, 2, 3, 4, 5]) {
      const files = await shards(n);
      for (const f of files) {
        const p = PointFile.open(f);
        cut += p.partCount;
        p.close();
      }
      const file = merged(files);
      expect(readFileSync(file, "utf8"), `N=${n}`).toBe(reference);
      expect(resultsOf(file)).toEqual(resultsOf(whole.pointsFile));
    }
    // The heavy points were cut into parts for some N, and joined back exactly.
    expect(cut).toBeGreaterThan(0);
  });

  test("mergeShards joins a point's parts into its row: summary from the replications, pooled latency from the histograms", async () => {
    const files = await shards(4);
    const rows = [...PointFile.open(merged(files)).rows()];
    const heavy = rows.filter((r) => r.values["workload.arrivals.count"] === 400);
    expect(heavy).toHaveLength(2);
    const whole = plan();
    for (const row of heavy) {
      // The truth: every task's latency in the point's four runs, from their traces.
      const { job } = plannedPoint(whole, row.index);
      const all = [0, 1, 2, 3]
        .flatMap((k) => simulate(job.scenario, { seed: job.seed + k, trace: true }).trace?.tasks ?? [])
        .map((t) => t.end - t.arrival)
        .sort((x, y) => x - y);
      expect(all).toHaveLength(1600);
      const exact = all[Math.ceil(0.99 * all.length) - 1] as number;
      expect(row.pooledLatency.p99).toBeGreaterThanOrEqual(exact);
      expect(row.pooledLatency.p99).toBeLessThanOrEqual(exact * (1 + SKETCH_RELATIVE_ERROR) + 1);
      expect(row.pooledLatency.max).toBe(all.at(-1));
      // 400 tasks in each of 4 replications, every one of them measured and pooled.
      expect(row.pooledLatency.count).toBe(1600);
      expect(row.pooledLatency.p50).toBeLessThanOrEqual(row.pooledLatency.p99);
      expect(row.pooledLatency.p99).toBeLessThanOrEqual(row.pooledLatency.max);
      // The mean of the runs' maxima is at most the largest of them.
      expect(row.summary["latency.max"]?.mean).toBeLessThanOrEqual(row.pooledLatency.max);
    }
  });

  test("mergeShards lists the missing points and shards, and writes nothing", async () => {
    const [a, , c] = (await shards(3)) as [string, string, string];
    const out = join(tempDir(), POINTS_FILE);
    let message = "";
    try {
      mergeShards([a, c], out);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^invalid merge: \d of 6 points missing \(executor\.workers=\d workload\.arrivals\.count=\d+/,
    );
    expect(message).toContain("; shards missing: 2/3; run the missing shards, or rerun the unfinished ones");
    expect(() => readFileSync(out)).toThrow();
  });

  test("mergeShards names a shard that has not finished", async () => {
    const [a, b] = (await shards(2)) as [string, string];
    const lines = readFileSync(b, "utf8").trimEnd().split("\n");
    writeFileSync(b, `${lines.slice(0, -1).join("\n")}\n`);
    expect(() => mergeShards([a, b], join(tempDir(), POINTS_FILE))).toThrow(
      `; shards unfinished: 2/2 (${lines.length - 2} of ${lines.length - 1} units)`,
    );
  });

  test("mergeShards refuses shards of another sweep, of another split, or with an edited header", async () => {
    const [a] = (await shards(2)) as [string, string];
    const out = join(tempDir(), POINTS_FILE);
    const [other] = await shards(2, ["workload.arrivals.count=20,40", "executor.workers=1,2"]);
    expect(() => mergeShards([a, other as string], out)).toThrow(`${other} is from another sweep than ${a} (sweep `);
    const [third] = await shards(3);
    expect(() => mergeShards([a, third as string], out)).toThrow(
      `invalid merge: shards of different splits: N=2 (${a}), N=3 (${third})`,
    );
    const lines = readFileSync(a, "utf8").split("\n");
    const header = JSON.parse(lines[0] as string);
    const edited = join(tempDir(), POINTS_FILE);
    writeFileSync(edited, [JSON.stringify({ ...header, seed: 5 }), ...lines.slice(1)].join("\n"));
    expect(() => mergeShards([edited], out)).toThrow(`${edited}: the header does not match its specification hash`);
  });

  test("mergeShards refuses two different results for one point", async () => {
    // 16 points of equal cost: none is cut into parts.
    const [a, b] = (await shards(2, ["executor.workers=1..4", "machine.cores=1..4"])) as [string, string];
    const lines = readFileSync(a, "utf8").trimEnd().split("\n");
    const row = JSON.parse(lines[1] as string);
    const tampered = join(tempDir(), POINTS_FILE);
    writeFileSync(tampered, `${lines[0]}\n${JSON.stringify({ ...row, seed: row.seed + 1 })}\n`);
    expect(() => mergeShards([a, b, tampered], join(tempDir(), "m.jsonl"))).toThrow(
      `point ${row.key} differs between the shards`,
    );
    // The same shard twice is fine: its points agree with themselves.
    expect(readFileSync(merged([a, a, b]), "utf8")).toBe(readFileSync(merged([a, b]), "utf8"));
  });
});

describe("pointsFilesOf", () => {
  test("pointsFilesOf finds points.jsonl in a folder, in each shard folder of a folder, and names a missing path", async () => {
    const files = await shards(2);
    const shared = tempDir();
    for (const [i, f] of files.entries()) {
      mkdirSync(join(shared, `shard-${i + 1}`));
      renameSync(f, join(shared, `shard-${i + 1}`, POINTS_FILE));
    }
    mkdirSync(join(shared, "merged"));
    writeFileSync(join(shared, "merged", POINTS_FILE), "");
    expect(pointsFilesOf(shared, join(shared, "merged"))).toEqual([
      join(shared, "shard-1", POINTS_FILE),
      join(shared, "shard-2", POINTS_FILE),
    ]);
    expect(pointsFilesOf(join(shared, "shard-1"))).toEqual([join(shared, "shard-1", POINTS_FILE)]);
    expect(() => pointsFilesOf("/nonexistent/x")).toThrow("no such file or folder: /nonexistent/x");
    const empty = tempDir();
    expect(() => pointsFilesOf(empty)).toThrow(`no points.jsonl in folder ${empty} or its subfolders`);
  });
});
