import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { planTasks, type UnrolledStep } from "../../src/model/plan.js";
import type { RealProgress } from "../../src/real/options.js";
import type { StepRecordLine } from "../../src/real/records.js";
import { type RealResult, runReal } from "../../src/real/runner.js";
import { scenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import type { TaskRecord } from "../../src/trace/types.js";

/*
 * These run real CPython (python3 on PATH) on a shared 2-core machine, possibly at load 8 or more:
 * they assert behaviour (which thread ran, counts, order, overlap of intervals), never speed. A
 * bound on elapsed time may only be a lower one (other work can only make a run slower), and
 * "at once" is judged from intervals overlapping and from the CPU time the threads really used
 * (time.thread_time_ns), which does not depend on how fast the machine happened to be.
 */

const quick = { calibration: { trials: 3, probeMs: 1 } };
const run = (input: ScenarioInput, options: Parameters<typeof runReal>[1] = quick): Promise<RealResult> =>
  runReal(scenario(input), { handleSignals: false, ...options });

const makespan = (r: RealResult): number => Math.max(...r.trace.tasks.map((t) => t.end));
const cpuSteps = (r: RealResult): StepRecordLine[] => r.raw.steps.filter((s) => s.kind === "cpu" && s.task !== null);
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** The most intervals [start, end) open at once. */
function maxOverlap(spans: { start: number; end: number }[]): number {
  const events = spans.flatMap((s) => [
    [s.start, 1],
    [s.end, -1],
  ]);
  events.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0));
  let open = 0;
  let best = 0;
  for (const [, d] of events) {
    open += d ?? 0;
    best = Math.max(best, open);
  }
  return best;
}

/** The planned steps in the order the trace lists them: the steps an offload step ran, then the offload step (demand 0). */
function flatten(steps: UnrolledStep[]): { kind: string; demand: number }[] {
  return steps.flatMap((s) =>
    s.kind === "offload"
      ? [...flatten(s.steps), { kind: "offload", demand: 0 }]
      : [{ kind: s.kind, demand: "ns" in s ? s.ns : 0 }],
  );
}

describe("runReal in CPython", () => {
  test("runReal: 4 pure-Python CPU tasks on 4 threads take about as long as running them one after another (the GIL)", async () => {
    const r = await run(
      {
        executor: { kind: "threads", workers: 4 },
        workload: { arrivals: { kind: "batch", count: 4 }, classes: [{ steps: [{ cpu: "60ms" }] }] },
      },
      {},
    );
    expect(r.trace.tasks).toHaveLength(4);
    const names = r.trace.threads.map((t) => `${t.name}/${t.role}`);
    expect(names[0]).toBe("MainThread/main");
    expect(names.slice(1).every((n) => /^ThreadPoolExecutor-\d+_\d+\/worker$/.test(n))).toBe(true);
    // The dispatcher needs the GIL too, so a submit can come after a worker went idle and is reused;
    // and a thread created for an item can find it taken by a worker that finished first.
    const used = new Set(r.trace.tasks.map((t) => t.steps[0]!.thread)).size;
    expect(used).toBeGreaterThanOrEqual(2);
    expect(used).toBeLessThanOrEqual(r.trace.threads.length - 1);
    const steps = cpuSteps(r);
    const serial = sum(steps.map((s) => s.cpu ?? 0)); // the CPU the work needed: its time run one after another
    const wall = sum(steps.map((s) => s.end - s.start));
    // One thread at a time runs Python: the elapsed time is at least the serial time, and the CPU
    // the threads used is never more than about one core's worth of it (load only lowers it).
    expect(makespan(r)).toBeGreaterThan(0.87 * serial);
    expect(serial / makespan(r)).toBeLessThan(1.15);
    // Each thread spent much of its step waiting for the GIL.
    expect(wall).toBeGreaterThan(1.5 * serial);
    // The calibrated loop did about 4 x 60 ms of work, in CPU time (calibrated in CPU time too, so load does not change it).
    expect(serial).toBeGreaterThan(0.3 * 240 * MS);
    expect(serial).toBeLessThan(3 * 240 * MS);
    expect(r.trace.intervals.filter((i) => i.state === "gil").length).toBeGreaterThanOrEqual(4);
  });

  test("runReal: hashing that releases the GIL runs in 2 threads at once (their steps overlap); pure Python does not", async () => {
    // The hashing steps are long (200 ms) beside the wait of the second worker to start: on a
    // loaded machine it needs a core, and the GIL from the first worker between its hash calls.
    // With 80 ms steps it once started about 70 ms after the first (a whole test run beside it,
    // load average 7), and their overlap fell under half the shorter step.
    const pair = (gil: "python" | "release", cpu: string) =>
      run(
        {
          executor: { kind: "threads", workers: 2 },
          workload: { arrivals: { kind: "batch", count: 2 }, classes: [{ steps: [{ cpu, gil }] }] },
        },
        {},
      );
    const python = await pair("python", "80ms");
    const release = await pair("release", "200ms");
    // Pure Python: the CPU both threads used is at most about one core's worth of the elapsed time,
    // however the machine is loaded (load can only lower it).
    expect(sum(cpuSteps(python).map((s) => s.cpu ?? 0)) / makespan(python)).toBeLessThan(1.15);
    expect(python.trace.intervals.filter((i) => i.state === "nogil").length).toBe(0);
    // Releasing the GIL: each thread is inside its C call, without the GIL, while the other is in
    // its own: the two GIL-free intervals overlap for a quarter of the shorter one or more (the
    // second may start up to 150 ms late). How much faster that makes the pair depends on free
    // cores, which a shared machine does not promise: the speed-up is measured by the validation
    // suite (data/validation/gil-release.json).
    const nogil = release.trace.intervals.filter((i) => i.state === "nogil");
    expect(nogil).toHaveLength(2);
    expect(new Set(nogil.map((i) => i.thread)).size).toBe(2);
    const [a, b] = nogil;
    if (!a || !b) throw new Error("expected two GIL-free intervals");
    const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
    expect(overlap).toBeGreaterThan(0.25 * Math.min(a.end - a.start, b.end - b.start));
  });

  test("runReal: asyncio runs 200 concurrent 20 ms sleeps in far less than 200 x 20 ms, on one thread", async () => {
    const progress: RealProgress[] = [];
    const r = await run(
      {
        executor: { kind: "asyncio" },
        workload: { arrivals: { kind: "batch", count: 200 }, classes: [{ steps: [{ io: "20ms" }] }] },
      },
      { ...quick, onProgress: (p) => progress.push(p) },
    );
    expect(r.trace.tasks).toHaveLength(200);
    expect(makespan(r)).toBeGreaterThanOrEqual(20 * MS);
    // Far more than one sleep at a time, all on the loop's one thread.
    const sleeps = r.raw.steps.filter((s) => s.kind === "io");
    expect(sleeps).toHaveLength(200);
    expect(maxOverlap(sleeps)).toBeGreaterThanOrEqual(100);
    expect(r.trace.threads).toEqual([{ id: 0, name: "MainThread", process: 0, role: "loop" }]);
    expect(r.raw.steps.every((s) => s.awaited === true)).toBe(true);
    expect(r.trace.intervals.every((i) => i.state === "idle")).toBe(true);
    expect(progress.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1])).toEqual([
      "starting",
      "calibrating",
      "running",
      "collecting",
    ]);
    expect(progress.at(-1)).toEqual({ phase: "collecting", completed: 200, total: 200 });
  });

  test("runReal runs exactly planTasks(scenario, seed): same ids, classes, arrivals and step demands", async () => {
    const s = scenario({
      seed: 4,
      runtime: { python: "3.12" },
      executor: { kind: "asyncio", offload: { kind: "threads", workers: 2 } },
      workload: {
        arrivals: { kind: "poisson", rate: "400/s", count: 12 },
        classes: [
          { name: "api", weight: 2, steps: [{ cpu: { dist: "exponential", mean: "1ms" } }, { io: "3ms" }] },
          {
            name: "report",
            steps: [{ offload: [{ cpu: "2ms", gil: "release" }, { io: "1ms" }] }, { cpu: "1ms", gil: "hold" }],
          },
        ],
      },
    });
    const r = await runReal(s, { ...quick, seed: 8, handleSignals: false });
    const planned = planTasks(s, 8);
    expect(r.tasks).toEqual(planned);
    expect(r.trace.seed).toBe(8);
    expect(r.trace.tasks.map((t) => [t.id, t.class])).toEqual(planned.map((p) => [p.id, p.class]));
    // An arrival is the time the arrivals process sent it: never before its planned time, and in
    // the planned order. How late is the machine's business (tens of microseconds idle, seconds on
    // a starved one), so no upper bound is asserted.
    for (const [i, t] of r.trace.tasks.entries()) {
      const at = planned[i]!.arrival ?? 0;
      expect(t.arrival).toBeGreaterThanOrEqual(at);
      if (i > 0) expect(t.arrival).toBeGreaterThanOrEqual(r.trace.tasks[i - 1]!.arrival);
    }
    for (const [i, t] of r.trace.tasks.entries()) {
      expect(t.steps.map((x) => ({ kind: x.kind, demand: x.demand }))).toEqual(flatten(planned[i]!.steps));
      expect(t.start).toBeGreaterThanOrEqual(t.arrival);
      expect(t.end).toBeGreaterThan(t.start);
    }
    const report = r.trace.tasks.find((t) => t.class === "report");
    if (report) {
      const worker = r.trace.threads[report.steps[0]!.thread]!;
      expect(worker.role).toBe("worker");
      expect(worker.name).toMatch(/^asyncio_\d+$/);
      expect(report.steps.map((x) => [x.kind, x.thread === worker.id])).toEqual([
        ["cpu", true],
        ["io", true],
        ["offload", false],
        ["cpu", false],
      ]);
    }
    expect(r.warnings).toContain(`the scenario models Python 3.12; this run used ${r.pythonVersion}`);
  });

  test.each([
    ["a thread pool", { kind: "threads", workers: 2 }],
    ["asyncio", { kind: "asyncio", offload: { kind: "threads", workers: 2 } }],
  ] as const)("runReal sends replayed arrivals at their listed times, in order, on %s", async (_what, executor) => {
    // Ties (a burst of three at 5 ms) and a gap; the real arrivals process sends each no earlier
    // than its time, in order (how much later is the machine's business).
    const times = [0, 5, 5, 5, 12.5, 30];
    const s = scenario({
      seed: 2,
      runtime: { python: "3.12" },
      executor,
      workload: { arrivals: { kind: "replay", times }, classes: [{ steps: [{ cpu: "1ms" }, { io: "2ms" }] }] },
    });
    const r = await runReal(s, { ...quick, handleSignals: false });
    expect(r.trace.tasks.map((t) => t.id)).toEqual(times.map((_, i) => i));
    for (const [i, t] of r.trace.tasks.entries()) {
      expect(t.arrival).toBeGreaterThanOrEqual(times[i]! * MS);
      if (i > 0) expect(t.arrival).toBeGreaterThanOrEqual(r.trace.tasks[i - 1]!.arrival);
      expect(t.end).toBeGreaterThan(t.start);
    }
  });

  test("runReal runs a process pool (spawn): steps on ProcessPoolExecutor-0-N/MainThread in worker processes, none on the main thread", async () => {
    const r = await run({
      executor: { kind: "processes", workers: 2, startMethod: "spawn" },
      workload: { arrivals: { kind: "batch", count: 4 }, classes: [{ steps: [{ cpu: "5ms" }], payload: "64KiB" }] },
    });
    // A worker process shows once it has run a task (a slow spawn can leave one worker all the tasks).
    const workers = r.trace.threads.filter((t) => t.role === "process-worker");
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.length).toBeLessThanOrEqual(2);
    expect(workers.map((t) => [t.name, t.process])).toEqual(
      workers.map((_, k) => [`ProcessPoolExecutor-0-${k}/MainThread`, k + 1]),
    );
    expect(new Set(r.raw.threads.map((t) => t.pid)).size).toBe(workers.length + 1);
    const used = new Set(r.trace.tasks.map((t) => t.steps[0]!.thread));
    expect([...used].every((id) => r.trace.threads[id]!.process > 0)).toBe(true);
    expect(r.trace.tasks).toHaveLength(4);
  });

  test.each([{ kind: "threads", workers: 4 }, { kind: "asyncio" }, { kind: "sync" }] as const)(
    "runReal keeps a closed population at its client count, each thinking between tasks (%j)",
    async (executor) => {
      const r = await run({
        executor,
        workload: {
          arrivals: { kind: "closed", clients: 2, think: "5ms", count: 8 },
          classes: [{ steps: [{ io: "10ms" }] }],
        },
      });
      const tasks = [...r.trace.tasks].sort((a, b) => a.arrival - b.arrival);
      expect(tasks).toHaveLength(8);
      expect(maxOverlap(tasks.map((t) => ({ start: t.arrival, end: t.end })))).toBeLessThanOrEqual(2);
      expect(tasks.slice(0, 2).map((t) => t.arrival)).toEqual([5 * MS, 5 * MS]);
      for (const t of tasks.slice(2)) {
        expect(tasks.some((e) => e.end + 5 * MS === t.arrival)).toBe(true);
      }
    },
  );

  test("runReal holds the concurrency limit with a thread pool and with asyncio", async () => {
    const limited = (executor: ScenarioInput["executor"]) => ({
      executor,
      workload: {
        arrivals: { kind: "batch" as const, count: 8 },
        concurrency: 2,
        classes: [{ steps: [{ io: "10ms" }] }],
      },
    });
    for (const r of [await run(limited({ kind: "threads", workers: 6 })), await run(limited({ kind: "asyncio" }))]) {
      const spans = r.trace.tasks.map((t: TaskRecord) => ({ start: t.start, end: t.end }));
      expect(maxOverlap(spans)).toBe(2);
      expect(makespan(r)).toBeGreaterThanOrEqual(40 * MS);
    }
  });

  test("runReal runs a background thread beside the tasks, on to run.until", async () => {
    // After each 10 ms block the main thread waits for the GIL the cruncher holds (a switch
    // interval, longer on a loaded machine, where the cruncher must get a core to drop it): the
    // three tasks end by about 60 ms on an idle machine and 75-90 ms beside eight busy loops.
    // run.until is more than ten times that, so that a starved machine too ends the tasks before it
    // and the test sees the run go on past them (with 20 ms blocks and 300 ms, it failed once
    // beside a whole test run and two busy loops).
    const r = await run({
      executor: { kind: "sync" },
      workload: { arrivals: { kind: "batch", count: 3 }, classes: [{ steps: [{ block: "10ms" }] }] },
      background: [{ name: "cruncher", steps: [{ repeat: "forever", steps: [{ cpu: "5ms" }] }] }],
      run: { until: "1s" },
    });
    const bg = r.trace.threads.find((t) => t.name === "cruncher");
    expect(bg?.role).toBe("background");
    const mine = r.trace.intervals.filter((i) => i.thread === bg?.id);
    const busy = sum(mine.filter((i) => i.state === "gil").map((i) => i.end - i.start));
    expect(busy).toBeGreaterThan(0.5 * r.trace.end);
    expect(r.trace.tasks).toHaveLength(3);
    expect(r.truncated).toBe(false);
    // Like the simulator, the run goes on to run.until while the forever loop has work.
    expect(r.trace.end).toBe(1000 * MS);
    expect(makespan(r)).toBeLessThan(1000 * MS);
  });

  test("runReal stops at run.until: the finished tasks only, the cut step up to the end, no end calibration", async () => {
    // One worker sleeps 100 ms per task: two tasks end by 290 ms on an idle machine. A starved
    // machine's late wake-ups may leave only one (never three: each task takes at least 100 ms),
    // so the test holds whatever finished to the same rules instead of a count.
    const r = await run({
      executor: { kind: "threads", workers: 1 },
      workload: { arrivals: { kind: "batch", count: 10 }, classes: [{ steps: [{ io: "100ms" }] }] },
      run: { until: "290ms" },
    });
    expect(r.truncated).toBe(true);
    expect(r.trace.end).toBe(290 * MS);
    const done = r.completed;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThanOrEqual(2);
    expect(r.trace.tasks.map((t) => t.id)).toEqual([...Array(done).keys()]);
    expect(r.drift).toBeNull();
    expect(r.warnings).toContain(`run.until stopped the run with ${done} of 10 tasks completed`);
    const cut = r.raw.steps.find((s) => s.partial);
    expect(cut).toMatchObject({ task: done, kind: "io", end: 290 * MS });
    const worker = r.trace.threads.find((t) => t.role === "worker")!;
    expect(r.trace.intervals.filter((i) => i.thread === worker.id).at(-1)).toMatchObject({
      state: "io",
      end: 290 * MS,
    });
  });

  test('runReal with io "echo" makes real loopback round trips, from coroutines and from threads', async () => {
    for (const executor of [{ kind: "asyncio" as const }, { kind: "threads" as const, workers: 2 }]) {
      const r = await run(
        { executor, workload: { arrivals: { kind: "batch", count: 6 }, classes: [{ steps: [{ io: "10ms" }] }] } },
        { ...quick, io: "echo" },
      );
      expect(r.raw.hello.echoPort).toBeGreaterThan(0);
      const io = r.raw.steps.filter((s) => s.kind === "io");
      expect(io).toHaveLength(6);
      expect(io.every((s) => s.end - s.start >= 10 * MS)).toBe(true);
      // Round trips at once: several on the loop, at most one per worker in the pool.
      if (executor.kind === "asyncio") expect(maxOverlap(io)).toBeGreaterThanOrEqual(2);
      else expect(maxOverlap(io)).toBeLessThanOrEqual(2);
    }
  });

  test("runReal marks each step kind's state on the thread that ran it (sync executor)", async () => {
    const r = await run({
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [
          {
            steps: [
              { cpu: "3ms" },
              { cpu: "3ms", gil: "release" },
              { cpu: "3ms", gil: "hold" },
              { io: "3ms" },
              { block: "3ms" },
            ],
          },
        ],
      },
    });
    const stateAt = (t: number) => r.trace.intervals.find((i) => i.thread === 0 && i.start <= t && t < i.end)?.state;
    const steps = r.trace.tasks[0]!.steps;
    expect(steps.map((s) => stateAt((s.start + s.end) / 2))).toEqual(["gil", "nogil", "gil", "io", "io"]);
    expect(r.trace.threads).toHaveLength(1);
  });
});
