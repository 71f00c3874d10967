import type { Nanos } from "../engine/time.js";
import { Recorder } from "../model/recorder.js";
import type { Trace } from "../trace/types.js";
import { metricsFromRecorder } from "./collect.js";
import type { Metrics } from "./types.js";

/**
 * Metrics of a recorded trace (a real CPython run, or a simulated one), computed by replaying
 * it through the same recorder the simulator fills, so both sides are measured alike.
 */
export function metricsFromTrace(trace: Trace, options: { warmup: Nanos }): Metrics {
  const r = new Recorder(false, options.warmup);
  for (const t of trace.threads) r.thread(t);
  for (const i of trace.intervals) r.state({ id: i.thread }, i.state, i.start, i.end);
  // At one instant: arrivals, then ends of tasks that started earlier (a worker frees up), then
  // starts, then ends of tasks that start and end at that instant, as the simulator orders them.
  type Ev = { time: Nanos; rank: 0 | 1 | 2 | 3; task: Trace["tasks"][number] };
  const events: Ev[] = [];
  for (const task of trace.tasks) {
    events.push(
      { time: task.arrival, rank: 0, task },
      { time: task.start, rank: 2, task },
      { time: task.end, rank: task.start < task.end ? 1 : 3, task },
    );
  }
  events.sort((a, b) => a.time - b.time || a.rank - b.rank || a.task.id - b.task.id);
  for (const e of events) {
    if (e.rank === 0) r.taskArrived(e.time);
    else if (e.rank === 2) r.taskStarted(e.time);
    else r.taskEnded(e.time, e.task.id, e.task.class, e.task.arrival, e.task.start, null);
  }
  for (const it of trace.iterations) r.loopIteration(it.process, it.thread, it.start, it.end, it.callbacks);
  const processes = [...new Set(trace.threads.map((t) => t.process))].sort((a, b) => a - b);
  const gil = processes
    .filter((p) => trace.gil.some((h) => h.process === p))
    .map((process) => {
      const holds = trace.gil.filter((h) => h.process === process).sort((a, b) => a.start - b.start);
      let switches = 0;
      for (let i = 1; i < holds.length; i++)
        if ((holds[i] as (typeof holds)[0]).thread !== (holds[i - 1] as (typeof holds)[0]).thread) switches++;
      const mine = trace.markers.filter((m) => m.process === process);
      return {
        process,
        switches,
        forced: mine.filter((m) => m.kind === "forced-switch").length,
        convoys: mine.filter((m) => m.kind === "convoy").length,
      };
    });
  return metricsFromRecorder(r, {
    scenario: trace.scenario,
    seed: trace.seed,
    warmup: options.warmup,
    end: trace.end,
    cores: trace.cores,
    coreBusy: null,
    gil,
    events: 0,
  });
}
