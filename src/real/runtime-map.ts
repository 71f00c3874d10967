import { idleWakeExtra } from "../model/machine.js";
import { pipeWakeups } from "../model/process-pool.js";
import { POLL_COST } from "../model/profiles.js";
import { DEFAULT_IDLE_WAKE, DEFAULT_TIMER_TAIL } from "../scenario/schema.js";
import { mediansByX } from "./fit.js";
import type { MeasuredQuantity } from "./profile.js";

/*
 * From calibration measurements to runtime parameters (scenario syntax). Each parameter is what
 * the model would have to use for its own composition of costs to reproduce the measurement:
 *
 * - gilWinner: "fifo" when the first of three GIL waiters ran first in most trials (Linux: futex
 *   wake-ups are FIFO), "lifo" when the last did, else "random".
 * - gilWakeup: a forced switch in the model is drop -> gilWakeup -> take -> gilHandoff, so the
 *   measured hand-off gap minus the (unmeasurable apart) gilHandoff CPU.
 * - threadHandoff, submitCost: ThreadPoolExecutor.submit() to the idle worker running, and the call:
 *   the call measured back to back (executor-submit-hot) less runtime.submitReturn's default, or,
 *   in a profile measured before that was kept, the call after idle gaps (cold: the model's
 *   coldStart then charges it again).
 * - loopStepCost, loopIterationCost: the asyncio fit y(N) = iteration + N x step.
 * - threadsafeWakeup: call_soon_threadsafe() to the callback, minus the iteration and the step
 *   the model adds after the wake-up.
 * - ipcLatency: an OS wake-up of a blocked reader (the threading.Event wake-up).
 * - pipeWakeup: the same wake-up whole (a pipe's reader or writer sleeps only tens of microseconds
 *   between pieces of a long message, so the model adds almost no idle term to it).
 * - ipcBase, ipcBySize, ipcPerByte: the model's warm round trip is 2 x threadHandoff (submit to
 *   the manager thread, the manager to the call queue's feeder thread) + 4 x (ipcBase + the cost of
 *   the size) + 2 x ipcLatency, the caller's wake-up on the future, and the pipe's wake-ups of a
 *   long message each way (pipeWakeups). ipcBase comes from the empty round trip; the cost of each
 *   measured size goes through its median less those (ipcCurve), and ipcPerByte is the slope of
 *   the last piece. (A line fitted to all sizes was pulled by the 1 MiB point, which page faults
 *   make slow: it charged 64 KiB messages twice what they measure.)
 * - processStart: the first call of a new pool minus a warm round trip.
 * - forkCost: how much longer the first submit to a new fork pool blocks with 4 workers than with
 *   1, over 3 (it forks every worker in turn). (fork-call, os.fork's own time in that parent from
 *   its before-fork hook to its after-fork hook, is measured and kept, not mapped: docs/model.md,
 *   "Tried, not kept: the child from the end of os.fork".)
 * - timerSlack: how late time.sleep(1 ms) returns.
 * - threadStart: Thread.start().
 * - socketSend: a 64-byte sendall() over loopback TCP to a peer waiting in recv().
 * - socketRecv: recv() of a 64-byte message already there.
 * - socketWakeup: half of what that echo's round trip takes beyond the two sends and the peer's
 *   recv() of a message already there, less machine.idleWake's own share; left out (the default
 *   stays) when that comes out under 500 ns.
 * - slice (for machine.slice): how long a CPU-bound process runs before the OS switches to another
 *   on the same CPU; the scheduler's slice rounded to its tick (4 ms with HZ=250).
 * - coldStart (for machine.coldStart): how much later a request reaches an idle program's task
 *   after an idle of s than after the shortest idle measured, less what machine.idleWake adds
 *   between the two, fitted by least squares to max x (1 - exp(-(s / tau)^2)) (coldStartFit), gives
 *   tau; a unit of everyday Python right after a 20 ms sleep and at once after it give max (the
 *   extra time, cold less warm) and slowdown (the ratio, at least 1).
 * - timerTail (for machine.timerTail): the share of 2000 time.sleep(1 ms) calls that returned over
 *   TAIL_ABOVE later than the median call, and how much later: the log-uniform distribution from
 *   TAIL_ABOVE with the geometric mean of those excesses (timerTailFit; their median in a profile
 *   written before the geometric mean was kept).
 *
 * A p99 above TAIL_CAP x the median is capped there: such tails come from other work on the
 * machine preempting the experiment, not from CPython.
 */

export const TAIL_CAP = 10;
/** The share of trials in which the first (last) GIL waiter ran first for gilWinner "fifo" ("lifo"). */
export const ORDER_SHARE = 0.7;
/** The gilHandoff CPU the model keeps (its profile default): the hand-off gap is split around it. */
export const GIL_HANDOFF_NS = 2000;
const MIN_NS = 500;

type Lognormal = { dist: "lognormal"; median: string; p99: string };

/** A whole number of ns as a duration string, exact: "37.25us", "3.968913ms", "800ns". */
export function exactDuration(ns: number): string {
  const n = Math.max(0, Math.round(ns));
  if (n < 1000) return `${n}ns`;
  if (n < 1_000_000) return `${Number((n / 1000).toFixed(3))}us`;
  return `${Number((n / 1_000_000).toFixed(6))}ms`;
}

const dur = exactDuration;

function lognormal(median: number, p99: number): Lognormal {
  const m = Math.max(MIN_NS, median);
  const tail = Math.min(Math.max(p99, m), TAIL_CAP * m);
  return { dist: "lognormal", median: dur(m), p99: dur(tail) };
}

/** A measured quantity shifted down by `minus` ns (both quantiles). */
function shifted(q: MeasuredQuantity, minus: number): Lognormal {
  return lognormal(q.median - minus, q.p99 - minus);
}

/**
 * The largest payload in the round-trip fit: 1 MiB, the largest the calibration measures. (It
 * was 256 KiB while the model had no pipe pieces and the wake-ups of longer messages bent the
 * line; now they are taken off first.)
 */
export const FIT_MAX_BYTES = 1_048_576;

/**
 * The line through the first (smallest-size) median with the least-squares slope over the points
 * up to `maxX`: the round trip of an empty payload is measured directly, not extrapolated.
 */
export function throughFirst(points: readonly [number, number][], maxX: number): { intercept: number; slope: number } {
  const first = points[0];
  if (!first) return { intercept: Number.NaN, slope: Number.NaN };
  const [x0, y0] = first;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    if (x > maxX) continue;
    sxx += (x - x0) ** 2;
    sxy += (x - x0) * (y - y0);
  }
  return { intercept: y0 - (sxx === 0 ? 0 : (sxy / sxx) * x0), slope: sxx === 0 ? 0 : sxy / sxx };
}

/**
 * runtime.ipcBySize from round-trip medians by size (less the pipe's wake-ups), the first at 0
 * bytes: a message of each size costs each of its four pickling and copying sides a quarter of
 * its round trip's excess over the empty one. Costs never fall with size (a smaller median
 * further up is noise: the larger size keeps the cost below it), and perByte is the slope of the
 * last piece, for sizes past the largest (up to FIT_MAX_BYTES: larger ones are left out). Null
 * without a 0-byte median and a larger one.
 */
export function ipcCurve(
  medians: readonly [number, number][],
): { points: { size: number; cost: number }[]; perByte: number } | null {
  const [first, ...rest] = medians.filter(([x]) => x <= FIT_MAX_BYTES);
  if (first?.[0] !== 0 || rest.length === 0) return null;
  const points: { size: number; cost: number }[] = [];
  let cost = 0;
  for (const [size, y] of rest) {
    cost = Math.max(cost, Math.round((y - first[1]) / 4));
    points.push({ size, cost });
  }
  const last = points[points.length - 1] as { size: number; cost: number };
  const before = points[points.length - 2] ?? { size: 0, cost: 0 };
  const perByte = Math.round(((last.cost - before.cost) / (last.size - before.size)) * 1000) / 1000;
  return { points, perByte };
}

/**
 * ipcBySize and its ipcPerByte for a profile written before the cost by size was kept, from the
 * round-trip medians it keeps (process-roundtrip-<bytes>), less the pipe's wake-ups at its wake-up
 * median (none when `wakeups` is false: a profile from before the pipe's pieces were modelled runs
 * without them). Null when it keeps too few.
 */
export function ipcCurveOf(
  measured: Record<string, MeasuredQuantity>,
  wakeups: boolean,
): { ipcBySize: { size: number; cost: string }[]; ipcPerByte: number } | null {
  const curve = ipcCurve(lessPipeWakeups(keptRoundTrips(measured), wakeups ? (measured.wakeup?.median ?? 0) : 0));
  return curve && ipcRuntime(curve);
}

/** The round trips a profile keeps (process-roundtrip-<bytes>), as [bytes, median ns] by size. */
export function keptRoundTrips(measured: Record<string, MeasuredQuantity>): [number, number][] {
  const roundTrips: [number, number][] = [];
  for (const [name, q] of Object.entries(measured)) {
    const size = /^process-roundtrip-(\d+)$/.exec(name)?.[1];
    if (size !== undefined) roundTrips.push([Number(size), q.median]);
  }
  return roundTrips.sort((a, b) => a[0] - b[0]);
}

/** Round trips by size less the pipe's wake-ups of their messages, `wake` ns each, both ways. */
function lessPipeWakeups(medians: readonly [number, number][], wake: number): [number, number][] {
  return medians.map(([x, y]) => [x, y - 2 * pipeWakeups(x) * wake]);
}

/** A cost curve as runtime parameters (scenario syntax). */
function ipcRuntime(curve: NonNullable<ReturnType<typeof ipcCurve>>): {
  ipcBySize: { size: number; cost: string }[];
  ipcPerByte: number;
} {
  return { ipcBySize: curve.points.map((p) => ({ size: p.size, cost: dur(p.cost) })), ipcPerByte: curve.perByte };
}

export interface RuntimeMapping {
  /** Overrides of a scenario's runtime section. */
  runtime: Record<string, unknown>;
  /** Quantities derived on the way (the round-trip fit), to keep beside the raw ones. */
  derived: Record<string, MeasuredQuantity>;
  /** The OS time slice for machine.slice, or null when not measured. */
  slice: string | null;
  /** machine.coldStart fitted to the cold-start experiment, or null when not measured. */
  coldStart: { max: string; tau: string; slowdown: number } | null;
  /** machine.timerTail from the timer-tail experiment, or null when not measured. */
  timerTail: { share: number; min: string; max: string } | null;
}

/** A time.sleep(1 ms) call this much later than the median call is in the timer tail. */
export const TAIL_ABOVE = 200_000;
/** The late calls it takes to fit the tail's spread; with fewer, the default spread is kept. */
export const TAIL_FIT_MIN = 10;

/**
 * The timer-tail experiment's samples (how much later than 1 ms each sleep returned) split at
 * TAIL_ABOVE past their median: the share of calls beyond it, by how much they were beyond the
 * median, and the geometric mean of those excesses (timerTailFit's centre; 0 when none); null
 * without samples.
 */
export function timerTailOf(
  samples: readonly number[],
): { share: number; n: number; excess: number[]; gm: number } | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const excess = sorted.filter((x) => x - median > TAIL_ABOVE).map((x) => x - median);
  const gm = excess.length === 0 ? 0 : Math.exp(excess.reduce((s, x) => s + Math.log(x), 0) / excess.length);
  return { share: excess.length / samples.length, n: samples.length, excess, gm };
}

/**
 * The log-uniform distribution from TAIL_ABOVE (where the late calls were cut off) with this
 * centre: its geometric mean (and its median) is sqrt(min x max), so max = centre^2 / TAIL_ABOVE.
 * The geometric mean uses every late call, where a p99 of the few dozen a calibration sees is one
 * sample; the measured tail is heavier than log-uniform, so the fitted max sits below the largest
 * calls while the mean extra comes out close (docs/model.md, "Late timers").
 */
export function timerTailFit(centre: number): { min: number; max: number } {
  const m = Math.max(centre, TAIL_ABOVE);
  return { min: TAIL_ABOVE, max: Math.round((m * m) / TAIL_ABOVE) };
}

/** The tau grid of the cold-start fit: 0.5 to 30 ms in steps of 2%. */
const TAU_GRID = Array.from({ length: Math.ceil(Math.log(60) / Math.log(1.02)) + 1 }, (_, i) => 500_000 * 1.02 ** i);

/**
 * machine.coldStart from the medians of the cold-start experiment by idle gap ([gap ns, median ns]):
 * each gap's delay over the shortest gap's, less the idle wake term's growth between them, fitted
 * by least squares to max x (1 - exp(-(gap / tau)^2)) (for each tau on a grid, the best max in
 * closed form; max at least 0). Null with fewer than three gaps.
 */
export function coldStartFit(byGap: readonly [number, number][]): { max: number; tau: number } | null {
  if (byGap.length < 3) return null;
  const sorted = [...byGap].sort((a, b) => a[0] - b[0]);
  const [g0, y0] = sorted[0] as [number, number];
  const points = sorted.map(([g, y]): [number, number] => [
    g,
    y - y0 - (idleWakeExtra(DEFAULT_IDLE_WAKE, g) - idleWakeExtra(DEFAULT_IDLE_WAKE, g0)),
  ]);
  let best = { max: 0, tau: TAU_GRID[0] as number, sse: Number.POSITIVE_INFINITY };
  for (const tau of TAU_GRID) {
    const f = (g: number) => 1 - Math.exp(-((g / tau) ** 2)) - (1 - Math.exp(-((g0 / tau) ** 2)));
    let fy = 0;
    let ff = 0;
    for (const [g, y] of points) {
      fy += f(g) * y;
      ff += f(g) * f(g);
    }
    const max = ff > 0 ? Math.max(0, fy / ff) : 0;
    let sse = 0;
    for (const [g, y] of points) sse += (y - max * f(g)) ** 2;
    if (sse < best.sse) best = { max, tau, sse };
  }
  return { max: Math.round(best.max), tau: Math.round(best.tau) };
}

/**
 * The wake-up latency the model adds on top of a wake-up's own latency when the CPU woken onto
 * had been idle about `idle` ns (machine.idleWake at its defaults): the calibration experiments
 * wake threads after idle gaps of 0.1 to 10 ms (1 ms typical), so this is taken off what they
 * measure to leave each wake-up's own latency.
 */
export function defaultIdleExtra(idle: number): number {
  return idleWakeExtra(DEFAULT_IDLE_WAKE, idle);
}
const TYPICAL_GAP = 1_000_000;
/** runtime.submitReturn's default (every version): the part of submit() after the put. */
export const SUBMIT_RETURN_NS = 3000;

/** A measured wake-up latency less the idle part the model adds itself (at least 1 µs). */
function ownWake(q: MeasuredQuantity, idle = TYPICAL_GAP): Lognormal {
  return shifted(q, Math.min(defaultIdleExtra(idle), q.median - 1000));
}

/** Maps measurements (by the names `measurements()` gives) to runtime parameters; missing ones are left out. */
export function runtimeFromMeasurements(
  m: Record<string, MeasuredQuantity>,
  roundTrips: readonly [number, number][],
): RuntimeMapping {
  const runtime: Record<string, unknown> = {};
  const derived: Record<string, MeasuredQuantity> = {};
  const first = m["gil-order-first"];
  const last = m["gil-order-last"];
  if (first && last)
    runtime.gilWinner = first.median >= ORDER_SHARE ? "fifo" : last.median >= ORDER_SHARE ? "lifo" : "random";
  const gap = m["gil-handoff"];
  // The hand-off experiment runs at a 1 ms interval: the waiter's CPU was idle about half of it.
  if (gap)
    runtime.gilWakeup = shifted(
      gap,
      GIL_HANDOFF_NS + Math.max(0, Math.min(defaultIdleExtra(TYPICAL_GAP / 2), gap.median - GIL_HANDOFF_NS - 1000)),
    );
  const handoff = m["executor-handoff"];
  if (handoff) runtime.threadHandoff = ownWake(handoff);
  const submit = m["executor-submit"];
  const hot = m["executor-submit-hot"];
  // Back to back, nothing in the call has gone cold: the model adds the cold start after an idle
  // itself (machine.coldStart), so a submit measured after idle gaps would be charged it twice.
  // The model's submit is submitCost, the put, then submitReturn.
  if (hot) runtime.submitCost = dur(Math.max(1000, hot.median - SUBMIT_RETURN_NS));
  else if (submit) runtime.submitCost = dur(submit.median);
  const step = m["asyncio-step"];
  const iteration = m["loop-iteration"];
  if (step) runtime.loopStepCost = dur(step.median);
  // The measured iteration includes its select(), which the model charges itself (POLL_COST).
  if (iteration) runtime.loopIterationCost = dur(Math.max(100, iteration.median - POLL_COST));
  const threadsafe = m["threadsafe-wakeup"];
  if (threadsafe)
    runtime.threadsafeWakeup = shifted(
      threadsafe,
      Math.min(
        (step?.median ?? 0) + (iteration?.median ?? 0) + defaultIdleExtra(TYPICAL_GAP),
        threadsafe.median - 1000,
      ),
    );
  const wake = m.wakeup;
  if (wake) {
    runtime.ipcLatency = ownWake(wake);
    runtime.pipeWakeup = lognormal(wake.median, wake.p99);
  }
  if (roundTrips.length > 0 && handoff && wake) {
    // The pipe's wake-ups, in both directions, come off; what is left is pickling and copying.
    const medians = lessPipeWakeups(mediansByX(roundTrips), wake.median);
    const fit = throughFirst(medians, FIT_MAX_BYTES);
    // Two thread hand-offs (submit to the manager, the manager to the call queue's feeder) and
    // three wake-ups (the worker's read, the manager's read, the caller's future) are not pickling.
    const fixed = fit.intercept - 2 * handoff.median - 3 * wake.median;
    runtime.ipcBase = dur(Math.max(1000, fixed / 4));
    // The cost by size goes through the medians; past the largest, the slope of the last piece.
    const curve = ipcCurve(medians);
    if (curve) Object.assign(runtime, ipcRuntime(curve));
    else {
      // A negative slope (noisy round trips, or wake-ups measured long) is clamped to 0; the
      // derived quantity below keeps the fitted value, so the profile shows it.
      runtime.ipcPerByte = Math.max(0, Math.round((fit.slope / 4) * 1000) / 1000);
    }
    derived["process-roundtrip-fit"] = {
      median: Math.round(fit.intercept),
      p99: Math.round(fit.intercept),
      n: medians.length,
      unit: "ns",
      note: "round trip with an empty payload (median)",
    };
    derived["process-roundtrip-per-byte"] = {
      median: Math.round(fit.slope * 1000) / 1000,
      p99: Math.round(fit.slope * 1000) / 1000,
      n: medians.length,
      unit: "ns/byte",
      note: `round trip per byte of payload (both ways), least squares on the medians up to ${FIT_MAX_BYTES} bytes less the pipe wake-ups`,
    };
    const start = m["process-start"];
    const warm = medians[0]?.[1];
    if (start && warm !== undefined) runtime.processStart = shifted(start, warm);
  }
  {
    const one = m["process-fork-1"];
    const four = m["process-fork-4"];
    if (one && four) runtime.forkCost = dur(Math.max(0, (four.median - one.median) / 3));
  }
  const slack = m["sleep-overshoot"];
  // time.sleep(1 ms) returns the timer slack plus the wake-up from a 1 ms idle late. (Its
  // program is cold after the idle too, but runs almost no code before the next sleep: the cold
  // start's extra CPU, charged to the work done after a wake-up, hardly shows in it.)
  if (slack) runtime.timerSlack = dur(Math.max(1000, slack.median - defaultIdleExtra(1_000_000)));
  const threadStart = m["thread-start"];
  if (threadStart) runtime.threadStart = dur(threadStart.median);
  const socketSend = m["socket-send"];
  if (socketSend) runtime.socketSend = dur(socketSend.median);
  const socketTrip = m["socket-roundtrip"];
  const socketReady = m["socket-recv-ready"];
  if (socketReady) runtime.socketRecv = dur(socketReady.median);
  if (socketSend && socketTrip && socketReady) {
    // The model's echo: send, a wake-up, the peer's recv and send, a wake-up. The peer's recv is
    // the ready one; this end's wake-up includes its own recv returning. Less what machine.idleWake
    // adds to each wake-up itself (the reader's CPU idle about a round trip). When the peer's turn
    // overlapped the send (the sum comes out below MIN_NS), the arithmetic does not hold: the
    // default stays.
    const wake =
      (socketTrip.median - 2 * socketSend.median - socketReady.median) / 2 - defaultIdleExtra(socketTrip.median);
    if (wake >= MIN_NS) runtime.socketWakeup = dur(wake);
  }
  const osSlice = m["os-slice"];
  const byGap: [number, number][] = [];
  for (const [name, q] of Object.entries(m)) {
    const gap = /^cold-start-(\d+)$/.exec(name)?.[1];
    if (gap !== undefined) byGap.push([Number(gap), q.median]);
  }
  const fitted = coldStartFit(byGap);
  const coldKernel = m["cold-kernel"];
  const warmKernel = m["warm-kernel"];
  // The debt is the extra CPU a unit of Python pays right after a 20 ms idle (cold less warm, a
  // time long past tau): what the model charges, measured as such. The pipe-to-task path gives
  // the curve's shape (tau); its own growth is kept beside it for reference.
  const cold =
    fitted && coldKernel && warmKernel && warmKernel.median > 0
      ? {
          max: Math.max(0, Math.round(coldKernel.median - warmKernel.median)),
          tau: fitted.tau,
          slowdown: Math.max(1, Math.round((coldKernel.median / warmKernel.median) * 100) / 100),
        }
      : null;
  if (fitted) {
    const edge = fitted.tau <= (TAU_GRID[0] as number) * 1.001 || fitted.tau >= (TAU_GRID.at(-1) as number) * 0.999;
    derived["cold-start-fit"] = {
      median: fitted.max,
      p99: fitted.max,
      n: byGap.length,
      unit: "ns",
      note: `growth of the pipe-to-task path after a long idle beyond the idle wake term, fitted with tau ${dur(fitted.tau)}${edge ? " (at the edge of the fit's range: poorly determined)" : ""}`,
    };
  }
  const lateShare = m["timer-tail-share"];
  const centre = m["timer-tail-gm"] ?? m["timer-tail"];
  let timerTail: RuntimeMapping["timerTail"] = null;
  if (lateShare) {
    // Fewer than TAIL_FIT_MIN late calls (a short calibration) fix no spread: the default's.
    const fit =
      centre && centre.n >= TAIL_FIT_MIN
        ? timerTailFit(centre.median)
        : { min: DEFAULT_TIMER_TAIL.min, max: DEFAULT_TIMER_TAIL.max };
    // With no late call the share is 0 (and there is no centre).
    timerTail = { share: lateShare.median, min: dur(fit.min), max: dur(fit.max) };
  }
  return {
    runtime,
    derived,
    slice: osSlice ? dur(osSlice.median) : null,
    coldStart: cold ? { max: dur(cold.max), tau: dur(cold.tau), slowdown: cold.slowdown } : null,
    timerTail,
  };
}
