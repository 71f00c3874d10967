import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseAxes } from "../../src/sweep/axis.js";
import type { Job } from "../../src/sweep/evaluate.js";
import { planSweep } from "../../src/sweep/plan.js";
import { InlineRunner, type JobRunner } from "../../src/sweep/pool.js";
import { POINTS_FILE, runSweep } from "../../src/sweep/run.js";
import { resultsOf } from "./doc-fixture.js";
import { tempDir, tinyScenario } from "./fixtures.js";

const VARY = ["executor.workers=1..4", "machine.cores=1,2"];

/** Runs jobs on the calling thread, counting them; fails the job whose seed is `failSeed`. */
class CountingRunner implements JobRunner {
  readonly size = 1;
  calls = 0;
  private readonly inner = new InlineRunner();
  constructor(private readonly failSeed: number | null = null) {}
  async run(job: Omit<Job, "id">) {
    this.calls++;
    if (job.seed === this.failSeed) throw new Error("boom");
    return this.inner.run(job);
  }
  async close() {}
}

function plan(options = {}) {
  return planSweep(tinyScenario(), "tiny.json", parseAxes(VARY), options);
}

describe("runSweep", () => {
  test("runSweep gives byte-identical results with 1 and 2 worker processes and on the main thread", async () => {
    const texts: string[] = [];
    for (const workers of [1, 2, 0]) {
      const report = await runSweep(plan(), { out: tempDir(), workers });
      expect(report.ran).toBe(8);
      texts.push(resultsOf(report.pointsFile).json);
    }
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).toBe(texts[0]);
    expect(JSON.parse(texts[0] as string).points).toHaveLength(8);
  });

  test("runSweep skips the points a previous run finished", async () => {
    const out = tempDir();
    const full = await runSweep(plan(), { out, workers: 0 });
    const before = resultsOf(full.pointsFile);
    const again = new CountingRunner();
    const rerun = await runSweep(plan(), { out, workers: 0, runner: again });
    expect(again.calls).toBe(0);
    expect(rerun.skipped).toBe(8);
    // Lose the last three lines, as if the sweep had been killed: only those run again.
    const file = join(out, POINTS_FILE);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    writeFileSync(file, `${lines.slice(0, -3).join("\n")}\n`);
    const counted = new CountingRunner();
    const resumed = await runSweep(plan(), { out, workers: 0, runner: counted });
    expect(counted.calls).toBe(3);
    expect(resumed).toMatchObject({ total: 8, skipped: 5, ran: 3 });
    expect(resultsOf(resumed.pointsFile)).toEqual(before);
  });

  test("runSweep stops at a failed point, naming it, and keeps the points that finished", async () => {
    const out = tempDir();
    const p = plan();
    const { pointSeed } = await import("../../src/sweep/grid.js");
    const failing = new CountingRunner(pointSeed(3, "executor.workers=3 machine.cores=1"));
    await expect(runSweep(p, { out, workers: 0, runner: failing })).rejects.toThrow(
      "point executor.workers=3 machine.cores=1 failed: boom",
    );
    const counted = new CountingRunner();
    const report = await runSweep(p, { out, workers: 0, runner: counted });
    // Points 0-3 finished before point 4 failed; the point in flight beside it may have finished too.
    expect(report.skipped).toBeGreaterThanOrEqual(4);
    expect(report.skipped + counted.calls).toBe(8);
    expect(JSON.parse(resultsOf(report.pointsFile).json).points.map((x: { index: number }) => x.index)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  test("runSweep runs only its shard's points", async () => {
    const report = await runSweep(plan({ shard: { k: 2, n: 3 } }), { out: tempDir(), workers: 0 });
    expect(report.total).toBe(3);
    const doc = JSON.parse(resultsOf(report.pointsFile).json);
    expect(doc.points.map((p: { index: number }) => p.index)).toEqual([1, 4, 7]);
    expect(doc.shard).toBe("2/3");
  });
});
