import { formatDuration, SECOND } from "../engine/time.js";
import { meanOf } from "../scenario/distribution.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";

/** Mean time per request, in ns, by what it holds: Python with the GIL, any CPU, or time in the loop's thread. */
interface Demand {
  /** CPU that holds the GIL (pure Python, at the runtime's slowdown, and C code that holds it). */
  gil: number;
  /** Every CPU step, GIL or not. */
  cpu: number;
  /** Time a step occupies its thread: CPU, blocking calls (an awaited io step does not). */
  thread: number;
}

const ZERO: Demand = { gil: 0, cpu: 0, thread: 0 };
const add = (a: Demand, b: Demand, k = 1): Demand => ({
  gil: a.gil + k * b.gil,
  cpu: a.cpu + k * b.cpu,
  thread: a.thread + k * b.thread,
});

interface Split {
  /** On the task's own thread (and, for spawned child tasks, the same loop). */
  inline: Demand;
  /** On an executor's workers. */
  offloaded: Demand;
  /** On threads the task starts itself: the task's process and GIL, not its thread. */
  started: Demand;
}

/** The mean demand of a list of steps, split by where it runs: inline, offloaded, or on threads it starts. */
function demandOf(steps: readonly Step[], slowdown: number): Split {
  let inline = ZERO;
  let offloaded = ZERO;
  let started = ZERO;
  for (const s of steps) {
    if (s.kind === "cpu") {
      const mean = meanOf(s.duration);
      const cpu = s.gil === "python" ? mean * slowdown : mean;
      inline = add(inline, { gil: s.gil === "release" ? 0 : cpu, cpu, thread: cpu });
    } else if (s.kind === "block") {
      inline = add(inline, { gil: 0, cpu: 0, thread: meanOf(s.duration) });
    } else if (s.kind === "offload") {
      const inner = demandOf(s.steps, slowdown);
      offloaded = add(offloaded, add(add(inner.inline, inner.offloaded), inner.started));
    } else if (s.kind === "repeat" || s.kind === "spawn") {
      // Child tasks (spawn) run on the same loop, in its thread, as the steps of a repeat do.
      const times = s.kind === "spawn" ? s.count : s.times === "forever" ? 0 : s.times;
      const inner = demandOf(s.steps, slowdown);
      inline = add(inline, inner.inline, times);
      offloaded = add(offloaded, inner.offloaded, times);
      started = add(started, inner.started, times);
    } else if (s.kind === "threads") {
      const inner = demandOf(s.steps, slowdown);
      started = add(started, add(inner.inline, inner.started), s.count);
      offloaded = add(offloaded, inner.offloaded, s.count);
    } else if (s.kind === "socket") {
      // The peer process's CPU: cores, but neither this GIL nor this thread (it waits in recv).
      inline = add(inline, { gil: 0, cpu: meanOf(s.peer), thread: 0 });
    }
  }
  return { inline, offloaded, started };
}

/** A resource a layout shares, and how much of it the load asks for. */
export interface Bottleneck {
  /** "GIL", "cores", "event loop". */
  resource: string;
  /** Demand over capacity: 1 is the whole resource; at or above 1 the queue grows without bound. */
  load: number;
  /** How the load was computed, in words: "500/s × 2ms of Python = 1.00 GIL". */
  text: string;
}

const rateText = (r: number): string => `${Number(r.toPrecision(4))}/s`;
const times = (x: number): string => x.toFixed(2);

/** A load on a GIL in words: "one whole GIL", "0.45 of one GIL", "1.60 GILs' worth". */
export function gilWords(load: number): string {
  if (Math.abs(load - 1) < 0.005) return "one whole GIL";
  return load < 1 ? `${times(load)} of one GIL` : `${times(load)} GILs' worth`;
}

/**
 * The shared resources of a scenario's layout and the load its arrivals put on each, from the
 * mean step costs alone (no queueing): each process's GIL (with the GIL on), each event loop's
 * thread, and the machine's cores. Background threads are left out. Null for arrivals without a
 * rate (a batch or closed clients).
 */
export function bottlenecks(scenario: Scenario): Bottleneck[] | null {
  const arrivals = scenario.workload.arrivals;
  if (arrivals.kind !== "poisson" && arrivals.kind !== "fixed") return null;
  const rate = arrivals.rate;
  const slowdown = scenario.runtime.pythonSlowdown;
  const classes = scenario.workload.classes;
  const weight = classes.reduce((a, c) => a + c.weight, 0) || 1;
  let inline = ZERO;
  let offloaded = ZERO;
  let started = ZERO;
  for (const c of classes) {
    const d = demandOf(c.steps, slowdown);
    inline = add(inline, d.inline, c.weight / weight);
    offloaded = add(offloaded, d.offloaded, c.weight / weight);
    started = add(started, d.started, c.weight / weight);
  }
  const all = add(add(inline, offloaded), started);
  const out: Bottleneck[] = [];
  const perSecond = (ns: number) => (rate * ns) / SECOND;
  const e = scenario.executor;
  const gil = scenario.runtime.gil;
  const python = (ns: number) => `${formatDuration(Math.round(ns))} of Python (GIL held)`;
  if (e.kind === "sync" || e.kind === "threads") {
    if (gil) {
      const load = perSecond(all.gil);
      out.push({ resource: "GIL", load, text: `${rateText(rate)} × ${python(all.gil)} = ${gilWords(load)}` });
    }
  } else if (e.kind === "processes") {
    if (gil) {
      const load = perSecond(all.gil) / e.workers;
      out.push({
        resource: "GIL",
        load,
        text: `${rateText(rate)} × ${python(all.gil)} over ${e.workers} processes = ${gilWords(load)} each`,
      });
    }
  } else {
    const loops = e.loops;
    const perLoop = rate / loops;
    const each = loops > 1 ? ` over ${loops} loops` : "";
    const loopLoad = (perLoop * inline.thread) / SECOND;
    out.push({
      resource: "event loop",
      load: loopLoad,
      text: `${rateText(rate)} × ${formatDuration(Math.round(inline.thread))} in the loop's thread${each} = ${times(loopLoad)} of each loop`,
    });
    if (gil) {
      // Threads offloaded to share the loop's GIL; a process pool has its own.
      // Threads a coroutine starts share it too.
      const sharesLoop = e.offload?.kind === "threads" && offloaded.gil > 0;
      const held = (sharesLoop ? inline.gil + offloaded.gil : inline.gil) + started.gil;
      const load = (perLoop * held) / SECOND;
      out.push({
        resource: "GIL",
        load,
        text: `${rateText(rate)} × ${python(held)}${sharesLoop ? " (loop and thread pool)" : " in the loop"}${each} = ${gilWords(load)}`,
      });
      if (e.offload?.kind === "processes" && offloaded.gil > 0) {
        const w = e.offload.workers * loops;
        const load = perSecond(offloaded.gil) / w;
        out.push({
          resource: "GIL",
          load,
          text: `${rateText(rate)} × ${python(offloaded.gil)} offloaded over ${w} pool processes = ${gilWords(load)} each`,
        });
      }
    }
  }
  const cores = scenario.machine.cores;
  const coreLoad = perSecond(all.cpu) / cores;
  out.push({
    resource: "cores",
    load: coreLoad,
    text: `${rateText(rate)} × ${formatDuration(Math.round(all.cpu))} of CPU on ${cores} core${cores === 1 ? "" : "s"} = ${times(coreLoad)} of the machine`,
  });
  return out;
}

/**
 * Why a layout misses, in words: the shared resources its load saturates ("one whole GIL"), or,
 * when none is, the busiest one. Null when the arrivals have no rate to reason from.
 */
export function whyMisses(scenario: Scenario): string | null {
  const list = bottlenecks(scenario);
  if (list === null || list.length === 0) return null;
  const full = list.filter((b) => b.load >= 1);
  if (full.length > 0) {
    const each = full.length === 1 ? "at or past the whole resource" : "each at or past the whole resource";
    return `${full.map((b) => b.text).join("; ")}: ${each}, so requests queue without bound whatever the size`;
  }
  const busiest = list.reduce((a, b) => (b.load > a.load ? b : a));
  return `no shared resource is saturated; the busiest: ${busiest.text}${busiest.load >= 0.7 ? ", so requests queue for it" : ""}`;
}
