import type { Nanos } from "../engine/time.js";

/**
 * What a thread is doing over an interval of time.
 * - gil: running Python with the GIL (on a core)
 * - nogil: running without the GIL (C code that released it, or a free-threaded build), on a core
 * - wait-gil: waiting for the GIL, asleep on its condition variable (no core)
 * - wait-core: runnable, waiting for a core (the OS run queue)
 * - io: blocked on IO or a sleep
 * - idle: nothing to do (a pool worker waiting for work, a loop with nothing scheduled)
 */
export const THREAD_STATES = ["gil", "nogil", "wait-gil", "wait-core", "io", "idle"] as const;
export type ThreadState = (typeof THREAD_STATES)[number];

export type ThreadRole = "main" | "loop" | "worker" | "process-worker" | "background" | "manager";

export interface ThreadInfo {
  /** Unique across the simulation, from 0. */
  id: number;
  /** Human name, e.g. "MainThread", "asyncio-loop", "ThreadPoolExecutor-0_3", "proc-2/MainThread". */
  name: string;
  /** The process (interpreter, GIL) it belongs to; 0 is the main process. */
  process: number;
  role: ThreadRole;
}

/** One state of one thread from start to end (end > start). */
export interface StateInterval {
  thread: number;
  state: ThreadState;
  start: Nanos;
  end: Nanos;
}

/**
 * Why the GIL left a holder:
 * - voluntary: it dropped the GIL to block (IO, sleep, a queue wait, select) or to run C code without it
 * - forced: a waiter's drop request after a whole switch interval with no switch
 * - exit: the thread finished
 * - end: the run ended while the thread still held it
 */
export type SwitchReason = "voluntary" | "forced" | "exit" | "end";

/** One uninterrupted hold of a process's GIL by one thread. */
export interface GilHold {
  process: number;
  thread: number;
  start: Nanos;
  end: Nanos;
  /** Why this hold ended. */
  reason: SwitchReason;
}

/** A point event worth marking on a timeline. */
export interface Marker {
  time: Nanos;
  thread: number;
  process: number;
  /**
   * forced-switch: the holder was made to drop the GIL;
   * drop-request: a waiter timed out and asked for the GIL;
   * convoy: a thread back from a GIL release found the GIL taken and had to wait for it.
   */
  kind: "forced-switch" | "drop-request" | "convoy";
}

export interface StepRecord {
  /**
   * spawn: a coroutine's child tasks, from create_task to the last await (their own steps have
   * records of their own); threads: threads started and joined (likewise); socket: one exchange
   * with a peer process, its demand the peer's CPU.
   */
  kind: "cpu" | "io" | "block" | "offload" | "spawn" | "threads" | "socket";
  /** For cpu steps: how it treats the GIL. */
  gil?: "python" | "release" | "hold";
  /** Thread that ran it. For an offload step: the thread whose coroutine awaited it (the loop's); the offloaded steps have records of their own, on the worker that ran them. */
  thread: number;
  start: Nanos;
  end: Nanos;
  /** The sampled duration the step asked for (CPU time or wait), before any slowdown. */
  demand: Nanos;
}

export interface TaskRecord {
  id: number;
  class: string;
  arrival: Nanos;
  /** When its first step began (after any queueing). */
  start: Nanos;
  end: Nanos;
  steps: StepRecord[];
}

export interface LoopIteration {
  process: number;
  thread: number;
  start: Nanos;
  end: Nanos;
  /** Callbacks run in this iteration. */
  callbacks: number;
}

/** Everything a run records. Intervals of each thread tile its lifetime without gaps or overlaps. */
export interface Trace {
  scenario: string;
  seed: number;
  /** Simulated time at which the run ended. */
  end: Nanos;
  cores: number;
  threads: ThreadInfo[];
  intervals: StateInterval[];
  gil: GilHold[];
  markers: Marker[];
  tasks: TaskRecord[];
  iterations: LoopIteration[];
}
