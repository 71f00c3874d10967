import type { RunResult } from "../../model/simulate.js";
import type { ScenarioInput, Step } from "../../scenario/schema.js";
import type { GilHold } from "../../trace/types.js";
import { exactDuration } from "../runtime-map.js";
import {
  firstEnd,
  lastEnd,
  latencies,
  lostDuring,
  median,
  mergedHolds,
  sliceFigures,
  stepsOf,
  threadsWithRole,
  traceOf,
} from "./extract.js";

/*
 * The mechanism suite: each experiment of mechanisms.py, what it measures, its figures with their
 * units, and how the same experiment runs as a gilsim scenario (or why it cannot yet: a format gap).
 * The ids here are the function names in mechanisms.py's EXPERIMENTS and the figure names its
 * trials report; docs/mechanisms.md explains each experiment at length.
 */

/** ns: a duration; share: a fraction in [0, 1]; ratio: a speed-up; per-second: a rate; count: how many. */
export type FigureUnit = "ns" | "share" | "ratio" | "per-second" | "count";

export interface FigureSpec {
  /** The figure's name in the experiment's trials: "slice.median.n2". */
  key: string;
  unit: FigureUnit;
  /** What it is, in a few words. */
  what: string;
  /**
   * compared: the figure the model must reproduce (a simulation or a format gap says how);
   * input: measured to size the equivalent scenario (a call's own duration), not a target.
   */
  role: "compared" | "input";
}

/** What a case's scenarios are built from. */
export interface SimContext {
  /** The model's version profile: "3.11". */
  python: string;
  /** Cores of the machine recorded. */
  cores: number;
  /** A figure of the recording (its median across repeats), for the inputs a scenario needs. */
  real: (key: string) => number | null;
}

/** A group of figures that one or more scenarios reproduce. */
export interface SimCase {
  figures: readonly string[];
  /** The equivalent scenarios; null when an input it needs was not recorded. */
  scenarios: (ctx: SimContext) => ScenarioInput[] | null;
  /** The figures from the simulated runs (same order as the scenarios). */
  extract: (runs: readonly RunResult[], ctx: SimContext) => Record<string, number | null>;
}

/** Figures the scenario format cannot express yet, and what it would need. */
export interface FormatGap {
  figures: readonly string[];
  need: string;
}

export interface Experiment {
  id: string;
  title: string;
  /** One paragraph: what it measures and how. */
  description: string;
  /** The model parameter or mechanism it informs. */
  informs: string;
  figures: readonly FigureSpec[];
  cases: readonly SimCase[];
  gaps: readonly FormatGap[];
}

const ns = (x: number): string => exactDuration(x);
const spinners = (k: number) =>
  Array.from({ length: k }, (_, i) => ({
    name: `spinner-${i}`,
    steps: [{ repeat: "forever" as const, steps: [{ cpu: "100ms" }] }],
  }));

/** An experiment's scenario head; `runtime` adds to (or overrides) its runtime section. */
function base(
  ctx: SimContext,
  name: string,
  runtime: Partial<NonNullable<ScenarioInput["runtime"]>> = {},
): Pick<ScenarioInput, "name" | "seed" | "machine" | "runtime"> {
  // The experiments call their kernels directly: none of the real harness's per-step bookkeeping.
  return {
    name,
    seed: 1,
    machine: { cores: ctx.cores },
    runtime: { python: ctx.python as "3.11", stepOverhead: "0us", ...runtime },
  };
}

const fig = (key: string, unit: FigureUnit, what: string, role: FigureSpec["role"] = "compared"): FigureSpec => ({
  key,
  unit,
  what,
  role,
});

// ------------------------------------------------------------------ the GIL

const GIL_N = [2, 3, 4, 6] as const;

const gilThreads: Experiment = {
  id: "gil-threads",
  title: "GIL slices, hand-offs and the winner, with N CPU-bound threads",
  description:
    "N pure-Python threads (N = 2, 3, 4, 6) loop for 0.5 s at the default switch interval, each reading the clock every iteration. A jump of more than 5 µs between two iterations of one thread means it stopped running; its runs, merged in time order across threads, are the GIL holds. A hold's length is a slice; the gap from one hold's end to the next one's start is the hand-off; the holder sequence says who won each switch. The simulation runs N workers of one long pure-Python task each and reads the same figures from the trace's GIL holds.",
  informs:
    "switchInterval and the drop-request timeout (slice length), gilWakeup and gilHandoff (hand-off gap), gilHandoffPerWaiter (its growth with N), gilWinner (which waiter wins).",
  figures: GIL_N.flatMap((n) => [
    fig(`slice.median.n${n}`, "ns", `median GIL slice, ${n} threads`),
    fig(`slice.p90.n${n}`, "ns", `p90 GIL slice, ${n} threads`),
    fig(`handoff.median.n${n}`, "ns", `median hand-off gap, ${n} threads`),
    ...(n >= 3 ? [fig(`winner.last.n${n}`, "share", `switches won by the thread displaced last, ${n} threads`)] : []),
    fig(`switches.n${n}`, "count", `switches seen, ${n} threads`, "input"),
  ]),
  cases: GIL_N.map((n) => ({
    figures: [
      `slice.median.n${n}`,
      `slice.p90.n${n}`,
      `handoff.median.n${n}`,
      ...(n >= 3 ? [`winner.last.n${n}`] : []),
    ],
    scenarios: (ctx) => [
      {
        ...base(ctx, `gil-threads-${n}`),
        executor: { kind: "threads", workers: n },
        workload: { arrivals: { kind: "batch", count: n }, classes: [{ steps: [{ cpu: "10s" }] }] },
        run: { until: "510ms" },
      },
    ],
    extract: ([run]) => {
      const trace = traceOf(run as RunResult);
      return sliceFigures(mergedHolds(trace, threadsWithRole(trace, "worker")), n);
    },
  })),
  gaps: [],
};

// ------------------------------------------------------------------ short GIL releases

const CALLS = ["sha256-1k", "sha256-4k", "sha256-16k", "sha256-64k", "sha256-256k", "sha256-1m", "zlib-16k"] as const;
/** hashlib holds the GIL for inputs under 2048 bytes (Modules/hashlib.h). */
const gilOf = (call: string): "hold" | "release" => (call === "sha256-1k" ? "hold" : "release");
const callsOf = (call: string): number => (call === "sha256-1m" ? 30 : 60);

const gilRelease: Experiment = {
  id: "gil-release",
  title: "Short GIL releases beside a CPU-bound thread",
  description:
    "The main thread makes K calls of sha256 (1 KiB to 1 MiB; hashlib releases the GIL from 2 KiB up) or zlib.compress (16 KiB, level 1, one deflate() with the GIL released), first alone, then with a pure-Python thread spinning beside it at the default switch interval. A call lost the GIL when the spinner ran between its start and its end. The simulation runs the same K calls as back-to-back tasks of a sync executor, each one step of the solo call time (gil release, or hold for 1 KiB), beside a background thread of pure Python; a call lost the GIL when the spinner held it during the step.",
  informs:
    "the release race: gilWakeup of the waiting spinner against the length of the release, cCallEdge, the drop-request timeout (what a lost call waits), and the convoy effect (bpo-7946).",
  figures: CALLS.flatMap((c) => [
    fig(`solo.${c}`, "ns", `${c}: time per call alone`, "input"),
    fig(`busy.${c}`, "ns", `${c}: median time per call beside a spinner`),
    fig(`lost.${c}`, "share", `${c}: calls that lost the GIL`),
  ]),
  cases: CALLS.map((c) => ({
    figures: [`busy.${c}`, `lost.${c}`],
    scenarios: (ctx) => {
      const solo = ctx.real(`solo.${c}`);
      if (solo === null) return null;
      const k = callsOf(c);
      return [
        {
          ...base(ctx, `gil-release-${c}`),
          executor: { kind: "sync" },
          workload: {
            arrivals: { kind: "batch", count: k },
            classes: [{ steps: [{ cpu: ns(solo), gil: gilOf(c) }] }],
          },
          background: spinners(1),
          run: { until: ns(k * (solo + 15e6) + 50e6) },
        },
      ];
    },
    extract: ([run]) => {
      const trace = traceOf(run as RunResult);
      const steps = stepsOf(trace, "cpu");
      const spin = threadsWithRole(trace, "background");
      const lost = steps.filter((s) => lostDuring(s, trace.gil, spin)).length;
      return {
        [`busy.${c}`]: median(steps.map((s) => s.end - s.start)),
        [`lost.${c}`]: steps.length === 0 ? null : lost / steps.length,
      };
    },
  })),
  gaps: [],
};

const STARVE_MODES = [
  { mode: "hold", chunk: "4.8ms", release: false },
  { mode: "release-4.8ms", chunk: "4.8ms", release: true },
  { mode: "release-1ms", chunk: "1ms", release: true },
] as const;
const STARVE_RUN = 600e6;

const gilStarvation: Experiment = {
  id: "gil-starvation",
  title: "A GIL waiter beside a thread that releases the GIL briefly",
  description:
    "A pure-Python thread (the releaser) runs for 0.6 s, releasing the GIL for one system call (os.write of a byte to /dev/null) after each 4.8 ms or 1 ms of Python, or never (hold); beside it a waiter sleeps 2 ms and then needs the GIL, over and over. Each release signals the waiter, which wakes to find the GIL taken back and sleeps a whole new switch interval, so releases closer together than the interval keep it from asking for a drop. Figures: the waiter's turns per second while the releaser ran, per mode, and with no releases its median turn beyond the 2 ms sleep. The simulation runs the same two threads as background threads (the release a C call of 1 µs that releases the GIL, as os.write does) and counts the waiter's GIL holds (the program's own task sleeps through the run).",
  informs:
    "take_gil's timed wait, which a signal restarts and a timeout ends with a drop request only when no switch happened (switch_number): the starvation of a GIL waiter behind a busy event loop, which releases the GIL for select() and every pipe or socket call.",
  figures: [
    fig("turns.hold", "per-second", "waiter's turns per second beside a thread that never releases the GIL"),
    fig("wait.hold", "ns", "waiter's median turn beyond its 2 ms sleep, no releases"),
    fig("turns.release-4.8ms", "per-second", "waiter's turns per second, a release every 4.8 ms"),
    fig("turns.release-1ms", "per-second", "waiter's turns per second, a release every 1 ms"),
  ],
  cases: STARVE_MODES.map(({ mode, chunk, release }) => ({
    figures: mode === "hold" ? ["turns.hold", "wait.hold"] : [`turns.${mode}`],
    scenarios: (ctx) => [
      {
        ...base(ctx, `gil-starvation-${mode}`),
        executor: { kind: "sync" },
        // The program's own task sleeps through the run: the only GIL waiter is the waiter.
        workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ block: "700ms" }] }] },
        background: [
          {
            name: "releaser",
            steps: [
              {
                repeat: "forever",
                steps: release ? [{ cpu: chunk }, { cpu: "1us", gil: "release" }] : [{ cpu: chunk }],
              },
            ],
          },
          { name: "waiter", steps: [{ repeat: "forever", steps: [{ block: "2ms" }, { cpu: "1us" }] }] },
        ],
        run: { until: ns(STARVE_RUN) },
      },
    ],
    extract: ([run]) => {
      const trace = traceOf(run as RunResult);
      const waiter = trace.threads.find((t) => t.process === 0 && t.name.endsWith("waiter"));
      const holds = trace.gil
        .filter((h) => h.process === 0 && h.thread === waiter?.id && h.start > 0)
        .sort((a, b) => a.start - b.start);
      const out: Record<string, number | null> = {
        [`turns.${mode}`]: holds.length / (STARVE_RUN / 1e9),
      };
      if (mode === "hold") {
        const turns: number[] = [];
        for (let i = 1; i < holds.length; i++)
          turns.push((holds[i] as GilHold).start - (holds[i - 1] as GilHold).end - 2e6);
        out["wait.hold"] = median(turns);
      }
      return out;
    },
  })),
  gaps: [],
};

const SPEEDUP_CALLS = ["sha256-64k", "sha256-1m"] as const;
const SPEEDUP_K = [2, 4] as const;

const releaseSpeedup: Experiment = {
  id: "release-speedup",
  title: "Speed-up of k threads sharing GIL-releasing calls",
  description:
    "W calls of sha256 (64 KiB: W = 64; 1 MiB: W = 32) shared by k threads (k = 1, 2, 4), each making W/k calls back to back; the speed-up is T(1)/T(k), T the wall time from starting the work to the last thread ending. The simulation runs W tasks of one GIL-releasing step (the one-thread time per call) on a pool of k threads and takes the ratio of makespans.",
  informs:
    "cores and the OS run queue, cCallEdge (the GIL-held part of each call), the hand-off costs between releases.",
  figures: SPEEDUP_CALLS.flatMap((c) => [
    fig(`percall.${c}`, "ns", `${c}: time per call, one thread`, "input"),
    ...SPEEDUP_K.map((k) => fig(`speedup.${c}.k${k}`, "ratio", `${c}: speed-up of ${k} threads`)),
  ]),
  cases: SPEEDUP_CALLS.map((c) => ({
    figures: SPEEDUP_K.map((k) => `speedup.${c}.k${k}`),
    scenarios: (ctx) => {
      const per = ctx.real(`percall.${c}`);
      if (per === null) return null;
      const w = c === "sha256-1m" ? 32 : 64;
      return [1, ...SPEEDUP_K].map((k) => ({
        ...base(ctx, `release-speedup-${c}-k${k}`),
        executor: { kind: "threads" as const, workers: k },
        workload: {
          arrivals: { kind: "batch" as const, count: w },
          classes: [{ steps: [{ cpu: ns(per), gil: "release" as const }] }],
        },
      }));
    },
    extract: (runs) => {
      const t = runs.map((r) => r.metrics.makespan);
      const out: Record<string, number | null> = {};
      SPEEDUP_K.forEach((k, i) => {
        const tk = t[i + 1] ?? 0;
        out[`speedup.${c}.k${k}`] = tk > 0 ? (t[0] ?? 0) / tk : null;
      });
      return out;
    },
  })),
  gaps: [],
};

// ------------------------------------------------------------------ asyncio

const yields = (k: number): Step[] | object[] => [{ repeat: k, steps: [{ io: "0us" }] }];

/**
 * How long a batch keeps a loop busy, done callbacks included: what `await asyncio.gather(...)`
 * takes, since gather returns only after every child's done callback has run. The last task's end
 * (the makespan) comes before those callbacks. The loop never waits here (nothing sleeps, no other
 * thread), so the CPU it got is the time it took.
 */
function untilLoopIdle(run: RunResult): number {
  return run.cpu.delivered;
}

/** create-task: the coroutines created, then awaited, in one run (mechanisms.py's M). */
const CREATE_TASKS = 2000;

const asyncioCosts: Experiment = {
  id: "asyncio-costs",
  title: "The event loop's own costs",
  description:
    "With nothing else running: N tasks each await asyncio.sleep(0) K times (N = 1, K = 2000; N = 100, K = 40); the time per round is iteration + N × step, which gives the cost of a step and of an iteration. create-task: inside a running coroutine, create_task() of 2,000 coroutines that return at once, then await each: time per task. gather: asyncio.gather of 1,000, 10,000 and 100,000 such coroutines: total time. semaphore: 10,000 gathered tasks, each `async with Semaphore(100): await asyncio.sleep(0)`: time per task. The simulation runs the same tasks as a batch into one loop (a batch is what gather does: every task ready in the first iteration), a Semaphore as the workload's concurrency limit, and create-task as one task whose spawn step creates 2,000 children and awaits each. gather and semaphore are timed until the loop has run every task's done callback (gather returns only then), not to the last task's end.",
  informs:
    "loopStepCost, loopIterationCost; the per-task cost of creating tasks and of gather's done callbacks; the Semaphore's FIFO hand-over.",
  figures: [
    fig("step", "ns", "CPU per task step"),
    fig("iteration", "ns", "CPU per loop iteration"),
    fig("create-task", "ns", "create_task() in a coroutine, then await: per task"),
    fig("gather.1k", "ns", "gather of 1,000 coroutines"),
    fig("gather.10k", "ns", "gather of 10,000 coroutines"),
    fig("gather.100k", "ns", "gather of 100,000 coroutines"),
    fig("semaphore", "ns", "per task, 10,000 tasks under Semaphore(100)"),
  ],
  cases: [
    {
      figures: ["step", "iteration"],
      scenarios: (ctx) =>
        [
          [1, 2000],
          [100, 40],
        ].map(([n, k]) => ({
          ...base(ctx, `asyncio-rounds-${n}`),
          executor: { kind: "asyncio" as const, offload: "none" as const },
          workload: {
            arrivals: { kind: "batch" as const, count: n as number },
            classes: [{ steps: yields(k as number) as Step[] }],
          },
        })) as ScenarioInput[],
      extract: ([one, hundred]) => {
        const y1 = (one as RunResult).metrics.makespan / 2000;
        const y100 = (hundred as RunResult).metrics.makespan / 40;
        const step = (y100 - y1) / 99;
        return { step, iteration: y1 - step };
      },
    },
    ...(
      [
        ["gather.1k", 1000],
        ["gather.10k", 10000],
        ["gather.100k", 100000],
      ] as const
    ).map(
      ([key, n]): SimCase => ({
        figures: [key],
        scenarios: (ctx) => [
          {
            ...base(ctx, `asyncio-${key}`),
            executor: { kind: "asyncio", offload: "none" },
            workload: { arrivals: { kind: "batch", count: n }, classes: [{ steps: [{ cpu: "0us" }] }] },
            run: { trace: false },
          },
        ],
        extract: ([run]) => ({ [key]: untilLoopIdle(run as RunResult) }),
      }),
    ),
    {
      figures: ["create-task"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "asyncio-create-task"),
          executor: { kind: "asyncio", offload: "none" },
          workload: {
            arrivals: { kind: "batch", count: 1 },
            classes: [{ steps: [{ spawn: CREATE_TASKS, steps: [{ cpu: "0us" }] }] }],
          },
        },
      ],
      extract: ([run]) => {
        const spawn = stepsOf(traceOf(run as RunResult), "spawn")[0];
        return { "create-task": spawn ? (spawn.end - spawn.start) / CREATE_TASKS : null };
      },
    },
    {
      figures: ["semaphore"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "asyncio-semaphore"),
          executor: { kind: "asyncio", offload: "none" },
          workload: {
            arrivals: { kind: "batch", count: 10000 },
            concurrency: 100,
            classes: [{ steps: [{ io: "0us" }] }],
          },
          run: { trace: false },
        },
      ],
      extract: ([run]) => ({ semaphore: untilLoopIdle(run as RunResult) / 10000 }),
    },
  ],
  gaps: [],
};

/** Simulated windows of the sleep(0) loop: a steady rate needs only a few switch intervals. */
const BESIDE_RUN = { solo: 20e6, busy: 100e6 } as const;

const asyncioBesideCpu: Experiment = {
  id: "asyncio-beside-cpu",
  title: "An event loop beside a CPU-bound thread",
  description:
    "sleep0-rate: one coroutine awaits asyncio.sleep(0) in a loop for 0.1 s alone, then for 0.4 s beside a pure-Python thread; every iteration polls the selector with timeout 0, which releases the GIL, and the spinner may take it: iterations per second. sleep1ms: a coroutine awaits asyncio.sleep(0.001) 50 times, alone and beside the spinner: the median time of one await. The simulation runs one task of as many sleep(0) steps as could run (or 50 one-millisecond waits) on one loop, with a background pure-Python thread for the busy figures, and counts the loop's iterations (or times the waits).",
  informs:
    "the release race at select(timeout=0) (how often the loop loses the GIL to a waiting thread), the timer's rounding to whole milliseconds, and what a CPU-bound neighbour costs a loop.",
  figures: [
    fig("solo.sleep0-rate", "per-second", "sleep(0) iterations per second, alone"),
    fig("solo.sleep1ms", "ns", "await asyncio.sleep(1 ms), alone"),
    fig("busy.sleep0-rate", "per-second", "sleep(0) iterations per second beside a CPU-bound thread"),
    fig("busy.sleep1ms", "ns", "await asyncio.sleep(1 ms) beside a CPU-bound thread"),
  ],
  cases: (["solo", "busy"] as const).map(
    (mode): SimCase => ({
      figures: [`${mode}.sleep0-rate`, `${mode}.sleep1ms`],
      scenarios: (ctx) => [
        {
          ...base(ctx, `asyncio-${mode}-sleep0`),
          executor: { kind: "asyncio", offload: "none" },
          workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: yields(100_000) as Step[] }] },
          background: spinners(mode === "busy" ? 1 : 0),
          run: { until: ns(BESIDE_RUN[mode]) },
        },
        {
          ...base(ctx, `asyncio-${mode}-sleep1ms`),
          executor: { kind: "asyncio", offload: "none" },
          workload: {
            arrivals: { kind: "batch", count: 1 },
            classes: [{ steps: [{ repeat: 50, steps: [{ io: "1ms" }] }] }],
          },
          background: spinners(mode === "busy" ? 1 : 0),
          run: { until: "2s" },
        },
      ],
      extract: ([zeros, millis]) => {
        const z = traceOf(zeros as RunResult);
        const iterations = z.iterations.filter((it) => it.process === 0 && it.end <= BESIDE_RUN[mode]).length;
        const m = traceOf(millis as RunResult);
        const waits: number[] = [];
        for (const t of m.tasks) for (const s of t.steps) if (s.kind === "io") waits.push(s.end - s.start);
        return {
          [`${mode}.sleep0-rate`]: iterations / (BESIDE_RUN[mode] / 1e9),
          [`${mode}.sleep1ms`]: median(waits),
        };
      },
    }),
  ),
  gaps: [],
};

const asyncioExecutor: Experiment = {
  id: "asyncio-executor",
  title: "run_in_executor and to_thread",
  description:
    "From a coroutine, await loop.run_in_executor(None, f) and await asyncio.to_thread(f) of a function that returns at once (the loop's default ThreadPoolExecutor, its workers started first). single: 200 awaits one after another: the median round trip. bulk: asyncio.gather of 1,000 at once: time per offload. The simulation runs one task of 200 offload steps one after another (single), or 1,000 tasks of one offload step each (bulk), on a loop whose offload pool is the default thread pool; to_thread is the same scenario as run_in_executor (the model does not tell them apart).",
  informs:
    "submitCost, threadHandoff (the worker's wake-up), threadsafeWakeup (the result back through the self-pipe), loopStepCost.",
  figures: [
    fig("single.executor", "ns", "await run_in_executor(None, f), one at a time"),
    fig("bulk.executor", "ns", "gather of 1,000 run_in_executor: per call"),
    fig("single.to-thread", "ns", "await asyncio.to_thread(f), one at a time"),
    fig("bulk.to-thread", "ns", "gather of 1,000 to_thread: per call"),
  ],
  cases: [
    {
      figures: ["single.executor", "single.to-thread"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "asyncio-offload-single"),
          executor: { kind: "asyncio", offload: { kind: "threads" } },
          workload: {
            arrivals: { kind: "batch", count: 1 },
            classes: [{ steps: [{ repeat: 200, steps: [{ offload: [{ cpu: "0us" }] }] }] }],
          },
        },
      ],
      extract: ([run]) => {
        const waits = stepsOf(traceOf(run as RunResult), "offload")
          .slice(2)
          .map((s) => s.end - s.start);
        const m = median(waits);
        return { "single.executor": m, "single.to-thread": m };
      },
    },
    {
      figures: ["bulk.executor", "bulk.to-thread"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "asyncio-offload-bulk"),
          executor: { kind: "asyncio", offload: { kind: "threads" } },
          workload: { arrivals: { kind: "batch", count: 1000 }, classes: [{ steps: [{ offload: [{ cpu: "0us" }] }] }] },
          run: { trace: false },
        },
      ],
      extract: ([run]) => {
        const per = (run as RunResult).metrics.makespan / 1000;
        return { "bulk.executor": per, "bulk.to-thread": per };
      },
    },
  ],
  gaps: [],
};

// ------------------------------------------------------------------ thread pools

const threadPool: Experiment = {
  id: "thread-pool",
  title: "ThreadPoolExecutor round trips, and thread start and join",
  description:
    "A ThreadPoolExecutor(4) with its workers started. single: submit(f).result() of a function that returns at once, 300 times one after another: the median round trip. pipelined: submit 2,000, then wait for all: time per call. start-join: threading.Thread(target=f).start() then join(), 200 times: the median. The simulation runs a pool of 4 threads: one client issuing 300 tasks one after another (closed arrivals, no think time) for single, a batch of 2,000 for pipelined; start-join as a sync program whose task makes 200 threads steps of one thread each, one after another.",
  informs: "submitCost, threadHandoff, the future's wake-up of the waiting caller; threadStart.",
  figures: [
    fig("single", "ns", "submit(f).result(), one at a time"),
    fig("pipelined", "ns", "2,000 submits, then wait: per call"),
    fig("start-join", "ns", "Thread.start() then join()"),
  ],
  cases: [
    {
      figures: ["single"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "thread-pool-single"),
          executor: { kind: "threads", workers: 4 },
          workload: { arrivals: { kind: "closed", clients: 1, count: 300 }, classes: [{ steps: [{ cpu: "0us" }] }] },
        },
      ],
      extract: ([run]) => ({ single: median(latencies(traceOf(run as RunResult), 4)) }),
    },
    {
      figures: ["start-join"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "thread-start-join"),
          executor: { kind: "sync" },
          workload: {
            arrivals: { kind: "batch", count: 1 },
            classes: [{ steps: [{ repeat: 200, steps: [{ threads: 1, steps: [{ cpu: "0us" }] }] }] }],
          },
        },
      ],
      extract: ([run]) => ({
        "start-join": median(stepsOf(traceOf(run as RunResult), "threads").map((s) => s.end - s.start)),
      }),
    },
    {
      figures: ["pipelined"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "thread-pool-pipelined"),
          executor: { kind: "threads", workers: 4 },
          workload: { arrivals: { kind: "batch", count: 2000 }, classes: [{ steps: [{ cpu: "0us" }] }] },
          run: { trace: false },
        },
      ],
      extract: ([run]) => ({ pipelined: (run as RunResult).metrics.makespan / 2000 }),
    },
  ],
  gaps: [],
};

// ------------------------------------------------------------------ process pools

const PAYLOADS = [
  ["0", 0],
  ["4k", 4096],
  ["64k", 65536],
  ["256k", 262144],
  ["1m", 1048576],
  ["4m", 4194304],
] as const;

const processRoundtrip: Experiment = {
  id: "process-roundtrip",
  title: "ProcessPoolExecutor round trip against payload",
  description:
    "A warm ProcessPoolExecutor(1): submit(echo, payload).result(), the same bytes pickled to the worker and back, for payloads of 0 B, 4 KiB, 64 KiB, 256 KiB, 1 MiB and 4 MiB: the median round trip. The simulation runs a pool of one process with one client issuing tasks one after another (closed arrivals), the task's payload the same size, and takes the median latency after the first task (the worker's start-up).",
  informs:
    "ipcBase, ipcPerByte, ipcLatency, pipeWakeup (messages over 64 KiB cross the pipe in pieces), threadHandoff (the pool's manager thread).",
  figures: PAYLOADS.map(([label]) =>
    fig(`roundtrip.${label}`, "ns", `round trip, ${label === "0" ? "0 B" : label} payload`),
  ),
  cases: PAYLOADS.map(
    ([label, size]): SimCase => ({
      figures: [`roundtrip.${label}`],
      scenarios: (ctx) => [
        {
          ...base(ctx, `process-roundtrip-${label}`),
          executor: { kind: "processes", workers: 1 },
          workload: {
            arrivals: { kind: "closed", clients: 1, count: size >= 1048576 ? 12 : 30 },
            classes: [{ payload: size, steps: [{ cpu: "0us" }] }],
          },
        },
      ],
      extract: ([run]) => ({ [`roundtrip.${label}`]: median(latencies(traceOf(run as RunResult), 1)) }),
    }),
  ),
  gaps: [],
};

const METHODS = ["fork", "spawn", "forkserver"] as const;

/**
 * The real figure is a median over new pools (3 a run, 5 runs): each a draw of the start-up's
 * spread. The simulated one is the median of as many new pools, one seed each, not one draw.
 */
const NEW_POOLS = Array.from({ length: 15 }, (_, i) => i + 1);

const processStart: Experiment = {
  id: "process-start",
  title: "First result of a new process pool, by start method",
  description:
    "A new ProcessPoolExecutor(1) with the fork, spawn or forkserver start method: the time from creating the pool to the result of its first submit(f) (the worker's start-up and one round trip). The fork server is stopped before each forkserver pool, so each is a cold start as a program's first pool pays it. all4.fork: a new ProcessPoolExecutor(4) with fork, from creating it to the results of four submits made at once; the first submit forks all four workers in turn. The simulation runs one task on a new pool of one process with the same start method (four tasks on four processes for all4.fork), for 15 new pools (seeds), and takes the median, as the recording does over its pools.",
  informs:
    "processStart for each start method (which a machine profile must not override with the fork figure), and forkCost (all4.fork against first.fork).",
  figures: [
    ...METHODS.map((m) => fig(`first.${m}`, "ns", `first result, ${m}`)),
    fig("all4.fork", "ns", "four results of a new pool of four, fork"),
  ],
  cases: [
    {
      figures: ["all4.fork"],
      scenarios: (ctx) =>
        NEW_POOLS.map((seed) => ({
          ...base(ctx, "process-start-all4"),
          seed,
          executor: { kind: "processes", workers: 4, startMethod: "fork" },
          workload: { arrivals: { kind: "batch", count: 4 }, classes: [{ steps: [{ cpu: "0us" }] }] },
        })),
      extract: (runs) => ({ "all4.fork": median(runs.map((r) => (r as RunResult).metrics.makespan)) }),
    },
    ...METHODS.map(
      (m): SimCase => ({
        figures: [`first.${m}`],
        scenarios: (ctx) =>
          NEW_POOLS.map((seed) => ({
            ...base(ctx, `process-start-${m}`),
            seed,
            executor: { kind: "processes", workers: 1, startMethod: m },
            workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "0us" }] }] },
          })),
        extract: (runs) => ({ [`first.${m}`]: median(runs.map((r) => (r as RunResult).metrics.makespan)) }),
      }),
    ),
  ],
  gaps: [],
};

const processMap: Experiment = {
  id: "process-map",
  title: "ProcessPoolExecutor.map with a chunksize",
  description:
    "A warm ProcessPoolExecutor(2): list(pool.map(f, range(1000), chunksize=c)) of a function that returns at once, for c = 1 and c = 50: time per item. The simulation runs chunksize 1 as a batch of 1,000 tasks on a pool of 2 processes, timed from the first result to the last (the pool is warm in the real run), and chunksize 50 the same way with the workload's chunksize 50 (the first chunk's 50 items left out).",
  informs: "the per-task IPC cost (ipcBase, ipcLatency) and how chunking amortizes it.",
  figures: [
    fig("map.chunk1", "ns", "map, chunksize 1: per item"),
    fig("map.chunk50", "ns", "map, chunksize 50: per item"),
  ],
  cases: [
    {
      figures: ["map.chunk1"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "process-map-1"),
          executor: { kind: "processes", workers: 2 },
          workload: { arrivals: { kind: "batch", count: 1000 }, classes: [{ steps: [{ cpu: "0us" }] }] },
        },
      ],
      extract: ([run]) => {
        const t = traceOf(run as RunResult);
        return { "map.chunk1": (lastEnd(t) - firstEnd(t)) / 999 };
      },
    },
    {
      figures: ["map.chunk50"],
      scenarios: (ctx) => [
        {
          ...base(ctx, "process-map-50"),
          executor: { kind: "processes", workers: 2 },
          workload: {
            arrivals: { kind: "batch", count: 1000 },
            chunksize: 50,
            classes: [{ steps: [{ cpu: "0us" }] }],
          },
        },
      ],
      extract: ([run]) => {
        const t = traceOf(run as RunResult);
        return { "map.chunk50": (lastEnd(t) - firstEnd(t)) / 950 };
      },
    },
  ],
  gaps: [],
};

// ------------------------------------------------------------------ sockets

const SOCKET_K = [0, 1, 2, 4] as const;
const SOCKET_I = ["5ms", "1ms", "0.1ms"] as const;
/** The client's run, as mechanisms.py's D. */
const SOCKET_RUN = 300e6;
/**
 * The client process's own CPU per round trip besides its send (the model's socketSend): its
 * recv() of the echo already there, 3.4 to 3.6 µs, and its loop, 0.2 µs (CPython 3.9, 3.11 and
 * 3.13 on 2026-12-03, measured apart from the suite and not fitted to its figures).
 */
const SOCKET_PEER = "4us";

const sockets: Experiment = {
  id: "sockets",
  title: "A loopback echo server thread beside CPU-bound threads",
  description:
    "An echo server thread serves one client connection over loopback beside k pure-Python threads (k = 0, 1, 2, 4) at switch intervals of 5 ms, 1 ms and 0.1 ms. The client runs in another process (its own GIL), sending a 64-byte request and waiting for the echo, back to back, for 0.3 s. The server's recv() and sendall() each release the GIL and take it back from the spinners. Figure: round trips per second. The simulation runs a sync server whose one task repeats a socket exchange ({socket: {peer}}: send, then recv until the peer's reply), the peer a process of its own that spends 4 µs of CPU per message (its recv() and its loop, measured apart) and then sends (socketSend), beside k background spinners at the same switch interval, for 0.3 s: the peer's replies per second.",
  informs:
    "the convoy effect on socket IO (bpo-7946), gilWakeup, and the switch interval's effect on IO latency; the wake-up of a socket is not a timer (no timer slack).",
  figures: SOCKET_I.flatMap((i) =>
    SOCKET_K.map((k) => fig(`rps.k${k}.i${i}`, "per-second", `round trips/s, ${k} CPU threads, interval ${i}`)),
  ),
  cases: SOCKET_I.flatMap((i) =>
    SOCKET_K.map(
      (k): SimCase => ({
        figures: [`rps.k${k}.i${i}`],
        scenarios: (ctx) => [
          {
            ...base(ctx, `sockets-k${k}-i${i}`, { switchInterval: i }),
            executor: { kind: "sync" },
            workload: {
              arrivals: { kind: "batch", count: 1 },
              classes: [{ steps: [{ repeat: 1_000_000, steps: [{ socket: { peer: SOCKET_PEER } }] }] }],
            },
            background: spinners(k),
            run: { until: ns(SOCKET_RUN) },
          },
        ],
        extract: ([run]) => {
          // The peer (the client process) runs once per exchange: its runs are the round trips.
          const trace = traceOf(run as RunResult);
          const peer = new Set(trace.threads.filter((t) => t.role === "process-worker").map((t) => t.id));
          const trips = trace.intervals.filter((iv) => peer.has(iv.thread) && iv.state === "gil").length;
          return { [`rps.k${k}.i${i}`]: trips / (SOCKET_RUN / 1e9) };
        },
      }),
    ),
  ),
  gaps: [],
};

// ------------------------------------------------------------------ sleeps

const sleeps: Experiment = {
  id: "sleeps",
  title: "time.sleep(0) and the overshoot of time.sleep(1 ms)",
  description:
    "time.sleep(0), 500 times: the median call (it releases the GIL and yields the CPU). time.sleep(0.001), 150 times: the median overshoot beyond 1 ms (timer slack and the wake-up). The simulation runs the same calls as blocking steps of a sync executor and takes the median step time.",
  informs: "timerSlack, and the cost of a zero sleep.",
  figures: [fig("zero", "ns", "time.sleep(0)"), fig("overshoot-1ms", "ns", "time.sleep(1 ms) minus 1 ms")],
  cases: [
    {
      figures: ["zero", "overshoot-1ms"],
      scenarios: (ctx) =>
        (["0us", "1ms"] as const).map((d) => ({
          ...base(ctx, `sleep-${d}`),
          executor: { kind: "sync" as const },
          workload: {
            arrivals: { kind: "batch" as const, count: d === "0us" ? 500 : 150 },
            classes: [{ steps: [{ block: d }] }],
          },
        })),
      extract: ([zero, one]) => {
        const times = (r: RunResult) => stepsOf(traceOf(r), "block").map((s) => s.end - s.start);
        const o = median(times(one as RunResult));
        return { zero: median(times(zero as RunResult)), "overshoot-1ms": o === null ? null : o - 1e6 };
      },
    },
  ],
  gaps: [],
};

// ------------------------------------------------------------------ a request into an idle program

const IDLE_GAPS = [
  { key: "0.3ms", ns: 300_000, n: 40 },
  { key: "3ms", ns: 3_000_000, n: 40 },
  { key: "20ms", ns: 20_000_000, n: 15 },
] as const;

const idleArrival: Experiment = {
  id: "idle-arrival",
  title: "A request into an idle program",
  description:
    "Another process sleeps a gap (0.3, 3 or 20 ms) and then writes the time on a pipe; the program, all its threads asleep meanwhile, reads it in an event loop's reader callback, which creates a task. Figure: the median time from the send to the task's first line, per gap (40, 40 and 15 requests). The simulation runs an asyncio program whose requests arrive one gap apart (replay arrivals: an open arrival comes in on a pipe, as here) and takes the median from each arrival to its task's first step.",
  informs:
    "threadsafeWakeup (the loop woken by a pipe), and how much later an idle program answers after longer idles: machine.idleWake and machine.coldStart.",
  figures: IDLE_GAPS.map((g) =>
    fig(`first-line.${g.key}`, "ns", `pipe write to the task's first line, after ${g.key} idle`),
  ),
  cases: IDLE_GAPS.map(
    (g): SimCase => ({
      figures: [`first-line.${g.key}`],
      scenarios: (ctx) => [
        {
          ...base(ctx, `idle-arrival-${g.key}`),
          executor: { kind: "asyncio" },
          workload: {
            arrivals: { kind: "replay", times: Array.from({ length: g.n }, (_, i) => ((i + 1) * g.ns) / 1e6) },
            classes: [{ steps: [{ cpu: "1us" }] }],
          },
        },
      ],
      extract: ([run]) => ({
        [`first-line.${g.key}`]: median(traceOf(run as RunResult).tasks.map((t) => t.start - t.arrival)),
      }),
    }),
  ),
  gaps: [],
};

// ------------------------------------------------------------------ the loop's code after a long step

const GLUE_STEPS = [
  { key: "0.1ms", ns: 100_000, n: 100 },
  { key: "1ms", ns: 1_000_000, n: 100 },
  { key: "3ms", ns: 3_000_000, n: 60 },
] as const;

const glueAfterStep: Experiment = {
  id: "glue-after-step",
  title: "The event loop's code after a long step",
  description:
    "Tasks gathered into an event loop run back to back, each one burst of pure Python of S (0.1, 1 or 3 ms; 100, 100 and 60 tasks), timed by the clock. Figure: the median gap between the end of one task's burst and the start of the next one's, which is only the loop's own code (the task's end, the next task's step). The simulation runs the same tasks as a batch into one loop, one pure-Python step of S each, and takes the same gaps.",
  informs:
    "machine.coldStart as it applies to the runtime's glue: code not run for S goes cold while the process runs other code, not only while it sleeps.",
  figures: GLUE_STEPS.map((g) => fig(`gap.${g.key}`, "ns", `gap between two tasks after ${g.key} steps`)),
  cases: GLUE_STEPS.map(
    (g): SimCase => ({
      figures: [`gap.${g.key}`],
      scenarios: (ctx) => [
        {
          ...base(ctx, `glue-after-step-${g.key}`),
          executor: { kind: "asyncio" },
          workload: { arrivals: { kind: "batch", count: g.n }, classes: [{ steps: [{ cpu: ns(g.ns) }] }] },
        },
      ],
      extract: ([run]) => {
        const steps = stepsOf(traceOf(run as RunResult), "cpu").sort((a, b) => a.start - b.start);
        return { [`gap.${g.key}`]: median(steps.slice(1).map((s, i) => s.start - (steps[i] as { end: number }).end)) };
      },
    }),
  ),
  gaps: [],
};

/** Every experiment, in the order mechanisms.py runs them. */
export const MECHANISMS: readonly Experiment[] = [
  gilThreads,
  gilRelease,
  gilStarvation,
  releaseSpeedup,
  asyncioCosts,
  asyncioBesideCpu,
  asyncioExecutor,
  threadPool,
  processRoundtrip,
  processStart,
  processMap,
  sockets,
  sleeps,
  idleArrival,
  glueAfterStep,
];

export const MECHANISM_IDS: readonly string[] = MECHANISMS.map((e) => e.id);

/** The experiment with this id, or undefined. */
export function mechanism(id: string): Experiment | undefined {
  return MECHANISMS.find((e) => e.id === id);
}

/** "gil-threads/slice.median.n2": how figures are named across experiments. */
export const figureId = (experiment: string, key: string): string => `${experiment}/${key}`;

/** Every format gap, by figure id, with what the format needs. */
export function formatGaps(): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of MECHANISMS) for (const g of e.gaps) for (const f of g.figures) out.set(figureId(e.id, f), g.need);
  return out;
}
