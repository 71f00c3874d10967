/**
 * Sweep benchmark: a 1,000-point sweep on one worker, then on two, alternating, and the speed-up
 * (target: at least 1.8 on 2 cores), for points of two sizes: 5,000 tasks (as many as the web-api
 * preset runs; about 26 ms each, a sweep of about 26 s), which the target is for, and 300 tasks
 * (about 2.5 ms each), where the fixed cost of starting each worker weighs; then the peak memory of a 250-point and a
 * 1,000-point sweep, to show memory does not grow with the number of points (results stream to the
 * points file; only summaries are kept).
 *
 * Every run gets a fresh output folder and a fresh pool, so nothing is resumed and every worker
 * starts cold: start-up and writing sweep.json and sweep.csv are included, the figures are not.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { parseAxes } from "../src/sweep/axis.js";
import { planSweep, type SweepPlan } from "../src/sweep/plan.js";
import { PointFile } from "../src/sweep/point-file.js";
import { WorkerPool } from "../src/sweep/pool.js";
import { writeSweepResults } from "../src/sweep/results.js";
import { runSweep } from "../src/sweep/run.js";
import { median } from "./measure.js";
import type { Bench, BenchLine } from "./types.js";

/** `tasks` tasks of 1 ms CPU and 5 ms IO on a thread pool. */
function scenario(tasks: number) {
  return {
    name: "sweep-bench",
    seed: 1,
    machine: { cores: 4 },
    executor: { kind: "threads", workers: 4 },
    workload: {
      arrivals: { kind: "poisson", rate: "400/s", count: tasks },
      classes: [
        { steps: [{ cpu: { dist: "exponential", mean: "1ms" } }, { io: { dist: "exponential", mean: "5ms" } }] },
      ],
    },
    run: { replications: 1, trace: false },
  };
}

/** A grid of `workers x 25` points: executor.workers 1..workers, runtime.switchInterval 1..25 ms. */
function plan(workers: number, tasks: number): SweepPlan {
  return planSweep(
    scenario(tasks),
    "bench",
    parseAxes([`executor.workers=1..${workers}`, "runtime.switchInterval=1..25"]),
  );
}

/** Resident set of a process in bytes, from /proc (0 where there is none). */
function rssOf(pid: number | "self"): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return pages * 4096;
  } catch {
    return 0;
  }
}

interface Measured {
  seconds: number;
  /** Peak resident set of the main process and its worker processes together during the run, in MiB. */
  peakRss: number;
  /** Peak V8 heap in use on the main thread during the run, in MiB. */
  peakHeap: number;
}

async function measure(sweep: SweepPlan, workers: number): Promise<Measured> {
  const out = mkdtempSync(join(tmpdir(), "gilsim-bench-sweep-"));
  const runner = new WorkerPool(workers);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(
      peakRss,
      runner.pids.reduce((sum, pid) => sum + rssOf(pid), m.rss),
    );
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const start = process.hrtime.bigint();
  try {
    const report = await runSweep(sweep, { out, workers, runner });
    await runner.close();
    // sweep.json and sweep.csv too (not the figures), as `gilsim sweep` writes them.
    const points = PointFile.open(report.pointsFile);
    try {
      await writeSweepResults(points, out, { figures: false });
    } finally {
      points.close();
    }
    sample();
  } finally {
    clearInterval(timer);
    await runner.close();
    rmSync(out, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, peakRss: peakRss / 2 ** 20, peakHeap: peakHeap / 2 ** 20 };
}

/** Plain JavaScript CPU work for a worker thread: no imports, no messages until the end. */
const SPIN = `let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003; require("node:worker_threads").parentPort.postMessage(x);`;

function spin(): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = new Worker(SPIN, { eval: true });
    w.once("message", () => {
      void w.terminate().then(() => resolve());
    });
    w.once("error", reject);
  });
}

/**
 * How much faster the machine runs two CPU-bound threads at once than one after the other, now:
 * 2 on two idle cores, less when other work shares them. The sweep's speed-up cannot beat it.
 */
async function machineSpeedup(): Promise<number> {
  let start = process.hrtime.bigint();
  await spin();
  await spin();
  const serial = Number(process.hrtime.bigint() - start);
  start = process.hrtime.bigint();
  await Promise.all([spin(), spin()]);
  const parallel = Number(process.hrtime.bigint() - start);
  return serial / parallel;
}

/** Median seconds of a sweep on 1 worker and on 2, measured in alternation. */
async function speedup(sweep: SweepPlan, rounds: number, progress: (status: string) => void, label: string) {
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < rounds; r++) {
    progress(`${label}, round ${r + 1}/${rounds}: 1 worker`);
    one.push((await measure(sweep, 1)).seconds);
    progress(`${label}, round ${r + 1}/${rounds}: 2 workers`);
    two.push((await measure(sweep, 2)).seconds);
  }
  return { one: median(one), two: median(two) };
}

export const sweepBench: Bench = {
  name: "sweep",
  description: "1,000-point sweep on 1 vs 2 worker processes; peak memory of 250 vs 1,000 points",
  async run(progress) {
    const rounds = 2;
    progress("warm-up");
    await measure(plan(2, 300), 2);
    // Memory first, before the timing rounds have grown the process.
    progress("memory, 250 points");
    const m250 = await measure(plan(10, 300), 2);
    progress("memory, 1,000 points");
    const m1000 = await measure(plan(40, 300), 2);
    const machine: number[] = [];
    for (let r = 0; r < rounds; r++) {
      progress(`machine, round ${r + 1}/${rounds}`);
      machine.push(await machineSpeedup());
    }
    const big = await speedup(plan(40, 5000), rounds, progress, "5,000-task points");
    const small = await speedup(plan(40, 300), rounds, progress, "300-task points");
    const lines: BenchLine[] = [
      { metric: "1,000 points of 5,000 tasks, 1 worker", value: big.one, unit: "s" },
      { metric: "1,000 points of 5,000 tasks, 2 workers", value: big.two, unit: "s" },
      { metric: "speed-up, 2 workers vs 1", value: big.one / big.two, unit: "x", atLeast: 1.8 },
      { metric: "1,000 points of 300 tasks, 1 worker", value: small.one, unit: "s" },
      { metric: "1,000 points of 300 tasks, 2 workers", value: small.two, unit: "s" },
      // No target: each worker's fixed start-up cost (V8 compiling the model) is a large share of a 2 s sweep.
      { metric: "speed-up, 300-task points", value: small.one / small.two, unit: "x" },
      // What the machine allowed meanwhile: two plain CPU-bound threads against one after the other.
      { metric: "machine speed-up, 2 CPU threads vs 1", value: median(machine), unit: "x" },
      { metric: "peak RSS, 250 points", value: m250.peakRss, unit: "MiB" },
      { metric: "peak RSS, 1,000 points", value: m1000.peakRss, unit: "MiB" },
      { metric: "peak main heap, 250 points", value: m250.peakHeap, unit: "MiB" },
      { metric: "peak main heap, 1,000 points", value: m1000.peakHeap, unit: "MiB" },
      // Flat memory: four times the points needs (almost) no more memory; 1 means no growth at all.
      { metric: "peak RSS growth, 1,000 / 250 points", value: m1000.peakRss / m250.peakRss, unit: "x", atMost: 1.25 },
      { metric: "peak main heap growth, 1,000 / 250 points", value: m1000.peakHeap / m250.peakHeap, unit: "x" },
    ];
    return lines;
  },
};
