import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type MeasuredRun, measureConfig } from "../../notebooks/lib/app-bench.js";
import { readRecording } from "../../src/capture/recording.js";
import type { FittedStep } from "../../src/fit/classes.js";
import type { Metrics } from "../../src/metrics/types.js";
import { run } from "../cli/run.js";
import { hasPython } from "../python.js";
import { tempDir } from "../temp.js";

/*
 * The whole "start from your own app" path in real CPython: the demo order service
 * (examples/app/app.py) on a pool of 2 threads, recorded under `gilsim record` while the load
 * generator sends it 20 warm-up and 100 measured requests (Poisson, 20/s); `gilsim fit` turns the
 * recording into a scenario, `gilsim check` accepts it and `gilsim simulate` runs it.
 *
 * Counts and structure are asserted exactly (they follow from the app's code and the traffic).
 * Timings are bounded by what holds on a machine at load 8: the real app is never faster than
 * the CPU it used, and other processes only make it slower, so the simulated latency must lie
 * between the recorded CPU time and (a margin above) the recorded latency.
 */

const WARMUP = 20;
const COUNT = 100;

interface Report {
  classes: { name: string; tasks: number; fitted: number; signature: string; steps: FittedStep[] }[];
  arrivals: { kind: string; count: number; rate: number };
  recorded: { count: number; p50: number; p95: number; p99: number };
  consistency: { rows: { percentile: string; recorded: number; simulated: number; error: number }[] };
}

/** Mean CPU of a fitted class's steps (Python, GIL-releasing and GIL-holding calls), ns. */
function stepsCpu(steps: readonly FittedStep[]): number {
  let sum = 0;
  for (const s of steps) {
    if (s.kind === "offload") sum += stepsCpu(s.inner ?? []);
    else if (s.dist && (s.kind === "python" || s.kind === "release" || s.kind === "hold")) {
      sum += s.dist.mean * s.repeat;
    }
  }
  return sum;
}

describe.skipIf(!hasPython("import sqlite3"))("record -> fit -> simulate on the demo service in real CPython", () => {
  const dir = tempDir("gilsim-fit-");
  const recording = join(dir, "orders.jsonl");
  const scenario = join(dir, "orders.json");
  const report = join(dir, "orders-report.json");
  let measured: MeasuredRun;
  let fit: Awaited<ReturnType<typeof run>>;
  let rep: Report;

  beforeAll(async () => {
    measured = await measureConfig(
      { id: "threads-2", mode: "threads", workers: 2, rate: 20 },
      { python: "python3", count: COUNT, warmup: WARMUP, seed: 3, recordTo: recording },
    );
    fit = await run("fit", recording, "--out", scenario, "--report", report, "--warmup", "0s", "--replications", "2");
    rep = JSON.parse(readFileSync(report, "utf8")) as Report;
  }, 120_000);

  it("records one task per request, named by route, all answered", () => {
    expect(measured.samples.length).toBe(COUNT);
    // 201 Created for an order, 200 OK for a report: no request failed.
    for (const s of measured.samples) {
      expect(s.status).toBe(measured.kinds[s.kind] === "POST /orders" ? 201 : 200);
    }
    const rec = readRecording(recording);
    expect(rec.processes.length).toBe(1);
    const tasks = rec.processes[0]?.tasks ?? [];
    expect(tasks.length).toBe(WARMUP + COUNT);
    expect(new Set(tasks.map((t) => t.name))).toEqual(new Set(["POST /orders", "GET /report"]));
    expect(new Set(tasks.map((t) => JSON.stringify(t.exec)))).toEqual(
      new Set([JSON.stringify({ kind: "threads", workers: 2 })]),
    );
    // Every submission after the first says how much of the main thread's CPU since the one before
    // was spent inside that one's submit call: a part of it.
    const bySubmit = [...tasks].sort((a, b) => a.arrival - b.arrival);
    expect(bySubmit[0]?.sub).toBeNull();
    for (const t of bySubmit.slice(1)) {
      expect(t.sub).not.toBeNull();
      expect(t.subp).toBeGreaterThan(0);
      expect(t.subp).toBeLessThanOrEqual(t.sub as number);
    }
    // The measured requests of each route, as the load generator sent them, are the last tasks of that name.
    const sentOrders = measured.samples.filter((s) => measured.kinds[s.kind] === "POST /orders").length;
    const recordedOrders = tasks.filter((t) => t.name === "POST /orders").length;
    expect(recordedOrders).toBeGreaterThanOrEqual(sentOrders);
    expect(recordedOrders - sentOrders).toBeLessThanOrEqual(WARMUP);
  });

  it("fits a class per route with the calls the app makes, on the recorded executor", () => {
    expect(fit.code).toBe(0);
    expect(fit.out).toMatch(/wrote .*orders\.json and .*orders-report\.json/);
    const input = JSON.parse(readFileSync(scenario, "utf8"));
    expect(input.executor).toEqual({ kind: "threads", workers: 2 });
    expect(input.machine.cores).toBeGreaterThanOrEqual(1);
    expect(input.workload.arrivals.count).toBe(WARMUP + COUNT);
    expect(rep.arrivals.count).toBe(WARMUP + COUNT);
    const weights = rep.classes.reduce((a, c) => a + c.tasks, 0);
    expect(weights).toBe(WARMUP + COUNT);
    const byName = new Map(rep.classes.map((c) => [c.name, c]));
    const orders = byName.get("POST /orders");
    const reports = byName.get("GET /report");
    // Orders: parse the JSON body, price 20 lines from SQLite (one GIL release per row), hash the body, answer.
    // (The 30 KB body arrives in one read or in two with more than 50 us of Python between them.)
    expect(orders?.signature).toMatch(
      /^(socket\.recv,){1,2}json:h,sqlite,sqlite,hashlib,json:h,socket\.send,socket\.close$/,
    );
    expect(orders?.steps.filter((s) => s.label === "sqlite").map((s) => s.repeat)).toEqual([1, 20]);
    // Reports: an aggregate over the 24 categories, statistics, answer.
    expect(reports?.signature).toBe("socket.recv,sqlite,sqlite,json:h,socket.send,socket.close");
    expect(reports?.steps.filter((s) => s.label === "sqlite").map((s) => s.repeat)).toEqual([1, 24]);
  });

  it("keeps the CPU each task used: the fitted steps add up to the recorded thread CPU time", () => {
    const tasks = readRecording(recording).processes[0]?.tasks ?? [];
    // A route's main class (a rare variant, with calls of its own, is named "... (variant 2)").
    for (const c of rep.classes.filter((k) => !k.name.includes("(variant"))) {
      const own = tasks.filter((t) => t.name === c.name);
      expect(own.length).toBeGreaterThan(0);
      const recordedCpu = own.reduce((a, t) => a + t.cpu, 0) / own.length;
      const fittedCpu = stepsCpu(c.steps);
      // Calls timed by their wall time alone (cpu -1: json, short hashes) count as CPU in the fit;
      // on a loaded machine a preemption inside one makes that wall time more than the thread's CPU
      // (a CI run at 2 cores gave 1.023 x the recorded CPU against the 1.02 allowed without this).
      const wallTimed =
        own.reduce((a, t) => a + t.segs.filter((g) => g.cpu < 0).reduce((b, g) => b + g.wall, 0), 0) / own.length;
      // Not more than was used (beyond those calls' wall time); less only by waits (socket calls
      // that became IO) and sub-microsecond gaps.
      expect(fittedCpu).toBeLessThanOrEqual(recordedCpu * 1.02 + wallTimed);
      expect(fittedCpu / recordedCpu).toBeGreaterThan(0.85);
    }
  });

  it("gives a scenario that check accepts and that simulates every recorded task within the recorded bounds", async () => {
    const check = await run("check", scenario);
    expect(check.code).toBe(0);
    const sim = await run("simulate", scenario, "--json");
    expect(sim.code).toBe(0);
    const m = JSON.parse(sim.out) as Metrics;
    expect(m.tasks.arrived).toBe(WARMUP + COUNT);
    expect(m.tasks.completed).toBe(WARMUP + COUNT);
    // A task cannot finish faster than the CPU it needs (the cheaper class's mean, with some spread).
    const cheapest = Math.min(...rep.classes.map((c) => stepsCpu(c.steps)));
    expect(m.latency.p50).toBeGreaterThan(0.5 * cheapest);
    // The model is not slower than the real app was (a busy machine only made the real app slower).
    expect(m.latency.p50).toBeLessThan(1.25 * rep.recorded.p50);
    expect(m.latency.p95).toBeLessThan(1.25 * rep.recorded.p95);
    // The self-consistency report says the same, with the error's sign.
    const p50 = rep.consistency.rows.find((r) => r.percentile === "p50");
    expect(p50?.error).toBeCloseTo(((p50?.simulated ?? 0) - rep.recorded.p50) / rep.recorded.p50, 12);
    expect(fit.out).toMatch(/p50 {2}simulated .* recorded .* [+-]\d+\.\d%/);
  });

  it("fit --arrivals replay writes the recorded arrival times, and recommend answers on the fitted scenario", async () => {
    const replayed = join(dir, "replayed.json");
    const r = await run("fit", recording, "--out", replayed, "--warmup", "0s", "--arrivals", "replay", "--no-check");
    expect(r.code).toBe(0);
    const arrivals = (readRecording(recording).processes[0]?.tasks ?? []).map((t) => t.arrival).sort((a, b) => a - b);
    const times = JSON.parse(readFileSync(replayed, "utf8")).workload.arrivals.times as number[];
    expect(times.length).toBe(WARMUP + COUNT);
    // Milliseconds from the first arrival, to the microsecond.
    times.forEach((ms, i) => {
      expect(Math.abs(ms * 1e6 - ((arrivals[i] as number) - (arrivals[0] as number)))).toBeLessThanOrEqual(500);
    });
    const rec = await run(
      "recommend",
      scenario,
      "--slo",
      "p99<10s",
      "--load",
      "20/s",
      "--kinds",
      "threads",
      "--max-workers",
      "4",
      "--replications",
      "2",
    );
    expect(rec.code).toBe(0);
    expect(rec.out).toContain("thread pool");
  });

  it("gives the same scenario bytes when fitted twice", async () => {
    const again = join(dir, "again.json");
    const second = await run("fit", recording, "--out", again, "--warmup", "0s", "--no-check");
    expect(second.code).toBe(0);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(scenario, "utf8"));
  });
});
