import { type Nanos, SECOND } from "../engine/time.js";
import type { Recorder } from "../model/recorder.js";
import type { Runtime } from "../model/runtime.js";
import { THREAD_STATES, type ThreadState } from "../trace/types.js";
import { LatencySketch } from "./sketch.js";
import type { GilStats, LoopStats, Metrics, ThreadUsage } from "./types.js";

/** What collectMetrics needs besides the recorder: per-process GIL counters and per-core busy time. */
export interface RunFacts {
  scenario: string;
  seed: number;
  warmup: Nanos;
  end: Nanos;
  cores: number;
  /** Busy ns per core inside the window, or null when unknown (then derived from thread CPU). */
  coreBusy: ArrayLike<number> | null;
  gil: { process: number; switches: number; forced: number; convoys: number }[];
  events: number;
}

/** The metrics of a finished simulation. */
export function collectMetrics(rt: Runtime, end: Nanos, seed: number): Metrics {
  const scenario = rt.world.scenario;
  return metricsFromRecorder(rt.recorder, {
    scenario: scenario.name,
    seed,
    warmup: scenario.run.warmup,
    end,
    cores: scenario.machine.cores,
    coreBusy: rt.machine.busy,
    gil: rt.processes
      .filter((p) => p.gil !== null)
      .map((p) => ({
        process: p.id,
        switches: p.gil?.switches ?? 0,
        forced: p.gil?.forced ?? 0,
        convoys: p.gil?.convoys ?? 0,
      })),
    events: rt.world.sim.eventsProcessed,
  });
}

/** Metrics from what a recorder observed (the simulator's, or one replayed from a real trace). */
export function metricsFromRecorder(r: Recorder, f: RunFacts): Metrics {
  const window = Math.max(0, f.end - f.warmup);
  const share = (ns: number): number => (window > 0 ? ns / window : 0);
  const threads: ThreadUsage[] = r.threads.map((t) => {
    const s = {} as Record<ThreadState, number>;
    let cpu = 0;
    THREAD_STATES.forEach((state, k) => {
      const ns = r.stateTotals[t.id * 6 + k] ?? 0;
      s[state] = share(ns);
      if (state === "gil" || state === "nogil") cpu += ns;
    });
    return { ...t, share: s, cpu };
  });
  const gil: GilStats[] = f.gil.map((g) => {
    let waitNs = 0;
    let allNs = 0;
    for (const t of r.threads) {
      if (t.process !== g.process) continue;
      for (let k = 0; k < 6; k++) allNs += r.stateTotals[t.id * 6 + k] ?? 0;
      waitNs += r.stateTotals[t.id * 6 + 2] ?? 0;
    }
    return { ...g, waitShare: allNs > 0 ? waitNs / allNs : 0 };
  });
  const loops: LoopStats[] = [...r.iterationCount.keys()]
    .sort((a, b) => a - b)
    .map((process) => ({
      process,
      iterations: r.iterationCount.get(process) ?? 0,
      lag: (r.lag.get(process) ?? new LatencySketch()).summary(),
      lagSeries: r.lagSeries.get(process)?.points() ?? [],
    }));
  let coreUtilization: number[];
  if (f.coreBusy) coreUtilization = Array.from(f.coreBusy, (b) => share(b));
  else {
    const total = threads.reduce((a, t) => a + t.cpu, 0);
    coreUtilization = new Array<number>(f.cores).fill(share(total) / f.cores);
  }
  const latency = r.latency.summary();
  return {
    scenario: f.scenario,
    seed: f.seed,
    tasks: { arrived: r.arrived, completed: r.completed, measured: r.measured },
    makespan: r.lastEnd,
    throughput: window > 0 ? (r.measured * SECOND) / window : 0,
    latency,
    wait: r.wait.summary(),
    coreUtilization,
    threads,
    gil,
    loops,
    little: {
      meanInSystem: window > 0 ? r.areaUntil(f.end) / window : 0,
      arrivalRate: window > 0 ? (r.measuredArrivals * SECOND) / window : 0,
      meanLatency: latency.mean,
    },
    queue: r.queuePoints(),
    events: f.events,
  };
}
