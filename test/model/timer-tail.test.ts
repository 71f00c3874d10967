import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { US } from "../../src/engine/time.js";
import { TAIL_ABOVE, timerTailFit, timerTailOf } from "../../src/real/runtime-map.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { cpuBatch, median, run } from "./helpers.js";

// machine.timerTail: when a timer (a sleep, the event loop's timeout, a closed client's think
// time) wakes its thread onto an idle CPU, in `share` of cases the thread runs later still, by an
// amount spread evenly on a log scale from min to max. Everything else is switched off here, so a
// task's latency moves by exactly that.

type Tail = { share: number; min?: string; max?: string };
const OFF: Tail = { share: 0 };
const QUIET = { idleWake: { max: 0, tau: "1ms" }, coldStart: { max: "0us", tau: "1ms", slowdown: 1 } } as const;

/** A sync program that sleeps 1 ms per request; requests 100 ms apart, so none waits for another. */
function sleeper(kind: "sync" | "asyncio", tail: Tail, count: number, seed = 3): ScenarioInput {
  return {
    seed,
    machine: { cores: 2, ...QUIET, timerTail: tail },
    runtime: { python: "3.12", timerSlack: 0, stepOverhead: 0 },
    executor: { kind },
    workload: { arrivals: { kind: "fixed", rate: "10/s", count }, classes: [{ steps: [{ io: "1ms" }] }] },
  };
}

const latencies = (input: ScenarioInput): number[] =>
  (run(input, { trace: true }).trace?.tasks ?? [])
    .slice()
    .sort((a, b) => a.id - b.id)
    .map((task) => task.end - task.arrival);

/** How much longer each task took with the tail than without it, in task order. */
function lateness(make: (tail: Tail) => ScenarioInput, tail: Tail): number[] {
  const off = latencies(make(OFF));
  const on = latencies(make(tail));
  expect(on.length).toBe(off.length);
  return on.map((x, i) => x - (off[i] as number));
}

describe("late timers (machine.timerTail)", () => {
  it("makes about `share` of sleeps late, each by an amount from min to max, spread evenly on a log scale", () => {
    const late: number[] = [];
    for (const seed of [3, 4, 5]) {
      const some = lateness((t) => sleeper("sync", t, 2000, seed), { share: 0.05, min: "200us", max: "1.8ms" }).filter(
        (x) => x !== 0,
      );
      // Binomial(2000, 0.05): mean 100, sd 9.7; 4.5 sd either way.
      expect(some.length).toBeGreaterThan(56);
      expect(some.length).toBeLessThan(144);
      late.push(...some);
    }
    // The rest are not late at all; the late ones lie in [min, max].
    for (const x of late) {
      expect(x).toBeGreaterThanOrEqual(200 * US);
      expect(x).toBeLessThanOrEqual(1800 * US);
    }
    // Log-uniform: the median is sqrt(min x max) = 600 us (about 300 draws: 4 sd of the median's
    // place on the log scale is 0.115 of it, so 463 to 777 us), where an even spread on a linear
    // scale would put it at 1 ms; and a third of the log range lies below 416 us (4 sd: 0.22 to 0.44).
    expect(median(late)).toBeGreaterThan(463 * US);
    expect(median(late)).toBeLessThan(777 * US);
    const low = late.filter((x) => x < 416 * US).length / late.length;
    expect(low).toBeGreaterThan(0.22);
    expect(low).toBeLessThan(0.44);
  });

  it("applies to the event loop's timeout: with share 1 and min = max every asyncio sleep ends exactly that late", () => {
    const extra = lateness((t) => sleeper("asyncio", t, 50), { share: 1, min: "400us", max: "400us" });
    expect(new Set(extra)).toEqual(new Set([400 * US]));
  });

  it("applies to a closed client's think time: every request after a think comes that much later", () => {
    const closed = (tail: Tail): ScenarioInput => ({
      seed: 1,
      machine: { cores: 2, ...QUIET, timerTail: tail },
      runtime: { python: "3.12", timerSlack: 0, stepOverhead: 0 },
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "closed", clients: 1, think: "10ms", count: 20 },
        classes: [{ steps: [{ cpu: "1ms" }] }],
      },
    });
    const extra = lateness(closed, { share: 1, min: "300us", max: "300us" });
    expect(new Set(extra)).toEqual(new Set([300 * US]));
  });

  it("leaves a timer that fires while every CPU is busy alone: its thread queues for a CPU that is not halted", () => {
    // One CPU, kept busy by a background thread (GIL released, so only the CPU is shared).
    const busy = (tail: Tail): ScenarioInput => ({
      ...sleeper("sync", tail, 20),
      machine: { cores: 1, ...QUIET, timerTail: tail },
      background: [{ name: "busy", steps: [{ repeat: "forever", steps: [{ cpu: "100ms", gil: "release" }] }] }],
      run: { until: "2.5s" },
    });
    const extra = lateness(busy, { share: 1, min: "1ms", max: "1ms" });
    expect(extra.length).toBeGreaterThan(15);
    expect(extra.every((x) => x === 0)).toBe(true);
    // The same sleeps with the CPU idle are all late.
    const idle = (tail: Tail): ScenarioInput => ({ ...busy(tail), background: [] });
    expect(new Set(lateness(idle, { share: 1, min: "1ms", max: "1ms" }))).toEqual(new Set([1000 * US]));
  });

  it("leaves wake-ups by another thread or process alone: pool hand-offs, a process pool's pipes, call_soon_threadsafe", () => {
    // No sleeps anywhere: every wake-up is a queue put, a pipe or a threadsafe post, never a timer.
    const noTimers = (executor: ScenarioInput["executor"]) => (share: number) =>
      run(
        {
          seed: 4,
          machine: { cores: 2, timerTail: { share, min: "1ms", max: "1ms" } },
          runtime: { python: "3.12" },
          executor,
          workload: {
            arrivals: { kind: "poisson", rate: "200/s", count: 60 },
            classes: [{ steps: [{ cpu: "300us" }, { offload: [{ cpu: "400us", gil: "release" }] }] }],
          },
        },
        { trace: true },
      );
    for (const executor of [
      { kind: "asyncio", offload: { kind: "threads", workers: 2 } },
      { kind: "asyncio", offload: { kind: "processes", workers: 2, startMethod: "fork" } },
    ] as const) {
      const at = noTimers(executor);
      expect(at(1).trace?.tasks).toEqual(at(0).trace?.tasks);
    }
    const pool = (share: number) =>
      run(
        {
          seed: 4,
          machine: { cores: 2, timerTail: { share, min: "1ms", max: "1ms" } },
          runtime: { python: "3.12" },
          executor: { kind: "threads", workers: 2 },
          workload: {
            arrivals: { kind: "poisson", rate: "200/s", count: 60 },
            classes: [{ steps: [{ cpu: "700us" }] }],
          },
        },
        { trace: true },
      );
    expect(pool(1).trace?.tasks).toEqual(pool(0).trace?.tasks);
  });

  it("does not touch the GIL's timed wait: CPU-bound threads switch exactly as without it", () => {
    const input = cpuBatch(4, "30ms", { cores: 4 });
    const at = (share: number) =>
      run({ ...input, machine: { ...input.machine, timerTail: { share, min: "1ms", max: "1ms" } } }, { trace: true });
    const on = at(1);
    const off = at(0);
    expect(on.metrics.gil[0]?.forced).toBeGreaterThan(10);
    expect(on.metrics).toEqual(off.metrics);
    expect(on.trace?.intervals).toEqual(off.trace?.intervals);
  });

  it("keeps every late amount inside [min, max] for any tail and seed", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 1e6 }),
        (share, minUs, ratio, seed) => {
          // At most 40 ms late, with requests 100 ms apart: no request waits for another.
          const tail = { share, min: `${minUs}us`, max: `${minUs * ratio}us` };
          for (const x of lateness((t) => sleeper("sync", t, 40, seed), tail)) {
            if (x === 0) continue;
            expect(x).toBeGreaterThanOrEqual(minUs * US - 1);
            expect(x).toBeLessThanOrEqual(minUs * ratio * US + 1);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("is recovered by the calibration's fit from simulated time.sleep(1 ms) calls", () => {
    // 6000 sleeps with 3% late from 200 us to 1.5 ms: each call's overshoot, as timer-tail records it.
    const input = sleeper("sync", { share: 0.03, min: "200us", max: "1.5ms" }, 6000, 11);
    const overshoot = latencies(input).map((x) => x - 1_000_000);
    const t = timerTailOf(overshoot);
    expect(t).not.toBeNull();
    // Binomial(6000, 0.03): mean 180, sd 13.2; 4.5 sd either way.
    expect(t?.share).toBeGreaterThan((180 - 60) / 6000);
    expect(t?.share).toBeLessThan((180 + 60) / 6000);
    const fit = timerTailFit(t?.gm ?? 0);
    expect(fit.min).toBe(TAIL_ABOVE);
    // About 180 late calls: the log of the fitted max has an sd near 0.087; 4 sd is x0.7 to x1.42.
    expect(fit.max).toBeGreaterThan(0.7 * 1500 * US);
    expect(fit.max).toBeLessThan(1.42 * 1500 * US);
  });
});
