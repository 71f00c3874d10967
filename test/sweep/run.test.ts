import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseAxes } from "../../src/sweep/axis.js";
import { dealShard } from "../../src/sweep/deal.js";
import type { Job } from "../../src/sweep/evaluate.js";
import { LOCK_FILE } from "../../src/sweep/lock.js";
import { planSweep } from "../../src/sweep/plan.js";
import { PointFile } from "../../src/sweep/point-file.js";
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

  test("runSweep runs only its shard's units, as dealt by cost", async () => {
    const p = plan({ shard: { k: 2, n: 3 } });
    const work = dealShard(p.costs, p.pointReplications, p.shard);
    const report = await runSweep(p, { out: tempDir(), workers: 0 });
    expect(report.total).toBe(work.count);
    const units = Array.from({ length: work.count }, (_, u) => work.unit(u));
    const file = PointFile.open(report.pointsFile);
    try {
      expect(file.count + file.partCount).toBe(units.length);
      for (const u of units) expect(file.hasUnit(u.index, u.from, u.to)).toBe(true);
      expect(file.header.shard).toBe("2/3");
      expect(file.header.units).toBe(units.length);
    } finally {
      file.close();
    }
    expect(report.share).toBeCloseTo((work.loads[1] as number) / work.total, 12);
  });

  test("runSweep refuses an output folder another sweep is writing, naming it, and takes over the lock of a dead one", async () => {
    const out = tempDir();
    const slow = new CountingRunner();
    const first = runSweep(plan(), { out, workers: 0, runner: slow, lock: { command: "gilsim sweep first" } });
    // The first holds the lock from its start; the second is refused without touching the file.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(runSweep(plan(), { out, workers: 0 })).rejects.toThrow(
      new RegExp(`^${out} is in use by another gilsim sweep first \\(pid ${process.pid} on `),
    );
    await first;
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    // A lock left by a process that has ended (a crash, a kill -9): the rerun takes it over.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    writeFileSync(
      join(out, LOCK_FILE),
      JSON.stringify({
        pid: dead,
        host: hostname(),
        boot: null,
        start: null,
        since: "",
        command: "gilsim sweep",
        token: "x",
      }),
    );
    const rerun = await runSweep(plan(), { out, workers: 0 });
    expect(rerun).toMatchObject({ ran: 0, skipped: 8 });
  });

  test("runSweep stops when its signal aborts: the finished points stay, the lock goes, and a rerun resumes", async () => {
    const out = tempDir();
    const controller = new AbortController();
    let finished = 0;
    const stopping = runSweep(plan(), {
      out,
      workers: 0,
      signal: controller.signal,
      progress: () => ({
        increment: () => {
          finished++;
          if (finished === 3) controller.abort(new Error("stopped by SIGTERM"));
        },
        update() {},
        stop() {},
      }),
    });
    await expect(stopping).rejects.toThrow("stopped by SIGTERM");
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    const counted = new CountingRunner();
    const resumed = await runSweep(plan(), { out, workers: 0, runner: counted });
    expect(resumed).toMatchObject({ skipped: 3, ran: 5 });
  });
});
