import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { US } from "../../src/engine/time.js";
import { coldStartExtra } from "../../src/model/machine.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { run } from "./helpers.js";

// machine.coldStart: a process that was idle for s owes max x (1 - exp(-(s / tau)^2)) of extra
// CPU, paid by its next CPU work, which runs `slowdown` times slower until it is paid.

const quietRuntime = {
  python: "3.12",
  ipcLatency: 0,
  acceptCost: 0,
  timerSlack: 0,
} as const;

/** A sync program that gets a request every `gapMs` (replayed arrivals), each `cpu` of work. */
function spaced(
  cpu: string,
  gapMs: number,
  coldStart: { max: string; tau: string; slowdown: number },
  count = 12,
): ScenarioInput {
  return {
    seed: 5,
    machine: { cores: 2, idleWake: { max: 0, tau: "1ms" }, coldStart },
    runtime: quietRuntime,
    executor: { kind: "sync" },
    workload: {
      arrivals: { kind: "replay", times: Array.from({ length: count }, (_, i) => (i + 1) * gapMs) },
      classes: [{ steps: [{ cpu }] }],
    },
  };
}

const latencies = (input: ScenarioInput): number[] =>
  (run(input, { trace: true }).trace?.tasks ?? [])
    .slice()
    .sort((a, b) => a.id - b.id)
    .map((t) => t.end - t.arrival);

describe("the cold start after an idle (machine.coldStart)", () => {
  it("follows max x (1 - exp(-(s / tau)^2)): nothing after no idle, max after idles much longer than tau", () => {
    const c = { max: 100 * US, tau: 1_000_000 };
    expect(coldStartExtra(c, 0)).toBe(0);
    expect(coldStartExtra(c, 1_000_000)).toBe(Math.round(100 * US * (1 - Math.exp(-1))));
    expect(coldStartExtra(c, 20_000_000)).toBe(100 * US);
    expect(coldStartExtra({ max: 0, tau: 1 }, 20_000_000)).toBe(0);
  });

  it("adds max to every request after a long idle when the request's CPU work can pay it", () => {
    const warm = latencies(spaced("1ms", 20, { max: "0us", tau: "1ms", slowdown: 3 }));
    const cold = latencies(spaced("1ms", 20, { max: "100us", tau: "1ms", slowdown: 3 }));
    expect(cold.length).toBe(12);
    for (let i = 0; i < cold.length; i++) expect((cold[i] as number) - (warm[i] as number)).toBe(100 * US);
  });

  it("charges no more than (slowdown - 1) x the work done: a 20 us request pays 40 us of a 100 us debt at slowdown 3", () => {
    const warm = latencies(spaced("20us", 20, { max: "0us", tau: "1ms", slowdown: 3 }));
    const cold = latencies(spaced("20us", 20, { max: "100us", tau: "1ms", slowdown: 3 }));
    for (let i = 0; i < cold.length; i++) expect((cold[i] as number) - (warm[i] as number)).toBe(40 * US);
  });

  it("charges nothing at slowdown 1, and nothing to a program that never idles (a batch)", () => {
    expect(latencies(spaced("1ms", 20, { max: "100us", tau: "1ms", slowdown: 1 }))).toEqual(
      latencies(spaced("1ms", 20, { max: "0us", tau: "1ms", slowdown: 1 })),
    );
    const batch = (max: string): ScenarioInput => ({
      ...spaced("1ms", 20, { max, tau: "1ms", slowdown: 3 }),
      workload: { arrivals: { kind: "batch", count: 12 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
    });
    expect(latencies(batch("100us"))).toEqual(latencies(batch("0us")));
  });

  it("grows with the idle: 0.5 ms of idle between requests costs about 22% of max, 3 ms nearly all of it", () => {
    const extra = (gap: number) => {
      const warm = latencies(spaced("1ms", gap, { max: "0us", tau: "1ms", slowdown: 3 }));
      const cold = latencies(spaced("1ms", gap, { max: "100us", tau: "1ms", slowdown: 3 }));
      return (cold[cold.length - 1] as number) - (warm[warm.length - 1] as number);
    };
    // The program is idle from one request's end to the next arrival: gap less the 1 ms of work
    // (and less the previous request's own extra).
    expect(extra(1.5)).toBeGreaterThan(coldStartExtra({ max: 100 * US, tau: 1_000_000 }, 0.4 * 1e6));
    expect(extra(1.5)).toBeLessThanOrEqual(coldStartExtra({ max: 100 * US, tau: 1_000_000 }, 0.5 * 1e6));
    expect(extra(4)).toBeGreaterThan(coldStartExtra({ max: 100 * US, tau: 1_000_000 }, 2.8 * 1e6));
    expect(extra(4)).toBeLessThanOrEqual(coldStartExtra({ max: 100 * US, tau: 1_000_000 }, 3 * 1e6));
  });

  it("never shortens a request nor adds more than max to it (any max, tau, slowdown and spacing)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 100, max: 20_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 30 }),
        (maxUs, tauUs, slowdown, cpuUs, gapMs) => {
          const cs = { tau: `${tauUs}us`, slowdown };
          const warm = latencies(spaced(`${cpuUs}us`, gapMs, { max: "0us", ...cs }, 6));
          const cold = latencies(spaced(`${cpuUs}us`, gapMs, { max: `${maxUs}us`, ...cs }, 6));
          for (let i = 0; i < cold.length; i++) {
            const d = (cold[i] as number) - (warm[i] as number);
            expect(d).toBeGreaterThanOrEqual(0);
            expect(d).toBeLessThanOrEqual(maxUs * US);
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });
});
