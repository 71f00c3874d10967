import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { HarnessOutput, StepRecordLine, ThreadRecord } from "../../src/real/records.js";
import { recordsToTrace } from "../../src/real/to-trace.js";

const rates = { pythonItersPerUs: 30, releaseBytesPerUs: 1500, holdUnitsPerUs: 70 };

function thread(key: string, name: string, role: ThreadRecord["role"], start: number): ThreadRecord {
  return { type: "thread", thread: key, pid: Number(key.split(":")[0]), native: null, name, role, start };
}

function step(
  task: number | null,
  path: number[],
  kind: StepRecordLine["kind"],
  key: string,
  start: number,
  end: number,
  extra: Partial<StepRecordLine> = {},
): StepRecordLine {
  return {
    type: "step",
    task,
    background: task === null ? 0 : null,
    path,
    kind,
    thread: key,
    start,
    end,
    demand: end - start,
    units: 0,
    cpu: null,
    ...extra,
  };
}

function output(steps: StepRecordLine[], threads: ThreadRecord[], end: number, gilEnabled = true): HarnessOutput {
  const tasks = [...new Set(steps.flatMap((s) => (s.task === null ? [] : [s.task])))].map((id) => {
    const mine = steps.filter((s) => s.task === id);
    return {
      type: "task" as const,
      id,
      class: "c",
      arrival: 0,
      dispatched: 0,
      start: Math.min(...mine.map((s) => s.start)),
      end: Math.max(...mine.map((s) => s.end)),
    };
  });
  return {
    hello: {
      type: "hello",
      format: 1,
      python: "3.11.7",
      implementation: "cpython",
      freeThreaded: !gilEnabled,
      gilEnabled,
      pid: 100,
      platform: "linux",
      cores: 2,
      availableCores: 2,
      switchInterval: 5_000_000,
      echoPort: null,
    },
    calibration: { type: "calibration", phase: "start", ...rates, spread: rates },
    calibrationEnd: null,
    threads,
    steps,
    tasks,
    done: { type: "done", end, completed: tasks.length, total: tasks.length, truncated: false, drift: null },
  };
}

describe("recordsToTrace", () => {
  const threads = [
    thread("100:1", "MainThread", "loop", -5),
    thread("100:2", "ThreadPoolExecutor-0_0", "worker", 10),
    thread("200:1", "MainThread", "process-worker", 30),
    thread("300:1", "MainThread", "process-worker", 20),
  ];
  const steps = [
    step(0, [0], "cpu", "100:1", 0, 10, { gil: "python" }),
    step(0, [1], "io", "100:1", 10, 50, { awaited: true }),
    step(0, [2], "offload", "100:1", 50, 90, { demand: 0 }),
    step(0, [2, 1], "io", "100:2", 80, 85),
    step(0, [2, 0], "cpu", "100:2", 55, 80, { gil: "release" }),
    step(1, [0], "cpu", "300:1", 40, 60, { gil: "hold" }),
  ];

  test("recordsToTrace numbers threads by process then start, and names worker processes <prefix>-N/", () => {
    const trace = recordsToTrace(output(steps, threads, 100), { name: "s", seed: 3 });
    expect(trace.threads).toEqual([
      { id: 0, name: "MainThread", process: 0, role: "loop" },
      { id: 1, name: "ThreadPoolExecutor-0_0", process: 0, role: "worker" },
      { id: 2, name: "proc-0/MainThread", process: 1, role: "process-worker" },
      { id: 3, name: "proc-1/MainThread", process: 2, role: "process-worker" },
    ]);
    const named = recordsToTrace(output(steps, threads, 100), { name: "s", seed: 3, processPrefix: "asyncio" });
    expect(named.threads.map((t) => t.name)).toEqual([
      "MainThread",
      "ThreadPoolExecutor-0_0",
      "asyncio-0/MainThread",
      "asyncio-1/MainThread",
    ]);
    expect(trace).toMatchObject({ scenario: "s", seed: 3, end: 100, cores: 2, gil: [], markers: [], iterations: [] });
  });

  test("recordsToTrace tiles each thread's life with step states and idle gaps; awaited io and offload mark no thread", () => {
    const trace = recordsToTrace(output(steps, threads, 100), { name: "s", seed: 3 });
    const rows = trace.intervals.map((i) => [i.thread, i.state, i.start, i.end]);
    expect(rows).toEqual([
      [0, "gil", 0, 10],
      [0, "idle", 10, 100],
      [1, "idle", 10, 55],
      [1, "nogil", 55, 80],
      [1, "io", 80, 85],
      [1, "idle", 85, 100],
      [2, "idle", 20, 40],
      [2, "gil", 40, 60],
      [2, "idle", 60, 100],
      [3, "idle", 30, 100],
    ]);
  });

  test("recordsToTrace lists a task's steps in completion order, an offload step after its steps, on the thread that awaited it", () => {
    const trace = recordsToTrace(output(steps, threads, 100), { name: "s", seed: 3 });
    expect(trace.tasks.map((t) => t.id)).toEqual([0, 1]);
    const t0 = trace.tasks[0]!;
    expect(t0.steps.map((s) => [s.kind, s.gil ?? "-", s.thread, s.start, s.end])).toEqual([
      ["cpu", "python", 0, 0, 10],
      ["io", "-", 0, 10, 50],
      ["cpu", "release", 1, 55, 80],
      ["io", "-", 1, 80, 85],
      ["offload", "-", 0, 50, 90],
    ]);
    expect(trace.tasks[1]!.steps).toEqual([{ kind: "cpu", gil: "hold", thread: 2, start: 40, end: 60, demand: 20 }]);
  });

  test("recordsToTrace marks every cpu step nogil when the GIL is off (free-threaded build)", () => {
    const trace = recordsToTrace(output(steps, threads, 100, false), { name: "s", seed: 3 });
    expect(trace.intervals.filter((i) => i.state === "gil")).toEqual([]);
    expect(trace.intervals.filter((i) => i.state === "nogil").map((i) => [i.thread, i.start])).toEqual([
      [0, 0],
      [1, 55],
      [2, 40],
    ]);
  });

  test("recordsToTrace clips steps to the run's end and never lets a thread's steps overlap", () => {
    const t = [thread("100:1", "MainThread", "main", 0), thread("100:9", "cruncher", "background", 5)];
    const s = [
      step(0, [0], "cpu", "100:1", 20, 40, { gil: "python" }),
      step(0, [1], "block", "100:1", 30, 50),
      step(null, [0], "cpu", "100:9", 5, 120, { gil: "python", partial: true }),
    ];
    const trace = recordsToTrace(output(s, t, 100), { name: "s", seed: 1 });
    expect(trace.intervals.map((i) => [i.thread, i.state, i.start, i.end])).toEqual([
      [0, "idle", 0, 20],
      [0, "gil", 20, 40],
      [0, "io", 40, 50],
      [0, "idle", 50, 100],
      [1, "gil", 5, 100],
    ]);
    expect(trace.tasks.map((x) => x.id)).toEqual([0]);
  });

  test("recordsToTrace: intervals tile every thread's life with no gap or overlap, for any steps (property)", () => {
    const stepArb = fc.record({
      thread: fc.integer({ min: 0, max: 3 }),
      start: fc.integer({ min: -50, max: 1000 }),
      length: fc.integer({ min: 0, max: 300 }),
      kind: fc.constantFrom("cpu", "io", "block", "offload"),
      gil: fc.constantFrom("python", "release", "hold"),
      awaited: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 40 }),
        fc.array(fc.integer({ min: -20, max: 400 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 1200 }),
        (raw, starts, end) => {
          const t = starts.map((s, i) => thread(`100:${i}`, `T${i}`, i === 0 ? "main" : "worker", s));
          const s = raw.map((r, i) =>
            step(i, [0], r.kind, `100:${r.thread}`, r.start, r.start + r.length, {
              gil: r.kind === "cpu" ? r.gil : undefined,
              awaited: r.kind === "io" ? r.awaited : undefined,
            }),
          );
          const trace = recordsToTrace(output(s, t, end), { name: "p", seed: 0 });
          for (const th of trace.threads) {
            const mine = trace.intervals.filter((i) => i.thread === th.id);
            const life = Math.min(Math.max(0, starts[Number(th.name.slice(1))] ?? 0), end);
            let cursor = life;
            for (const [k, i] of mine.entries()) {
              expect(i.start).toBe(cursor);
              expect(i.end).toBeGreaterThan(i.start);
              if (k > 0) expect(i.state).not.toBe(mine[k - 1]!.state);
              cursor = i.end;
            }
            expect(cursor).toBe(Math.max(life, end));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
