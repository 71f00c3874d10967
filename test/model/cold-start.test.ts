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
  stepOverhead: 0,
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

  it("charges nothing while another thread of the process runs: its caches stay warm", () => {
    // A free-threaded build (no GIL to share) and a background thread busy the whole run, on a
    // core of its own: the program is never idle, however far apart its requests.
    const busy = (max: string): ScenarioInput => ({
      ...spaced("1ms", 20, { max, tau: "1ms", slowdown: 3 }),
      machine: { cores: 4, idleWake: { max: 0, tau: "1ms" }, coldStart: { max, tau: "1ms", slowdown: 3 } },
      runtime: { ...quietRuntime, python: "3.13t" },
      background: [{ name: "busy", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] }],
      run: { until: "300ms" },
    });
    expect(latencies(busy("100us"))).toEqual(latencies(busy("0us")));
    // Without the background thread the same requests pay it.
    const alone = (max: string): ScenarioInput => ({ ...busy(max), background: [] });
    const d = latencies(alone("100us")).map((v, i) => v - (latencies(alone("0us"))[i] as number));
    expect(d.every((x) => x === 100 * US)).toBe(true);
  });

  it("charges each process its own debt: a process pool's idle worker pays besides its parent, a thread pool's worker does not", () => {
    // One worker; requests 20 ms apart, 1 ms of work each. With a thread, one process is idle
    // between requests and owes max once, paid in the request's work. With a process, the parent
    // (dispatcher, manager, feeder) and the worker process each owe it (200 us); the worker's
    // pickling of the result (glue) comes after 1 ms of its kernel and owes the curve at 1 ms
    // (63 us); and the parent, idle again while the worker ran (about 1.1 ms), owes the curve at
    // that when the result comes back (about 70 us): about 335 us in all.
    const pool = (kind: "threads" | "processes", max: string): ScenarioInput => ({
      ...spaced("1ms", 20, { max, tau: "1ms", slowdown: 3 }),
      runtime: { ...quietRuntime, ipcBase: "60us", ipcPerByte: 0 },
      executor: kind === "threads" ? { kind, workers: 1 } : { kind, workers: 1, startMethod: "fork" },
    });
    const extra = (kind: "threads" | "processes") => {
      const warm = latencies(pool(kind, "0us"));
      return latencies(pool(kind, "100us"))
        .slice(2)
        .map((v, i) => v - (warm[i + 2] as number));
    };
    // (within 20%: a little of it is paid by the dispatcher after the worker has started, off the
    // request's path, and the slower work shifts the hand-offs a little)
    for (const x of extra("threads")) {
      expect(x).toBeGreaterThan(80 * US);
      expect(x).toBeLessThan(120 * US);
    }
    for (const x of extra("processes")) {
      expect(x).toBeGreaterThan(320 * US);
      expect(x).toBeLessThan(360 * US);
    }
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

describe("glue going cold while the process runs other code (machine.coldStart, glue ops)", () => {
  /** A sync batch: `count` tasks of one `cpu` step, each after `glue` of bookkeeping (runtime.stepOverhead). */
  const batch = (cpu: string, glue: string, max: string, count = 12): ScenarioInput => ({
    seed: 5,
    machine: { cores: 2, idleWake: { max: 0, tau: "1ms" }, coldStart: { max, tau: "1ms", slowdown: 3 } },
    runtime: { ...quietRuntime, stepOverhead: glue },
    executor: { kind: "sync" },
    workload: { arrivals: { kind: "batch", count }, classes: [{ steps: [{ cpu }] }] },
  });
  const makespan = (input: ScenarioInput): number => run(input).metrics.makespan;

  it("charges the bookkeeping after each 1 ms step (slowdown - 1) x its time while the curve's debt lasts: 11 x 20 us", () => {
    // The first task's bookkeeping runs at 0 (nothing went cold); each later one comes 1 ms of
    // kernel after the last: it owes the curve at 1 ms (63 us of 100), and 10 us of glue at
    // slowdown 3 pays 20 us of it. The kernel itself is never slowed: it is what ran.
    expect(makespan(batch("1ms", "10us", "100us")) - makespan(batch("1ms", "10us", "0us"))).toBe(11 * 20 * US);
  });

  it("charges almost nothing after short steps, and nothing without glue", () => {
    // 20 us between two pieces of glue: the curve is 100 us x (1 - exp(-0.0009)), under 0.1 us.
    const d = makespan(batch("20us", "10us", "100us")) - makespan(batch("20us", "10us", "0us"));
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(12 * 100);
    expect(makespan(batch("1ms", "0us", "100us"))).toBe(makespan(batch("1ms", "0us", "0us")));
  });

  it("does not add to the idle debt whatever runs first: kernel before glue owes exactly max too", () => {
    // No step bookkeeping: the 1 ms kernel runs first after the wake and pays the idle debt; the
    // accept loop's glue after it (20 us) must not owe the same cold span again.
    const kernelFirst = (max: string) => ({
      ...spaced("1ms", 20, { max, tau: "1ms", slowdown: 3 }),
      runtime: { ...quietRuntime, acceptCost: "20us" },
    });
    const overhead = (max: string) => run(kernelFirst(max)).cpu.overhead;
    expect(overhead("100us") - overhead("0us")).toBe(12 * 100 * US);
  });

  it("does not add to the idle debt: after a long idle a request with bookkeeping still owes exactly max", () => {
    const spacedGlue = (max: string) => ({
      ...spaced("1ms", 20, { max, tau: "1ms", slowdown: 3 }),
      runtime: { ...quietRuntime, stepOverhead: "10us" },
    });
    const warm = latencies(spacedGlue("0us"));
    const cold = latencies(spacedGlue("100us"));
    for (let i = 0; i < cold.length; i++) expect((cold[i] as number) - (warm[i] as number)).toBe(100 * US);
  });
});
