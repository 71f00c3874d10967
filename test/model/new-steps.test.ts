import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MS, US } from "../../src/engine/time.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import type { StepRecord, Trace } from "../../src/trace/types.js";
import { run } from "./helpers.js";

/*
 * The mechanisms behind the spawn, threads and socket steps and the chunked map, each checked
 * against a law or a closed form that does not come from the model's code.
 */

const quiet = { cores: 2, idleWake: { max: 0, tau: "1ms" } } as const;

function stepsOf(trace: Trace, kind: StepRecord["kind"]): StepRecord[] {
  return trace.tasks.flatMap((t) => t.steps ?? []).filter((s) => s.kind === kind);
}

describe("spawn: create_task from a running coroutine, then await each child", () => {
  test("children run concurrently on the loop: N children each sleeping 10 ms take about 10 ms, not N x 10 ms", () => {
    const r = run({
      machine: quiet,
      executor: { kind: "asyncio", offload: "none" },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [{ steps: [{ spawn: 20, steps: [{ io: "10ms" }] }] }],
      },
    });
    const trace = r.trace as Trace;
    const [spawn] = stepsOf(trace, "spawn");
    const sleeps = stepsOf(trace, "io");
    expect(sleeps).toHaveLength(20);
    expect(spawn).toBeDefined();
    const d = (spawn as StepRecord).end - (spawn as StepRecord).start;
    expect(d).toBeGreaterThanOrEqual(10 * MS);
    expect(d).toBeLessThan(13 * MS);
  });

  test("the parent never resumes before its last child's last step, and pays one create_task per child", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 50 }), (n, cpuUs) => {
        const r = run({
          machine: quiet,
          runtime: { python: "3.12", createTaskCost: "7us", loopStepCost: "2us" },
          executor: { kind: "asyncio", offload: "none" },
          workload: {
            arrivals: { kind: "batch", count: 1 },
            classes: [{ steps: [{ spawn: n, steps: [{ cpu: `${cpuUs}us` }] }, { block: "1us" }] }],
          },
        });
        const trace = r.trace as Trace;
        const spawn = stepsOf(trace, "spawn")[0] as StepRecord;
        const children = stepsOf(trace, "cpu");
        expect(children).toHaveLength(n);
        for (const c of children) expect(spawn.end).toBeGreaterThanOrEqual(c.end);
        // Creation (n x 7 us), then each child's step (2 us of loop step and its CPU) on one thread.
        expect(spawn.end - spawn.start).toBeGreaterThanOrEqual(n * (7 + 2 + cpuUs) * US);
        // The first child runs only after every create_task (the next iteration).
        const first = Math.min(...children.map((c) => c.start));
        expect(first - spawn.start).toBeGreaterThanOrEqual(n * 7 * US);
      }),
      { numRuns: 25 },
    );
  });
});

describe("threads: Thread.start() then join()", () => {
  test("a join never returns before the thread's last step, and each thread is a new thread", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 300 }), (n, cpuUs) => {
        const r = run({
          machine: quiet,
          executor: { kind: "threads", workers: 2 },
          workload: {
            arrivals: { kind: "batch", count: 2 },
            classes: [{ steps: [{ threads: n, steps: [{ cpu: `${cpuUs}us` }, { io: "50us" }] }] }],
          },
        });
        const trace = r.trace as Trace;
        for (const task of trace.tasks) {
          const steps = task.steps ?? [];
          const join = steps.find((s) => s.kind === "threads") as StepRecord;
          const inner = steps.filter((s) => s.kind !== "threads");
          expect(inner).toHaveLength(2 * n);
          const ids = new Set(inner.map((s) => s.thread));
          expect(ids.size).toBe(n);
          expect(ids.has(join.thread)).toBe(false);
          for (const s of inner) expect(join.end).toBeGreaterThanOrEqual(s.end);
          // Pure Python under one GIL runs one thread at a time; each start costs threadStart (80 us).
          expect(join.end - join.start).toBeGreaterThanOrEqual(n * (cpuUs + 80) * US);
        }
        expect(trace.threads.filter((t) => t.name.startsWith("Thread-"))).toHaveLength(2 * n);
      }),
      { numRuns: 20 },
    );
  });

  test("a new thread's first wake-up pays the idle term of the CPU it lands on, not of the time since the run began", () => {
    // idleWake max x (1 - exp(-idle / tau)): 200 us at most, tau 1 ms. The child's delay, from
    // the threads step's start to its own first step, with that term against without it, is
    // the term the child paid on its first wake-up. Start-join back to back: the other CPU has
    // been idle since the last child ended, about 170 us (80 us of threadStart and the join's
    // wake-up), so each child pays about 200 x (1 - exp(-0.17)) = 31 us. A child that counted as
    // asleep since t = 0 would pay nearly the whole 200 us from the tenth start on; one that
    // counted as asleep for no time, nothing.
    const childDelays = (idleWake: { max: string; tau: string }, pause: string) => {
      const r = run({
        // No late timers (machine.timerTail): the pause's timer must wake the caller on time.
        machine: { cores: 2, idleWake, timerTail: { share: 0, min: "200us", max: "1ms" } },
        runtime: { python: "3.11", threadStart: "80us", threadHandoff: "10us", syscallCost: "1us" },
        executor: { kind: "sync" },
        workload: {
          arrivals: { kind: "batch", count: 1 },
          classes: [{ steps: [{ repeat: 100, steps: [{ io: pause }, { threads: 1, steps: [{ cpu: "0us" }] }] }] }],
        },
      });
      const trace = r.trace as Trace;
      const starts = stepsOf(trace, "threads");
      const children = stepsOf(trace, "cpu");
      expect(children).toHaveLength(100);
      return starts.map((s, i) => (children[i] as StepRecord).start - s.start);
    };
    const extras = (pause: string) => {
      const some = childDelays({ max: "200us", tau: "1ms" }, pause);
      const none = childDelays({ max: "0us", tau: "1ms" }, pause);
      return some.map((d, i) => d - (none[i] as number));
    };
    // Back to back: every child after the first pays the term of a CPU idle some 170 us.
    for (const extra of extras("0us").slice(1)) {
      expect(extra).toBeGreaterThan(20 * US);
      expect(extra).toBeLessThan(45 * US);
    }
    // After 5 ms of idle (the sleep before each start), the CPU it lands on is deep asleep:
    // 200 x (1 - exp(-5)) = 199 us on every start.
    for (const extra of extras("5ms")) expect(extra).toBeGreaterThan(190 * US);
  });
});

describe("socket: an exchange with a peer process", () => {
  const exchange = (runtime: Record<string, unknown>, background: ScenarioInput["background"] = []) =>
    run({
      machine: quiet,
      // ipcLatency (a process pool's pipe) far from socketWakeup: a socket's reader must not use it.
      runtime: {
        python: "3.12",
        socketSend: "3us",
        socketWakeup: "10us",
        ipcLatency: "300us",
        syscallCost: "1us",
        ...runtime,
      },
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "closed", clients: 1, count: 200 },
        classes: [{ steps: [{ socket: { peer: "5us" } }] }],
      },
      background,
      run: { until: "100ms" },
    });

  test("alone, one exchange is two sends, two wake-ups and the peer's CPU, with no timer slack", () => {
    const r = exchange({ timerSlack: "1ms" });
    const times = stepsOf(r.trace as Trace, "socket").map((s) => s.end - s.start);
    expect(times).toHaveLength(200);
    // send (3 us) -> peer wakes (10 us) -> 5 us of CPU -> its send (3 us) -> the server wakes
    // (10 us): 31 us, and a 1 ms timer slack would show if the wake-up were a timer, a 300 us
    // ipcLatency if it were a pipe's. (The first: the peer is not asleep yet.)
    for (const t of times.slice(1)) {
      expect(t).toBeGreaterThanOrEqual(31 * US);
      expect(t).toBeLessThan(45 * US);
    }
    const noSlack = exchange({ timerSlack: "0us" });
    expect(stepsOf(noSlack.trace as Trace, "socket").map((s) => s.end - s.start)).toEqual(times);
    // The peer is a process of its own.
    expect(new Set((r.trace as Trace).threads.map((t) => t.process)).size).toBe(2);
  });

  test("beside a CPU-bound thread, an exchange mostly waits a switch interval for the GIL (the convoy)", () => {
    const spin = [{ name: "spin", steps: [{ repeat: "forever" as const, steps: [{ cpu: "100ms" }] }] }];
    for (const [interval, per] of [
      ["1ms", MS],
      ["5ms", 5 * MS],
    ] as const) {
      const r = exchange({ switchInterval: interval }, spin);
      const times = stepsOf(r.trace as Trace, "socket")
        .map((s) => s.end - s.start)
        .sort((a, b) => a - b);
      expect(times.length).toBeGreaterThan(0);
      // The spinner takes the GIL while recv() sleeps; the reply's thread waits for the drop request.
      expect(times[Math.floor(times.length / 2)]).toBeGreaterThanOrEqual(per);
    }
  });
});

describe("socket: send() is a system call the GIL waits out", () => {
  // One spinner beside a socket server at a 1 ms interval; the spinner's wake-up (gilWakeup) is
  // 5 us. A send longer than that gives the spinner the GIL during the call (Modules/socketmodule.c
  // drops it around the system call), so the server takes it back behind a drop request: a convoy
  // at every send. A send shorter than the wake-up is back before the spinner runs.
  const spun = (socketSend: string, socketRecv = "0.5us") =>
    run({
      machine: quiet,
      // A ready recv() shorter than the wake-up: only the send decides.
      runtime: {
        python: "3.12",
        socketSend,
        socketWakeup: "2us",
        socketRecv,
        gilWakeup: "5us",
        switchInterval: "1ms",
      },
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [{ steps: [{ repeat: 1000, steps: [{ socket: { peer: "4us" } }] }] }],
      },
      background: [{ name: "spin", steps: [{ repeat: "forever" as const, steps: [{ cpu: "100ms" }] }] }],
      run: { until: "100ms" },
    });
  const server = (r: ReturnType<typeof spun>) => {
    const trace = r.trace as Trace;
    const id = trace.threads.find((t) => t.name === "MainThread" && t.process === 0)?.id;
    return {
      convoys: trace.markers.filter((m) => m.kind === "convoy" && m.thread === id).length,
      trips: trace.intervals.filter((iv) => iv.state === "gil" && trace.threads[iv.thread]?.role === "process-worker")
        .length,
    };
  };

  test("a send longer than the waiter's wake-up loses the GIL at nearly every exchange; a shorter one almost never", () => {
    const slow = server(spun("20us"));
    const fast = server(spun("1us"));
    // Each exchange beside a spinner waits about one interval either way: about 100 in 100 ms.
    for (const s of [slow, fast]) {
      expect(s.trips).toBeGreaterThan(60);
      expect(s.trips).toBeLessThan(110);
    }
    expect(slow.convoys).toBeGreaterThanOrEqual(0.9 * slow.trips);
    expect(fast.convoys).toBeLessThanOrEqual(0.1 * fast.trips);
  });

  test("a ready recv() longer than the wake-up loses the GIL as well: two intervals a round trip instead of one", () => {
    const both = server(spun("20us", "20us"));
    const sendOnly = server(spun("20us"));
    // 1 ms interval, 100 ms: about 100 round trips losing once, about 50 losing twice
    expect(both.trips).toBeGreaterThan(35);
    expect(both.trips).toBeLessThan(65);
    expect(both.convoys).toBeGreaterThanOrEqual(1.8 * both.trips);
    expect(sendOnly.trips).toBeGreaterThan(1.5 * both.trips);
  });

  test("the message lands as send() returns: the peer answers while the server still waits for the GIL", () => {
    const r = spun("20us");
    const trace = r.trace as Trace;
    const peer = new Set(trace.threads.filter((t) => t.role === "process-worker").map((t) => t.id));
    const mainId = trace.threads.find((t) => t.name === "MainThread" && t.process === 0)?.id;
    const peerRuns = trace.intervals.filter((iv) => peer.has(iv.thread) && iv.state === "gil");
    const waits = trace.intervals.filter((iv) => iv.thread === mainId && iv.state === "wait-gil");
    // Most of the peer's runs fall inside a wait of the server for the GIL after its send, and
    // none starts before the send's 20 us have run (the message lands at the call's end, not its start).
    const sends = trace.intervals.filter((iv) => iv.thread === mainId && iv.state === "nogil");
    const inside = peerRuns.filter((p) => waits.some((w) => w.start <= p.start && p.end <= w.end)).length;
    expect(peerRuns.length).toBeGreaterThan(60);
    expect(inside).toBeGreaterThanOrEqual(0.9 * peerRuns.length);
    for (const p of peerRuns) {
      const send = sends.filter((x) => x.start <= p.start).at(-1);
      expect(send).toBeDefined();
      expect(p.start - (send as { start: number }).start).toBeGreaterThanOrEqual(20 * US);
    }
  });
});

describe("chunksize: Executor.map's chunks on a process pool", () => {
  test("n tasks in chunks of c: ceil(n/c) work items, the tasks of one item ending together", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 25 }), (n, c) => {
        const r = run({
          machine: quiet,
          executor: { kind: "processes", workers: 2 },
          workload: { arrivals: { kind: "batch", count: n }, chunksize: c, classes: [{ steps: [{ cpu: "10us" }] }] },
        });
        const trace = r.trace as Trace;
        expect(trace.tasks).toHaveLength(n);
        const byEnd = new Map<number, number>();
        for (const t of trace.tasks) byEnd.set(t.end, (byEnd.get(t.end) ?? 0) + 1);
        expect(byEnd.size).toBe(Math.ceil(n / c));
        const sizes = [...byEnd.values()].sort((a, b) => a - b);
        if (n % c !== 0) expect(sizes[0]).toBe(n % c);
        expect(sizes.filter((x) => x === c)).toHaveLength(Math.floor(n / c));
      }),
      { numRuns: 30 },
    );
  });

  test("chunking pickles once per chunk: 200 items in chunks of 50 save 196 x 4 pickling crossings", () => {
    const overhead = (c: number) =>
      run({
        machine: quiet,
        runtime: { python: "3.12", ipcBase: "60us", ipcPerByte: 0, processStart: "1ms" },
        executor: { kind: "processes", workers: 2 },
        workload: { arrivals: { kind: "batch", count: 200 }, chunksize: c, classes: [{ steps: [{ cpu: "0us" }] }] },
      }).cpu.overhead;
    // Each work item is pickled and unpickled each way: 4 x ipcBase. 200 items against 4 chunks.
    const saved = overhead(1) - overhead(50);
    expect(saved).toBeGreaterThanOrEqual((200 - 4) * 4 * 60 * US);
    // ...and not much more: the rest is the submits and wake-ups saved.
    expect(saved).toBeLessThan((200 - 4) * 4 * 60 * US * 1.5);
  });
});
