import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseAxes } from "../../src/sweep/axis.js";
import { mergeShards, pointsFileOf } from "../../src/sweep/merge.js";
import { planSweep } from "../../src/sweep/plan.js";
import { POINTS_FILE, runSweep } from "../../src/sweep/run.js";
import { resultsOf } from "./doc-fixture.js";
import { tempDir, tinyScenario } from "./fixtures.js";

const VARY = ["executor.workers=1..3", "runtime.switchInterval=1ms,5ms"];

async function shards(n: number): Promise<string[]> {
  const files: string[] = [];
  for (let k = 1; k <= n; k++) {
    const out = tempDir();
    const report = await runSweep(planSweep(tinyScenario(), "t", parseAxes(VARY), { shard: { k, n } }), {
      out,
      workers: 0,
    });
    files.push(report.pointsFile);
  }
  return files;
}

describe("mergeShards", () => {
  test("mergeShards of the shards gives the unsharded sweep's points file and results, byte for byte", async () => {
    const whole = await runSweep(planSweep(tinyScenario(), "t", parseAxes(VARY)), { out: tempDir(), workers: 0 });
    for (const n of [2, 4]) {
      const merged = join(tempDir(), POINTS_FILE);
      const header = mergeShards(await shards(n), merged);
      expect(header.shard).toBeNull();
      expect(resultsOf(merged)).toEqual(resultsOf(whole.pointsFile));
    }
  });

  test("mergeShards reports missing points and shards of another sweep, writing nothing", async () => {
    const [a, b, c] = (await shards(3)) as [string, string, string];
    const out = join(tempDir(), POINTS_FILE);
    expect(() => mergeShards([a, c], out)).toThrow(
      "invalid merge: 2 of 6 points missing, the first is point 1 (shards given: 1/3, 3/3; run the missing shards or finish them)",
    );
    const other = await runSweep(
      planSweep(tinyScenario(), "t", parseAxes(["executor.workers=1,2"]), { shard: { k: 1, n: 2 } }),
      { out: tempDir(), workers: 0 },
    );
    expect(() => mergeShards([a, other.pointsFile], out)).toThrow(
      `${other.pointsFile} is from another sweep than ${a}`,
    );
    expect(() => readFileSync(out)).toThrow();
    // The same shard twice is fine: its points agree with themselves.
    mergeShards([a, a, b, c], out);
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(7);
  });

  test("mergeShards refuses two different results for one point", async () => {
    const [a, b] = (await shards(2)) as [string, string];
    const lines = readFileSync(a, "utf8").trimEnd().split("\n");
    const row = JSON.parse(lines[1] as string);
    const tampered = join(tempDir(), POINTS_FILE);
    writeFileSync(tampered, `${lines[0]}\n${JSON.stringify({ ...row, seed: row.seed + 1 })}\n`);
    expect(() => mergeShards([a, b, tampered], join(tempDir(), "m.jsonl"))).toThrow(
      `point ${row.key} differs between the shards`,
    );
  });
});

describe("pointsFileOf", () => {
  test("pointsFileOf finds points.jsonl in a folder and names a missing path", async () => {
    const [a] = (await shards(1)) as [string];
    const dir = join(a, "..");
    expect(pointsFileOf(dir)).toBe(a);
    expect(pointsFileOf(a)).toBe(a);
    expect(() => pointsFileOf("/nonexistent/x")).toThrow("no such file or folder: /nonexistent/x");
    const empty = tempDir();
    expect(() => pointsFileOf(empty)).toThrow(`no points.jsonl in folder ${empty}`);
  });
});
