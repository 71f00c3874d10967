import type { Nanos } from "../engine/time.js";
import type { ThreadInfo, ThreadState } from "../trace/types.js";

/** Latency quantiles in nanoseconds. */
export interface Quantiles {
  count: number;
  mean: Nanos;
  p50: Nanos;
  p90: Nanos;
  p95: Nanos;
  p99: Nanos;
  max: Nanos;
}

/**
 * Share of the measured window each thread spent in each state: the shares add up to 1, or less
 * for a thread that started (a pool's worker is created on first use) or ended inside the window.
 */
export interface ThreadUsage extends ThreadInfo {
  share: Record<ThreadState, number>;
  /** CPU it used, in nanoseconds (gil + nogil). */
  cpu: Nanos;
}

export interface GilStats {
  process: number;
  /** Hand-offs of the GIL from one thread to another. */
  switches: number;
  /** Drops forced by a waiter's drop request. */
  forced: number;
  /** Threads that came back from a GIL release, found it taken and had to wait (bpo-7946). */
  convoys: number;
  /** Share of all thread time in this process spent waiting for the GIL. */
  waitShare: number;
}

export interface LoopStats {
  process: number;
  iterations: number;
  /** How late callbacks ran compared with when they became ready (loop lag), in ns. */
  lag: Quantiles;
  /** The worst loop lag in each time bucket (buckets widen so a series stays under 2,048 points). */
  lagSeries: { time: Nanos; lag: Nanos }[];
}

/** Tasks waiting and running: the largest counts in each time bucket (buckets widen so a series stays under 2,048 points). */
export interface QueuePoint {
  time: Nanos;
  /** Tasks that arrived and have not started. */
  waiting: number;
  /** Tasks started and not finished. */
  running: number;
}

/** The metrics of one run. Times in nanoseconds; throughput in tasks per second. */
export interface Metrics {
  scenario: string;
  seed: number;
  tasks: { arrived: number; completed: number; measured: number };
  /** Time from 0 to the last task's end. */
  makespan: Nanos;
  /** Measured tasks per second of the measured window (warm-up removed). */
  throughput: number;
  /** From arrival to end. */
  latency: Quantiles;
  /** From arrival to the first step (queueing). */
  wait: Quantiles;
  /** Time each core was busy over the window, in [0, 1]. */
  coreUtilization: number[];
  threads: ThreadUsage[];
  gil: GilStats[];
  loops: LoopStats[];
  /** Mean number of tasks in the system over the window, and Little's law's other two sides. */
  little: { meanInSystem: number; arrivalRate: number; meanLatency: Nanos };
  queue: QueuePoint[];
  /** Events the engine handled. */
  events: number;
}
