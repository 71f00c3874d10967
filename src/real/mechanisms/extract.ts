import type { RunResult } from "../../model/simulate.js";
import type { GilHold, StepRecord, Trace } from "../../trace/types.js";
import { quantile } from "../fit.js";

/*
 * Figures from a simulated run, computed the way mechanisms.py computes them from real stamps.
 */

/** The run's trace; the mechanism scenarios always record one. */
export function traceOf(run: RunResult): Trace {
  if (!run.trace) throw new Error(`scenario ${run.scenario.name} ran without a trace`);
  return run.trace;
}

export const median = (xs: readonly number[]): number | null => (xs.length === 0 ? null : quantile(xs, 0.5));

/**
 * The GIL holds of `threads` in process 0 in time order, consecutive holds of one thread merged
 * (as mechanisms.py merges a thread's runs when no one else ran in between).
 */
export function mergedHolds(trace: Trace, threads: ReadonlySet<number>): GilHold[] {
  const holds: GilHold[] = [];
  for (const h of [...trace.gil].sort((a, b) => a.start - b.start)) {
    if (h.process !== 0 || !threads.has(h.thread)) continue;
    const last = holds[holds.length - 1];
    if (last && last.thread === h.thread) holds[holds.length - 1] = { ...last, end: h.end, reason: h.reason };
    else holds.push({ ...h });
  }
  return holds;
}

/** Ids of the threads with this role in process 0. */
export function threadsWithRole(trace: Trace, role: string): Set<number> {
  return new Set(trace.threads.filter((t) => t.role === role && t.process === 0).map((t) => t.id));
}

/**
 * gil-threads' figures from the holds of n CPU-bound threads: slice median and p90, hand-off gap
 * median, and the share of switches won by the thread displaced last; the first and last n holds
 * are left out, as in mechanisms.py.
 */
export function sliceFigures(holds: readonly GilHold[], n: number): Record<string, number | null> {
  const body = holds.slice(n, Math.max(n, holds.length - n));
  const slices = body.map((h) => h.end - h.start);
  const gaps: number[] = [];
  for (let i = n + 1; i < holds.length - n; i++) gaps.push((holds[i] as GilHold).start - (holds[i - 1] as GilHold).end);
  const out: Record<string, number | null> = {
    [`slice.median.n${n}`]: median(slices),
    [`slice.p90.n${n}`]: slices.length === 0 ? null : quantile(slices, 0.9),
    [`handoff.median.n${n}`]: median(gaps),
  };
  if (n >= 3) {
    let wins = 0;
    let all = 0;
    for (let i = n + 2; i < holds.length - n; i++) {
      all++;
      if ((holds[i] as GilHold).thread === (holds[i - 2] as GilHold).thread) wins++;
    }
    out[`winner.last.n${n}`] = all === 0 ? null : wins / all;
  }
  return out;
}

/** Every step record of the run's tasks, in task order. */
export function stepsOf(trace: Trace, kind?: StepRecord["kind"]): StepRecord[] {
  const out: StepRecord[] = [];
  for (const t of trace.tasks) for (const s of t.steps) if (kind === undefined || s.kind === kind) out.push(s);
  return out;
}

/** Whether another thread of `others` held the GIL at some time inside the step. */
export function lostDuring(step: StepRecord, holds: readonly GilHold[], others: ReadonlySet<number>): boolean {
  return holds.some((h) => others.has(h.thread) && h.process === 0 && h.start < step.end && h.end > step.start);
}

/** Task latencies (arrival to end), leaving out the first `skip` tasks by id. */
export function latencies(trace: Trace, skip = 0): number[] {
  return [...trace.tasks]
    .sort((a, b) => a.id - b.id)
    .slice(skip)
    .map((t) => t.end - t.arrival);
}

/** The time the last task ended. */
export function lastEnd(trace: Trace): number {
  return trace.tasks.reduce((m, t) => Math.max(m, t.end), 0);
}

/** The time the first task ended. */
export function firstEnd(trace: Trace): number {
  return trace.tasks.reduce((m, t) => Math.min(m, t.end), Number.POSITIVE_INFINITY);
}
