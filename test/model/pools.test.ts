import { describe, expect, it } from "vitest";
import { MS, SECOND } from "../../src/engine/time.js";
import { planTasks } from "../../src/model/plan.js";
import { pipeChunks } from "../../src/model/process-pool.js";
import { ipcBytesCost } from "../../src/model/profiles.js";
import { mmcMeanWait } from "../../src/queueing/erlang-c.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { run } from "./helpers.js";

describe("thread and process pools", () => {
  it("matches Erlang C within 2%: a thread pool with the GIL off, Poisson arrivals, exponential CPU steps", () => {
    // Erlang C assumes hand-offs cost nothing, so the model's own CPython costs are zeroed here;
    // the comparison uses the arrival rate and service mean the run actually drew (same seed),
    // which takes the sampling noise of the inputs out of a test of the queueing mechanism.
    const c = 4;
    const input: ScenarioInput = {
      seed: 11,
      machine: { cores: c, idleWake: { max: 0, tau: "1ms" }, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
      runtime: {
        python: "3.14t",
        pythonSlowdown: 1,
        submitCost: 0,
        submitReturn: 0,
        acceptCost: 0,
        syscallCost: 0,
        threadHandoff: 0,
        ipcLatency: 0,
        threadStart: 0,
        timerSlack: 0,
      },
      executor: { kind: "threads", workers: c },
      workload: {
        arrivals: { kind: "poisson", rate: 280, count: 400_000 },
        classes: [{ steps: [{ cpu: { dist: "exponential", mean: "10ms" } }] }],
      },
      run: { trace: false },
    };
    const tasks = planTasks(parseScenario(input));
    const service = tasks.reduce((a, t) => a + (t.steps[0] as { ns: number }).ns, 0) / tasks.length / SECOND;
    const lambda = tasks.length / ((tasks.at(-1)?.arrival ?? 0) / SECOND);
    const expected = mmcMeanWait(lambda, 1 / service, c) * SECOND;
    const r = run(input, { trace: false });
    expect(Math.abs(r.metrics.wait.mean - expected) / expected).toBeLessThan(0.02);
    // With CPython's hand-off and submit costs back, tasks wait longer than Erlang C says.
    const costly = run({ ...input, runtime: { python: "3.14t", pythonSlowdown: 1 } }, { trace: false });
    expect(costly.metrics.wait.mean).toBeGreaterThan(r.metrics.wait.mean);
  });

  it("creates threads lazily and reuses an idle worker before creating another", () => {
    // Tasks arrive 20 ms apart and take 1 ms: one worker serves them all.
    const r = run(
      {
        executor: { kind: "threads", workers: 8 },
        workload: { arrivals: { kind: "fixed", rate: "50/s", count: 20 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
      },
      { trace: true },
    );
    expect(r.trace!.threads.filter((t) => t.role === "worker").length).toBe(1);
    const burst = run(
      {
        executor: { kind: "threads", workers: 8 },
        workload: { arrivals: { kind: "batch", count: 20 }, classes: [{ steps: [{ io: "10ms" }] }] },
      },
      { trace: true },
    );
    expect(burst.trace!.threads.filter((t) => t.role === "worker").length).toBe(8);
  });

  it("runs pure-Python work in parallel in a process pool, one GIL per process", () => {
    const r = run({
      machine: { cores: 4 },
      executor: { kind: "processes", workers: 4, startMethod: "fork" },
      workload: { arrivals: { kind: "batch", count: 8 }, classes: [{ steps: [{ cpu: "50ms" }] }] },
    });
    expect(r.metrics.makespan).toBeGreaterThan(100 * MS);
    expect(r.metrics.makespan).toBeLessThan(130 * MS);
    expect(r.metrics.gil.length).toBe(5);
  });

  it("pays more per task in a process pool as the payload grows, and more start-up with spawn", () => {
    const pool = (payload: string, startMethod: "fork" | "spawn") =>
      run({
        machine: { cores: 2 },
        executor: { kind: "processes", workers: 2, startMethod },
        workload: {
          arrivals: { kind: "batch", count: 50 },
          classes: [{ payload, steps: [{ cpu: "1ms" }] }],
        },
      }).metrics.makespan;
    expect(pool("10MB", "fork")).toBeGreaterThan(pool("1KB", "fork") + 50 * 10 * MS);
    expect(pool("1KB", "spawn")).toBeGreaterThan(pool("1KB", "fork") + 20 * MS);
  });

  it("removes warm-up: only tasks that arrive after it are measured", () => {
    const r = run({
      executor: { kind: "threads", workers: 2 },
      workload: { arrivals: { kind: "fixed", rate: "100/s", count: 300 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
      run: { warmup: "1s" },
    });
    expect(r.metrics.tasks.arrived).toBe(300);
    expect(r.metrics.tasks.measured).toBe(200);
  });

  it("pickles each call in the call queue's feeder thread and each result in the manager thread, each holding the parent's GIL", () => {
    // ProcessPoolExecutor's call queue is a multiprocessing.Queue: its feeder thread pickles and
    // writes each call; the manager thread only moves work into it, and unpickles the results.
    const n = 20;
    const r = run(
      {
        seed: 4,
        machine: { cores: 4, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
        // Thread.start()'s own costs zeroed: the manager starts the feeder, and each new thread
        // takes the GIL once before its start() returns. No copy-on-write debt after the forks
        // (it would slow the first pickles).
        runtime: {
          python: "3.12",
          ...{ ipcBase: "100us", ipcPerByte: 0, gilHandoff: 0, threadStart: 0, syscallCost: 0 },
          forkCow: { share: 0, slowdown: 1 },
        },
        executor: { kind: "processes", workers: 2, startMethod: "fork" },
        workload: { arrivals: { kind: "batch", count: n }, classes: [{ payload: 0, steps: [{ cpu: "1ms" }] }] },
      },
      { trace: true },
    );
    const trace = r.trace!;
    const held = (suffix: string) => {
      const ids = new Set(trace.threads.filter((t) => t.name.endsWith(suffix)).map((t) => t.id));
      expect(ids.size).toBe(1);
      return trace.intervals
        .filter((iv) => ids.has(iv.thread) && iv.state === "gil")
        .reduce((a, iv) => a + iv.end - iv.start, 0);
    };
    // Each pickle is 100 us of GIL-held CPU; a few hundred ns more are the threads' own hops.
    for (const who of ["-feeder", "-manager"]) {
      expect(held(who)).toBeGreaterThanOrEqual(n * 100_000);
      expect(held(who)).toBeLessThan(n * 101_000);
    }
    expect(trace.threads.find((t) => t.name.endsWith("-feeder"))?.process).toBe(0);
  });

  it("charges a message its size's cost from ipcBySize on each side: interpolated between the measured sizes, ipcPerByte past the last", () => {
    // The feeder pickles each call and the manager unpickles each result: with ipcBase 0 their
    // GIL-held time is the size's cost per message (a few hundred ns more are their own hops).
    const n = 10;
    const bySize = [
      { size: "64KiB", cost: "50us" },
      { size: "256KiB", cost: "1ms" },
    ];
    const held = (payload: number, perByte: number) => {
      const trace = run(
        {
          seed: 4,
          machine: { cores: 4, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
          runtime: {
            python: "3.12",
            ...{ ipcBase: 0, ipcBySize: bySize, ipcPerByte: perByte, gilHandoff: 0, threadStart: 0, syscallCost: 0 },
            forkCow: { share: 0, slowdown: 1 },
          },
          executor: { kind: "processes", workers: 2, startMethod: "fork" },
          workload: { arrivals: { kind: "batch", count: n }, classes: [{ payload, steps: [{ cpu: "1ms" }] }] },
        },
        { trace: true },
      ).trace!;
      const feeder = trace.threads.find((t) => t.name.endsWith("-feeder"))!.id;
      return trace.intervals
        .filter((iv) => iv.thread === feeder && iv.state === "gil")
        .reduce((a, iv) => a + iv.end - iv.start, 0);
    };
    const near = (ns: number, per: number) => {
      expect(ns).toBeGreaterThanOrEqual(n * per);
      expect(ns).toBeLessThan(n * per + n * 1000);
    };
    near(held(32_768, 0), 25_000); // half way from 0 at 0 bytes to 50 us at 64 KiB
    near(held(163_840, 0), 525_000); // half way from 64 KiB to 256 KiB
    near(held(262_144, 0), 1_000_000);
    near(held(262_144 + 100_000, 2), 1_200_000); // 2 ns a byte past the largest size
    // The same sizes as ipcBytesCost gives them.
    const p = {
      ipcPerByte: 2,
      ipcBySize: [
        { size: 65_536, cost: 50_000 },
        { size: 262_144, cost: 1_000_000 },
      ],
    };
    expect([0, 32_768, 65_536, 163_840, 262_144, 362_144].map((b) => ipcBytesCost(p, b))).toEqual([
      0, 25_000, 50_000, 525_000, 1_000_000, 1_200_000,
    ]);
    // Without measured sizes, ipcPerByte for every byte.
    expect(ipcBytesCost({ ipcPerByte: 0.47, ipcBySize: [] }, 1_000_000)).toBe(470_000);
  });

  it("rejects ipcBySize sizes out of order with the field named", () => {
    expect(() =>
      parseScenario({
        runtime: {
          ipcBySize: [
            { size: "256KiB", cost: "1ms" },
            { size: "64KiB", cost: "50us" },
          ],
        },
        executor: { kind: "processes" },
        workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
      }),
    ).toThrow(/runtime\.ipcBySize\[1\]\.size: expected sizes in increasing order/);
  });

  for (const startMethod of ["fork", "spawn"] as const) {
    it(`the first submit (${startMethod}) waits in Thread.start() until the manager thread has taken the GIL`, () => {
      // threading.Thread.start() waits on the new thread's _started event, which the thread sets
      // from _bootstrap_inner once it holds the GIL: the submitter is parked (GIL released) from
      // the start of the manager until the manager first ran.
      const r = run(
        {
          seed: 4,
          machine: { cores: 4, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
          runtime: { python: "3.12", threadStart: "1ms", syscallCost: "100us" },
          executor: { kind: "processes", workers: 2, startMethod },
          workload: { arrivals: { kind: "batch", count: 3 }, classes: [{ payload: 0, steps: [{ cpu: "1ms" }] }] },
        },
        { trace: true },
      );
      const trace = r.trace!;
      const byName = (suffix: string) => {
        const id = trace.threads.find((t) => t.name.endsWith(suffix))?.id;
        return trace.intervals.filter((iv) => iv.thread === id && iv.end > iv.start);
      };
      const main = byName("MainThread").filter((iv) => trace.threads[iv.thread]?.process === 0);
      const managerRuns = byName("-manager").filter((iv) => iv.state === "gil");
      const firstManager = managerRuns[0]!.start;
      // The submitter held the GIL for Thread.start()'s own 1 ms, then gave it up and waited ...
      const parked = main.find((iv) => iv.state === "idle")!;
      expect(parked.start).toBeLessThan(firstManager);
      expect(main.some((iv) => iv.state === "gil" && iv.start <= parked.start && iv.end >= parked.start)).toBe(true);
      // ... and held it again only after the manager had run.
      const next = main.find((iv) => iv.state === "gil" && iv.start >= parked.start)!;
      expect(next.start).toBeGreaterThan(firstManager);
      // It is woken only after the manager's bootstrap (100 us of GIL-held CPU here) set _started.
      expect(parked.end).toBeGreaterThanOrEqual(firstManager + 100_000);
      // The manager's first put starts the feeder the same way: the manager pays Thread.start()
      // (1 ms), waits with the GIL released while the feeder bootstraps, and runs again only after.
      const feederRuns = byName("-feeder").filter((iv) => iv.state === "gil");
      expect(feederRuns[0]!.start).toBeGreaterThanOrEqual(managerRuns[0]!.end);
      expect(feederRuns[0]!.end).toBeLessThanOrEqual(managerRuns[1]!.start);
      expect(feederRuns[1]!.start).toBeGreaterThan(managerRuns[1]!.start);
    });
  }

  it("Thread.start() of the manager is Python code: a CPU-bound thread's drop request gets the GIL inside it", () => {
    // threading.Thread.start() runs bytecode (and _start_new_thread): with 20 ms of it beside a
    // spinning thread, the eval breaker hands the GIL over at the switch interval, so no hold of
    // the submitting thread is longer than about one interval.
    const r = run(
      {
        seed: 4,
        machine: { cores: 4, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
        runtime: { python: "3.12", threadStart: "20ms", forkCost: "0us" },
        executor: { kind: "processes", workers: 1, startMethod: "fork" },
        workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ payload: 0, steps: [{ cpu: "1ms" }] }] },
        background: [{ name: "spinner", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] }],
        run: { until: "200ms" },
      },
      { trace: true },
    );
    const trace = r.trace!;
    const main = trace.threads.find((t) => t.process === 0 && t.name === "MainThread")?.id;
    const holds = trace.gil.filter((h) => h.process === 0 && h.thread === main && h.start < 50 * MS);
    expect(holds.length).toBeGreaterThan(1);
    expect(Math.max(...holds.map((h) => h.end - h.start))).toBeLessThan(10 * MS);
  });

  describe("a message longer than the pipe (64 KiB) crosses it in pieces", () => {
    // Every other cost is zeroed, so what is left of a round trip is the pipe's: two wake-ups
    // (writer, then reader) for each pipe-full after the first, in each direction.
    const W = 10_000;
    const quiet = (payload: number, count: number, workers: number): ScenarioInput => ({
      seed: 3,
      machine: { cores: 4, idleWake: { max: 0, tau: "1ms" }, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
      runtime: {
        python: "3.12",
        ipcBase: 0,
        ipcPerByte: 0,
        ipcLatency: 0,
        pipeWakeup: "10us",
        threadHandoff: 0,
        submitCost: 0,
        submitReturn: 0,
        acceptCost: 0,
        syscallCost: 0,
        gilWakeup: 0,
        gilHandoff: 0,
        timerSlack: 0,
        processStart: 0,
        forkCost: 0,
      },
      executor: { kind: "processes", workers, startMethod: "fork" },
      workload: { arrivals: { kind: "batch", count }, classes: [{ payload, steps: [{ cpu: "1ms", gil: "hold" }] }] },
    });
    const latency = (payload: number) => {
      const t = run(quiet(payload, 1, 1), { trace: true }).trace?.tasks[0];
      return (t?.end ?? 0) - (t?.arrival ?? 0);
    };

    it("adds 4 wake-ups per further pipe-full to a round trip: none up to 64 KiB less the framing, 16 pipe-fulls more at 1 MiB", () => {
      const base = latency(0);
      expect(pipeChunks(0)).toBe(1);
      expect(latency(60_000)).toBe(base);
      expect(pipeChunks(65_536)).toBe(2);
      expect(latency(65_536) - base).toBe(4 * W);
      expect(pipeChunks(1 << 20)).toBe(17);
      expect(latency(1 << 20) - base).toBe(4 * 16 * W);
    });

    it("keeps a worker blocked in its result's write until the manager has read all but the last piece", () => {
      // One worker, two 1 MiB tasks at once: the second call can start only after the first
      // result's 15 further pieces have been read (two wake-ups each), besides the call's own.
      const tasks = (run(quiet(1 << 20, 2, 1), { trace: true }).trace?.tasks ?? [])
        .slice()
        .sort((a, b) => a.start - b.start);
      const [first, second] = tasks;
      expect((second?.start ?? 0) - (first?.end ?? 0)).toBeGreaterThanOrEqual(0);
      // the first task's end is its future set, after the manager read every piece; the second
      // call's pieces follow, so the gap from the first task's CPU to the second's start spans both.
      expect((second?.start ?? 0) - (first?.start ?? 0)).toBeGreaterThanOrEqual(1 * MS + 15 * 2 * W + 15 * 2 * W);
    });

    it("sends one call message at a time: a second worker gets its 1 MiB call only after the first one's has crossed", () => {
      const tasks = run(quiet(1 << 20, 2, 2), { trace: true }).trace?.tasks ?? [];
      const starts = tasks.map((t) => t.start).sort((a, b) => a - b);
      // The second message enters the pipe once the first one's last piece is in: 15 pieces of
      // two wake-ups later, at least.
      expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(15 * 2 * W);
    });
  });

  describe("a fork pool's start", () => {
    // 8 cores (no worker waits for a CPU), every other cost 0: worker i (from 0) is forked by the
    // submitter from i x forkCost to (i + 1) x forkCost, and starts up for processStart timed from
    // the start of its fork (the calibrated processStart is timed from the submit: it has a fork in it).
    const started = (forkCost: string, processStart: string, workers: number, cores = 8) =>
      run({
        machine: { cores, idleWake: { max: 0, tau: "1ms" }, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
        runtime: {
          python: "3.12",
          ...{ ipcBase: 0, ipcPerByte: 0, ipcLatency: 0, threadHandoff: 0, submitCost: 0, submitReturn: 0 },
          ...{ acceptCost: 0, stepOverhead: 0, syscallCost: 0, gilWakeup: 0, gilHandoff: 0, timerSlack: 0 },
          forkCost,
          processStart,
          forkCow: { share: 0, slowdown: 1 },
        },
        executor: { kind: "processes", workers, startMethod: "fork" },
        workload: { arrivals: { kind: "batch", count: workers }, classes: [{ steps: [{ cpu: "0us" }] }] },
      }).metrics.makespan;

    it("forks the workers one after another in the first submit, then starts the manager: no call before 4 x forkCost", () => {
      // Worker 0 is ready at 12 ms, but the manager thread starts only after the fourth fork
      // (40 ms); by then three workers are ready and take the calls.
      expect(started("10ms", "12ms", 4)).toBeGreaterThanOrEqual(40 * MS);
      expect(started("10ms", "12ms", 4)).toBeLessThan(40.5 * MS);
      // Short forks: the calls wait for the first worker (forked by 1 ms, ready at 12 ms), which takes them all.
      expect(started("1ms", "12ms", 4)).toBeGreaterThanOrEqual(12 * MS);
      expect(started("1ms", "12ms", 4)).toBeLessThan(12.5 * MS);
      // forkCost 0: every worker starts at once.
      expect(started("0us", "12ms", 4)).toBeGreaterThanOrEqual(12 * MS);
      expect(started("0us", "12ms", 4)).toBeLessThan(12.5 * MS);
    });

    it("never makes a one-worker pool's start longer than processStart when the fork fits in it", () => {
      expect(started("2ms", "12ms", 1)).toBeGreaterThanOrEqual(12 * MS);
      expect(started("2ms", "12ms", 1)).toBeLessThan(12.5 * MS);
      // a fork longer than the measured start-up: the child is ready first; the manager starts after the fork.
      expect(started("20ms", "12ms", 1)).toBeGreaterThanOrEqual(20 * MS);
      expect(started("20ms", "12ms", 1)).toBeLessThan(20.5 * MS);
    });

    describe("copy-on-write after the forks (runtime.forkCow)", () => {
      // One worker, every cost but the fork, the child's start-up and the manager's start 0:
      // after the fork the parent owes share x forkCost, and the first CPU work it runs (the
      // manager thread's start, 1 ms) runs up to `slowdown` times as long until that is paid.
      const pool = (share: number, slowdown: number, workers = 1) =>
        run({
          machine: { cores: 8, idleWake: { max: 0, tau: "1ms" }, coldStart: { max: 0, tau: "1ms", slowdown: 1 } },
          runtime: {
            python: "3.12",
            ...{ ipcBase: 0, ipcPerByte: 0, ipcLatency: 0, threadHandoff: 0, submitCost: 0, submitReturn: 0 },
            ...{ acceptCost: 0, stepOverhead: 0, syscallCost: 0, gilWakeup: 0, gilHandoff: 0, timerSlack: 0 },
            forkCost: "10ms",
            processStart: "1ms",
            threadStart: "1ms",
            forkCow: { share, slowdown },
          },
          executor: { kind: "processes", workers, startMethod: "fork" },
          workload: { arrivals: { kind: "batch", count: workers }, classes: [{ steps: [{ cpu: "0us" }] }] },
        });

      it("charges the parent share x forkCost of CPU, all of it when its work leaves room at the slowdown", () => {
        const off = pool(0, 1);
        const on = pool(0.5, 11);
        // 5 ms of debt: the manager's 1 ms start at 11 times as long has room for 10.
        expect(on.cpu.overhead - off.cpu.overhead).toBe(5 * MS);
        expect(on.metrics.makespan - off.metrics.makespan).toBeGreaterThanOrEqual(4.9 * MS);
        expect(on.metrics.makespan - off.metrics.makespan).toBeLessThanOrEqual(5.1 * MS);
      });

      it("owes one debt after all the forks, of the mean fork's size: neither one per fork nor paid by the later forks", () => {
        // Four forks of 10 ms: 5 ms owed once the last is done (not 20, one per fork), and the
        // forks themselves run their measured 10 ms each (the debt starts after them).
        for (const workers of [2, 4]) {
          const off = pool(0, 1, workers);
          const on = pool(0.5, 11, workers);
          expect(on.cpu.overhead - off.cpu.overhead, `${workers} workers`).toBe(5 * MS);
          expect(on.metrics.makespan - off.metrics.makespan, `${workers} workers`).toBeGreaterThanOrEqual(4.9 * MS);
          expect(on.metrics.makespan - off.metrics.makespan, `${workers} workers`).toBeLessThanOrEqual(5.1 * MS);
        }
      });

      it("pays no faster than the slowdown lets the work run: 1 ms of work at 3 times pays 2 ms", () => {
        const off = pool(0, 1);
        const slow = pool(0.5, 3);
        // The manager's start pays 2 ms; the rest waits for more of the parent's work (here the
        // feeder thread's 1 ms start pays 2 more), so the first call comes 4 ms later, not 5.
        const extra = slow.metrics.makespan - off.metrics.makespan;
        expect(extra).toBeGreaterThanOrEqual(3.9 * MS);
        expect(extra).toBeLessThanOrEqual(4.1 * MS);
        // Paid so far: the two starts' 2 ms each, and a few microseconds of the parent's other work
        // at the same rate; the rest stays owed (no more of the parent's work runs).
        expect(slow.cpu.overhead - off.cpu.overhead).toBeGreaterThanOrEqual(4 * MS);
        expect(slow.cpu.overhead - off.cpu.overhead).toBeLessThan(4.05 * MS);
      });

      it("spawn and forkserver pools never pay it: their workers are not forked from the parent", () => {
        const started = (startMethod: "spawn" | "forkserver", share: number) =>
          run({
            machine: { cores: 8 },
            runtime: { python: "3.12", forkCow: { share, slowdown: 10 } },
            executor: { kind: "processes", workers: 2, startMethod },
            workload: { arrivals: { kind: "batch", count: 4 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
          });
        for (const method of ["spawn", "forkserver"] as const) {
          const off = started(method, 0);
          const on = started(method, 5);
          expect(on.metrics.makespan, method).toBe(off.metrics.makespan);
          expect(on.cpu.overhead, method).toBe(off.cpu.overhead);
        }
      });
    });

    it("runs each child's whole start-up on the machine's CPUs beside the parent's forks", () => {
      // One core: the parent's two forks (2 x 10 ms) and both children's start-ups (2 x 12 ms) all
      // need it, so no call ends before 44 ms (a child starting up for processStart less its fork
      // would have let the pool start by 24 ms).
      expect(started("10ms", "12ms", 2, 1)).toBeGreaterThanOrEqual(44 * MS);
      expect(started("10ms", "12ms", 2, 1)).toBeLessThan(45 * MS);
    });
  });
});
