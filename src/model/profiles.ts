import { MS, type Nanos, US } from "../engine/time.js";
import type { DistSpec } from "../scenario/distribution.js";

/** The Python builds gilsim has profiles for. A "t" suffix is a free-threaded build (PEP 703). */
export const PYTHON_VERSIONS = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.13t", "3.14t"] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];

export type GilWinner = "random" | "fifo" | "lifo";
export type StartMethod = "fork" | "forkserver" | "spawn";

/**
 * Every runtime parameter of the model, resolved. A version profile gives the defaults; a
 * scenario's `runtime` section overrides any of them. Costs are distributions in nanoseconds.
 */
export interface RuntimeParams {
  python: PythonVersion;
  /** True for free-threaded builds (3.13t, 3.14t). */
  freeThreadedBuild: boolean;
  /** Whether the GIL is enabled: on for normal builds; off by default on free-threaded builds (PYTHON_GIL=0). */
  gil: boolean;
  /** sys.setswitchinterval(): how long a waiter waits before it asks the holder to drop. Default 5 ms. */
  switchInterval: Nanos;
  /** Latency from a condition-variable signal to the woken waiter running (an OS wake-up). */
  gilWakeup: DistSpec;
  /** CPU the new holder spends after taking the GIL from another thread (cache refill, bookkeeping). */
  gilHandoff: DistSpec;
  /** Extra hand-off cost per other thread waiting for the same GIL. */
  gilHandoffPerWaiter: Nanos;
  /**
   * Which waiter a drop_gil signal wakes: a seeded random choice (default: the OS decides, and
   * MODEL.md models it so), FIFO or LIFO. On Linux with glibc, waiters mostly wake in the order they
   * began waiting: `gilsim calibrate` measures it and its machine profile then sets "fifo".
   */
  gilWinner: GilWinner;
  /** The share of hand-offs the thread displaced last wins when it waits (a recency bias on top of gilWinner); 0: none. */
  gilRecency: number;
  /**
   * The share of forced switches won by the waiter whose timed-out wait asked for the drop: it has
   * just gone back to wait and is still on its CPU when the holder signals, so it takes the signal
   * before a sleeping waiter wakes (glibc lets a waiter of the signalled group that has not yet
   * slept consume it). The race shows in the kernel's trace; the share is fitted to gil-threads'
   * winner.last (docs/model.md, section 4).
   */
  gilRequesterWins: number;
  /** CPU of a system call that does not block (select with a zero timeout), run with the GIL released. */
  syscallCost: Nanos;
  /**
   * CPU of a small send() on a loopback TCP socket to a peer waiting in recv(), run with the GIL
   * released: the kernel delivers the segment and wakes the peer in the sender's context, so the
   * call takes about ten times a plain system call, and a GIL waiter woken by the drop may take the
   * GIL meanwhile.
   */
  socketSend: DistSpec;
  /**
   * From a peer's send() returning to the reader's recv() returning, for a reader blocked on a
   * socket whose CPU went idle a moment before (machine.idleWake adds more after longer idles).
   */
  socketWakeup: DistSpec;
  /** CPU of a recv() that finds its message already there (a copy out of the socket), GIL released. */
  socketRecv: DistSpec;
  /** time.sleep(0) sleeps on a timer (clock_nanosleep, 3.11+: the timer slack) rather than returning at once (select, up to 3.10). */
  sleepZeroIsTimer: boolean;
  /** Factor on pure-Python CPU time with this build (1 on GIL builds; 3.13t about 1.4; 3.14t about 1.07). */
  pythonSlowdown: number;
  /** GIL-held CPU at entry and at exit of a C call that releases the GIL (each). */
  cCallEdge: DistSpec;
  /** CPU on the loop thread for each callback or task step that asyncio runs (GIL held). */
  loopStepCost: DistSpec;
  /** CPU on the loop thread for each _run_once iteration (selector poll bookkeeping, timers). */
  loopIterationCost: DistSpec;
  /** CPU of create_task on the loop thread (the Task object, its context, call_soon of its first step). */
  createTaskCost: DistSpec;
  /** CPU (GIL held) that executor.submit / run_in_executor costs the submitting thread before its work item is queued (and a worker woken). */
  submitCost: DistSpec;
  /** CPU (GIL held) of submit after the work item is queued (_adjust_thread_count, lock releases): the woken worker may find the GIL still held. */
  submitReturn: DistSpec;
  /**
   * CPU (GIL held) the main thread of a thread- or process-pool program spends per request besides
   * submit: reading the request and its accept loop's bookkeeping, before it blocks for the next.
   */
  acceptCost: DistSpec;
  /**
   * CPU (GIL held) the program spends on each step of a task besides the step itself: for the
   * real harness, timing and recording it (8.3 to 11.4 µs a step by version); in an application, the code
   * between its calls. Glue: it goes cold with the rest of the runtime (machine.coldStart).
   */
  stepOverhead: DistSpec;
  /** Latency from a submit to the idle worker thread waking up (queue.get wake-up). */
  threadHandoff: DistSpec;
  /** CPU to start a new worker thread (lazy creation in ThreadPoolExecutor). */
  threadStart: DistSpec;
  /** Latency of call_soon_threadsafe waking the loop's selector (self-pipe write). */
  threadsafeWakeup: DistSpec;
  /** Process pool: fixed CPU per task on each side (pickle, pipe write, unpickle), GIL held. */
  ipcBase: Nanos;
  /**
   * Process pool: CPU per byte of payload on each side, in nanoseconds per byte; with ipcBySize,
   * per byte beyond its largest size.
   */
  ipcPerByte: number;
  /**
   * Process pool: what pickling and copying a message of each measured size costs on each side
   * beyond ipcBase, GIL held, by size ascending; linear between sizes and from 0 at 0 bytes.
   * Empty: ipcPerByte for every byte. The cost is not linear in the size: below glibc's mmap
   * threshold (128 KiB) a message's buffers are reused memory, above it they are often fresh pages
   * that fault in one by one.
   */
  ipcBySize: readonly IpcPoint[];
  /** Process pool: latency of the pipe between processes (a wake-up), per direction. */
  ipcLatency: DistSpec;
  /**
   * Process pool: a wake-up of a pipe's writer or reader in the middle of a message longer than
   * the pipe (after a sleep of tens of microseconds). Two per further pipe-full.
   */
  pipeWakeup: DistSpec;
  /**
   * Process pool, fork: the submitting thread's CPU (GIL held) to fork one worker (os.fork copies
   * the parent's page tables: more for a bigger parent). The first submit forks them all in turn.
   */
  forkCost: DistSpec;
  /**
   * Process pool, fork: copy-on-write after the forks. The parent owes `share` x forkCost of extra
   * CPU (its first write to each page it shares with the children copies that page), paid by its
   * threads' next CPU work, which runs `slowdown` times slower until it is.
   */
  forkCow: { share: number; slowdown: number };
  /** Process pool start method. */
  startMethod: StartMethod;
  /** Start-up time of one worker process with that start method. */
  processStart: DistSpec;
  /** Start-up times measured per start method (a machine profile): the pool's own method is used. */
  processStartBy: Partial<Record<StartMethod, DistSpec>>;
  /** Timer slack: a sleep or a timed wait ends this much later than asked (Linux default 50 us). */
  timerSlack: Nanos;
  /** ThreadPoolExecutor max_workers default for a machine of `cores`. */
  defaultThreadWorkers: number;
  /** ProcessPoolExecutor max_workers default for a machine of `cores`. */
  defaultProcessWorkers: number;
}

const c = (value: Nanos): DistSpec => ({ dist: "constant", value });
const ln = (medianNs: Nanos, p99Ns: Nanos): DistSpec => ({
  dist: "lognormal",
  mu: Math.log(medianNs),
  sigma: Math.log(p99Ns / medianNs) / 2.3263478740408408,
});

/**
 * Start-up of one worker process, to its first task: fork copies the parent; spawn starts a new
 * interpreter and imports the main module; forkserver first starts its server the same way. The
 * medians of the mechanism suite (process-start) on a 2-core AMD EPYC virtual machine, with a
 * module of the standard library's size to import; a program importing more takes longer.
 */
const START: Record<StartMethod, DistSpec> = {
  fork: ln(10 * MS, 14 * MS),
  forkserver: ln(195 * MS, 240 * MS),
  spawn: ln(180 * MS, 230 * MS),
};

/** What the model charges for the loop's select() with a zero timeout: the default syscallCost. */
export const POLL_COST: Nanos = 1 * US;

interface LoopCosts {
  step: Nanos;
  iteration: Nanos;
  createTask: Nanos;
}

/**
 * asyncio's own CPU per callback step, per _run_once iteration and per create_task, by minor
 * version: the medians of the mechanism suite (data/mechanisms, experiment asyncio-costs) on a
 * 2-core AMD EPYC virtual machine, CPython built with GCC 12. 3.14 takes 3.13's.
 */
const LOOP_COSTS: Record<number, LoopCosts> = {
  9: { step: 5590, iteration: 3680, createTask: 5200 },
  10: { step: 5150, iteration: 3750, createTask: 8250 },
  11: { step: 3530, iteration: 2820, createTask: 5900 },
  12: { step: 3700, iteration: 2910, createTask: 2700 },
  13: { step: 3400, iteration: 2180, createTask: 3000 },
};

/**
 * What the real harness spends on each step besides the step, by minor version: 200 tasks of five
 * 5 µs pure-Python steps, run four times in a sync loop and four times in an event loop on a
 * 2-core AMD EPYC virtual machine (2026-11-30), the median over the eight runs of the gap between
 * two steps of a task plus a step's overrun (data/harness/step-overhead.json, written by
 * scripts/step-overhead.ts). The runs spread over up to 2x (the machine's speed drifts). 3.14
 * takes 3.13's.
 */
const STEP_OVERHEAD: Record<number, Nanos> = { 9: 11_400, 10: 11_330, 11: 8_690, 12: 8_290, 13: 9_420 };

/**
 * What the first submit to a new fork pool blocks the submitter per worker: 3.1 to 3.4 ms with one
 * worker, 7.4 to 14.4 ms with four (CPython 3.9, 3.11, 3.13, a small program, medians of 7 pools,
 * 2-core AMD EPYC VM, 2026-11-30): 1.4 to 3.8 ms more a worker, 2.3 on average. A machine profile
 * measures its own (calibrate's process-fork).
 */
const FORK_COST: Nanos = 2_300_000;

/**
 * Copy-on-write after a fork pool's forks (runtime.forkCow), measured by scripts/fork-cow.py on
 * the development VM (2026-12-02, 18:36 UTC, quiet; CPython 3.9 to 3.13, three runs each): an
 * event loop offloading to a thread pool spent 6.7 to 13.3 ms more CPU (median 11.7) in its first
 * batch of 50 tasks after forking a child, with about 200 more minor faults (a page copy costs
 * about 25 us on this VM), and the same program's forkCost was 16.8 to 24.6 ms: the debt is 0.34
 * to 0.74 of forkCost, median 0.57. Both grow with what page tables and faults cost, which moved
 * from day to day on the VM (forkCost 2.5 ms on 2026-11-29, 15 to 20 ms on 2026-12-01 and 12-02),
 * so the debt is kept as a share of forkCost. A batch of one task after the fork took 9.0 to 18.1
 * times its CPU before it (median 11.3): the first work after a fork pays most of it at once.
 * No version differs beyond the runs' spread.
 */
const FORK_COW = { share: 0.57, slowdown: 11.3 } as const;

/** The default process start-up time for a start method. */
export function processStartFor(method: StartMethod): DistSpec {
  return START[method];
}

/** One measured message size and its cost on each side beyond ipcBase (runtime.ipcBySize). */
export interface IpcPoint {
  size: number;
  cost: Nanos;
}

/**
 * The CPU to pickle (or unpickle) and copy a message of `bytes` on one side, beyond ipcBase:
 * interpolated on ipcBySize (from 0 at 0 bytes, or from a point at size 0, which sets the cost of
 * an empty message), and ipcPerByte for each byte past its largest size (or for every byte when
 * it is empty).
 */
export function ipcBytesCost(p: Pick<RuntimeParams, "ipcPerByte" | "ipcBySize">, bytes: number): Nanos {
  const points = p.ipcBySize;
  let lo = 0;
  let loCost = 0;
  for (const point of points) {
    if (bytes <= point.size) {
      const span = point.size - lo;
      return Math.round(span === 0 ? point.cost : loCost + ((point.cost - loCost) * (bytes - lo)) / span);
    }
    lo = point.size;
    loCost = point.cost;
  }
  return Math.round(loCost + p.ipcPerByte * (bytes - lo));
}

/** The version profile: every default of the runtime model, for a machine with `cores` cores. */
export function profile(python: PythonVersion, cores: number): RuntimeParams {
  const freeThreaded = python.endsWith("t");
  const minor = Number(python.replace(/t$/, "").split(".")[1]);
  const startMethod: StartMethod = minor >= 14 ? "forkserver" : "fork";
  const loop = LOOP_COSTS[Math.min(13, Math.max(9, minor))] as LoopCosts;
  return {
    python,
    freeThreadedBuild: freeThreaded,
    gil: !freeThreaded,
    switchInterval: 5 * MS,
    gilWakeup: ln(8 * US, 40 * US),
    gilHandoff: c(2 * US),
    gilHandoffPerWaiter: 300,
    gilWinner: "fifo",
    // FIFO, as glibc's condition variable wakes its older waiters first. A share for the thread
    // displaced last (0.35 matched the winner.last experiment of CPU-bound threads) put the
    // convoy scenario's worker behind the CPU-bound thread: p50 +139%, p95 +125% against CPython.
    gilRecency: 0,
    gilRequesterWins: 0.35,
    syscallCost: POLL_COST,
    // sendall() of 64 bytes to a peer process waiting in recv(), TCP over loopback, on the 2-core
    // VM of 2026-12-03: medians of 7.7 to 11.9 us from run to run, the same on CPython 3.9, 3.11
    // and 3.13 (kernel work).
    socketSend: c(10 * US),
    // The same echo's round trip less its two sends and the peer's recv() of a message already
    // there, halved: 2.1 to 2.3 us in the runs with 7.7 and 10.4 us sends.
    socketWakeup: c(2 * US),
    // recv() of a 64-byte message already there: 2.5 to 3.6 us (3.9, 3.11, 3.13, same VM and day).
    socketRecv: c(3 * US),
    sleepZeroIsTimer: minor >= 11,
    pythonSlowdown: python === "3.13t" ? 1.4 : python === "3.14t" ? 1.07 : 1,
    cCallEdge: c(1 * US),
    loopStepCost: c(loop.step),
    // The measured iteration includes its select(); the model charges that poll itself (a zero
    // timeout poll costs syscallCost, section 5 of docs/model.md), so it is taken off here.
    loopIterationCost: c(loop.iteration - POLL_COST),
    createTaskCost: c(loop.createTask),
    submitCost: c(8 * US),
    submitReturn: c(3 * US),
    acceptCost: c(10 * US),
    stepOverhead: c(STEP_OVERHEAD[Math.min(13, Math.max(9, minor))] as Nanos),
    threadHandoff: ln(12 * US, 60 * US),
    threadStart: c(80 * US),
    threadsafeWakeup: ln(15 * US, 60 * US),
    ipcBase: 60 * US,
    // The mechanism suite's round trips from 0 to 1 MiB (CPython 3.9 to 3.13), less the pipe's
    // wake-ups at the default pipeWakeup, fitted as calibration fits them: 0.32 to 0.51 ns a byte
    // per side, median 0.47.
    ipcPerByte: 0.47,
    ipcBySize: [],
    ipcLatency: ln(12 * US, 60 * US),
    pipeWakeup: ln(12 * US, 60 * US),
    forkCost: c(FORK_COST),
    forkCow: FORK_COW,
    startMethod,
    processStart: START[startMethod],
    processStartBy: {},
    timerSlack: 50 * US,
    defaultThreadWorkers: Math.min(32, cores + 4),
    defaultProcessWorkers: cores,
  };
}
