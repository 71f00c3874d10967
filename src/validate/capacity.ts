import { MS, type Nanos, SECOND, US } from "../engine/time.js";
import { meanOf } from "../scenario/distribution.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";

/*
 * A scenario's capacity, estimated by hand from its mean demands: the throughput (tasks per
 * second) at which its busiest resource is saturated. The random scenarios use it to choose an
 * arrival rate that puts a stated load on the scenario (utilization = rate / capacity).
 *
 * It is an operational-law bound (each resource serves at most 1 / demand tasks per second), with
 * fixed costs written down here once, not a simulation: it must not change when the model changes,
 * so that a seed draws the same scenarios for as long as the generator's version stays the same.
 * The resources, for a machine of C cores:
 *
 * - the cores: C / (all CPU of a task, the GIL-holding and the GIL-releasing parts);
 * - the GIL of a process: 1 / (the CPU its threads run holding it);
 * - a thread that runs tasks one after another (sync's main thread, an event loop's thread, a pool
 *   worker): workers / (the wall time a task keeps it busy);
 * - a concurrency limit c: c / (the latency of a task with no queueing), by Little's law.
 */

/** The fixed costs the estimate adds to a task's own steps (rough figures for a 2020s x86 machine). */
export const CAPACITY_COSTS = {
  /** GIL-held CPU per task in the submitting thread of a thread or process pool (submit, future, callback). */
  dispatch: 25 * US,
  /** GIL-held CPU on the event loop per task (create_task, the first step) and per await (a resume). */
  loopTask: 20 * US,
  loopAwait: 10 * US,
  /** asyncio.sleep is a timer that epoll rounds up to the millisecond: on average half of one more. */
  timerRounding: MS / 2,
  /** An offload to a thread pool: GIL-held CPU on the loop, and the hand-off's wall time. */
  offloadCpu: 40 * US,
  offloadWall: 30 * US,
  /** GIL-held CPU at the entry and the exit of a C call that releases the GIL (each). */
  releaseEdge: 5 * US,
  /** A process-pool call: CPU on each side (pickling and the pipe) and the round trip's wall time. */
  ipcCpu: 60 * US,
  ipcCpuPerByte: 1.4,
  ipcWall: 250 * US,
  ipcWallPerByte: 2.7,
} as const;

/** What one task asks of each resource, in ns (means over the distributions and the class mix). */
export interface Demand {
  /** Steps run by the thread that takes the task (sync's main thread, the loop, a pool worker). */
  gil: number;
  release: number;
  block: number;
  io: number;
  /** Awaited io steps (asyncio: each is a timer and a resume). */
  ioSteps: number;
  /** Steps inside offloads (asyncio only). */
  offGil: number;
  offRelease: number;
  offWait: number;
  offloads: number;
  /** Bytes pickled each way per process-pool call. */
  payload: number;
}

export interface CapacityEstimate {
  /** Tasks per second at which the busiest resource saturates. */
  perSecond: number;
  /** Which resource that is: "cores", "gil", "workers", "loop", "pool", "dispatcher", "concurrency". */
  bottleneck: string;
  /** A task's latency with no queueing at all, in ns. */
  latency: Nanos;
  demand: Demand;
}

const zero = (): Demand => ({
  gil: 0,
  release: 0,
  block: 0,
  io: 0,
  ioSteps: 0,
  offGil: 0,
  offRelease: 0,
  offWait: 0,
  offloads: 0,
  payload: 0,
});

function addSteps(d: Demand, steps: readonly Step[], times: number, inOffload: boolean): void {
  for (const s of steps) {
    switch (s.kind) {
      case "cpu": {
        const ns = meanOf(s.duration) * times;
        const edges = s.gil === "release" ? 2 * CAPACITY_COSTS.releaseEdge * times : 0;
        if (inOffload) {
          if (s.gil === "release") d.offRelease += ns;
          else d.offGil += ns;
          d.offGil += edges;
        } else {
          if (s.gil === "release") d.release += ns;
          else d.gil += ns;
          d.gil += edges;
        }
        break;
      }
      case "io":
      case "block":
        if (inOffload) d.offWait += meanOf(s.duration) * times;
        else if (s.kind === "io") {
          d.io += meanOf(s.duration) * times;
          d.ioSteps += times;
        } else d.block += meanOf(s.duration) * times;
        break;
      case "offload":
        d.offloads += times;
        addSteps(d, s.steps, times, true);
        break;
      case "repeat":
        addSteps(d, s.steps, times * (s.times === "forever" ? 1 : s.times), inOffload);
        break;
    }
  }
}

/** A task's mean demands, over the class mix. */
export function demandOf(s: Scenario): Demand {
  const total = s.workload.classes.reduce((a, c) => a + c.weight, 0);
  const d = zero();
  for (const c of s.workload.classes) {
    const one = zero();
    addSteps(one, c.steps, 1, false);
    one.payload = c.payload;
    const w = c.weight / total;
    for (const key of Object.keys(d) as (keyof Demand)[]) d[key] += w * one[key];
  }
  return d;
}

/** The estimated capacity of a scenario: see the comment at the top of this file. */
export function estimateCapacity(s: Scenario): CapacityEstimate {
  const k = CAPACITY_COSTS;
  const d = demandOf(s);
  const cores = s.machine.cores;
  const ipcCpu = k.ipcCpu + k.ipcCpuPerByte * d.payload;
  const ipcWall = k.ipcWall + k.ipcWallPerByte * d.payload;
  const own = d.gil + d.release + d.block + d.io;
  const bounds: [string, number][] = [];
  let latency = own;
  const e = s.executor;
  if (e.kind === "sync") {
    bounds.push(["loop", own]);
  } else if (e.kind === "threads") {
    bounds.push(
      ["workers", own / e.workers],
      ["gil", d.gil + k.dispatch],
      ["cores", (d.gil + d.release + k.dispatch) / cores],
    );
  } else if (e.kind === "processes") {
    latency = own + ipcWall;
    bounds.push(
      ["workers", (own + ipcWall) / e.workers],
      ["dispatcher", ipcCpu + k.dispatch],
      ["cores", (d.gil + d.release + 2 * ipcCpu + k.dispatch) / cores],
    );
  } else {
    const loopCpu = k.loopTask + k.loopAwait * (d.ioSteps + d.offloads);
    latency = own + d.ioSteps * k.timerRounding;
    const pool = e.offload;
    if (pool === null || d.offloads === 0) {
      bounds.push(["loop", d.gil + d.release + d.block + loopCpu], ["cores", (d.gil + d.release + loopCpu) / cores]);
    } else if (pool.kind === "threads") {
      const offWall = d.offGil + d.offRelease + d.offWait + d.offloads * k.offloadWall;
      latency += offWall;
      const loop = d.gil + d.release + d.block + loopCpu + d.offloads * k.offloadCpu;
      bounds.push(
        ["loop", loop],
        ["pool", offWall / pool.workers],
        ["gil", d.gil + loopCpu + d.offloads * k.offloadCpu + d.offGil],
        ["cores", (d.gil + d.release + loopCpu + d.offloads * k.offloadCpu + d.offGil + d.offRelease) / cores],
      );
    } else {
      const offWall = d.offGil + d.offRelease + d.offWait + d.offloads * ipcWall;
      latency += offWall;
      bounds.push(
        ["loop", d.gil + d.release + d.block + loopCpu + d.offloads * ipcCpu],
        ["pool", offWall / pool.workers],
        ["cores", (d.gil + d.release + loopCpu + d.offGil + d.offRelease + 2 * d.offloads * ipcCpu) / cores],
      );
    }
  }
  const limit = s.workload.concurrency;
  if (limit !== null) bounds.push(["concurrency", latency / limit]);
  let worst: [string, number] = ["none", 0];
  for (const b of bounds) if (b[1] > worst[1]) worst = b;
  return {
    perSecond: worst[1] > 0 ? SECOND / worst[1] : Number.POSITIVE_INFINITY,
    bottleneck: worst[0],
    latency,
    demand: d,
  };
}
