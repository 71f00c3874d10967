import { describe, expect, it } from "vitest";
import { MS, US } from "../../src/engine/time.js";
import { cpuBatch, median, run } from "./helpers.js";

describe("the GIL with CPU-bound threads", () => {
  it("alternates two CPU-bound threads in slices of about one switch interval", () => {
    for (const interval of [5, 1]) {
      const r = run(cpuBatch(2, "200ms", { switchInterval: `${interval}ms` }), { trace: true });
      const trace = r.trace!;
      const workers = new Set(trace.threads.filter((t) => t.role === "worker").map((t) => t.id));
      const holds = trace.gil.filter((h) => workers.has(h.thread) && h.reason === "forced");
      expect(holds.length).toBeGreaterThan(300 / interval);
      const slice = median(holds.map((h) => h.end - h.start));
      // A forced switch comes one interval (plus timer slack) after the waiter began to wait.
      expect(slice).toBeGreaterThan(interval * MS * 0.95);
      expect(slice).toBeLessThan(interval * MS + 200 * US);
      // Consecutive forced holds alternate between the two threads.
      const sorted = holds.sort((a, b) => a.start - b.start);
      let alternations = 0;
      for (let i = 1; i < sorted.length; i++) if (sorted[i]!.thread !== sorted[i - 1]!.thread) alternations++;
      expect(alternations / (sorted.length - 1)).toBeGreaterThan(0.95);
    }
  });

  it("hands a forced switch to the waiter that asked for it in runtime.gilRequesterWins of them, else to the oldest sleeper", () => {
    // Three CPU-bound threads on two cores: each forced switch answers the drop request of the
    // waiter whose timed wait ran out; that waiter has just gone back to sleep, the newest of the
    // two sleepers, so FIFO alone never picks it.
    const shareWon = (share: number) => {
      const input = cpuBatch(3, "400ms", { cores: 2 });
      const r = run({ ...input, runtime: { ...input.runtime, gilRequesterWins: share } }, { trace: true });
      const trace = r.trace!;
      const holds = [...trace.gil].sort((a, b) => a.start - b.start);
      const requests = trace.markers.filter((m) => m.kind === "drop-request").sort((a, b) => a.time - b.time);
      let won = 0;
      let switches = 0;
      for (let i = 0; i + 1 < holds.length; i++) {
        const h = holds[i]!;
        if (h.reason !== "forced") continue;
        // The first request in the hold set it; a later marker is a waiter that found it set.
        const asked = requests.find((m) => m.time >= h.start && m.time <= h.end);
        if (!asked) continue;
        switches++;
        if (holds[i + 1]!.thread === asked.thread) won++;
      }
      expect(switches).toBeGreaterThan(100);
      return won / switches;
    };
    expect(shareWon(0)).toBeLessThan(0.05);
    expect(shareWon(1)).toBeGreaterThan(0.95);
    const half = shareWon(0.5);
    // About 230 switches: a share of 0.5 drawn that often lands within 0.4 to 0.6 (3 sd).
    expect(half).toBeGreaterThan(0.4);
    expect(half).toBeLessThan(0.6);
  });

  it("gives no speedup to N pure-Python threads with the GIL, whatever the cores", () => {
    for (const n of [2, 4, 8]) {
      const r = run(cpuBatch(n, "50ms", { cores: 4 }));
      const serial = n * 50 * MS;
      expect(r.metrics.makespan).toBeGreaterThan(serial);
      expect(r.metrics.makespan).toBeLessThan(serial * 1.03);
    }
  });

  it("scales N threads to min(N, cores) with the GIL off, slowed by the build's overhead", () => {
    for (const [n, cores] of [
      [2, 4],
      [4, 4],
      [8, 4],
      [3, 2],
    ] as const) {
      const r = run(cpuBatch(n, "50ms", { cores, python: "3.13t" }));
      const ideal = (50 * MS * 1.4 * n) / Math.min(n, cores);
      expect(r.metrics.makespan).toBeGreaterThan(ideal * 0.99);
      expect(r.metrics.makespan).toBeLessThan(ideal * 1.05);
    }
    const fast = run(cpuBatch(4, "50ms", { cores: 4, python: "3.14t" }));
    expect(fast.metrics.makespan).toBeLessThan(50 * MS * 1.07 * 1.03);
  });

  it("scales threads whose C code releases the GIL to min(N, cores)", () => {
    for (const [n, cores] of [
      [2, 4],
      [4, 4],
      [8, 4],
    ] as const) {
      const r = run(cpuBatch(n, "50ms", { cores, gil: "release" }));
      const ideal = (50 * MS * n) / Math.min(n, cores);
      expect(r.metrics.makespan).toBeGreaterThan(ideal);
      // Oversubscribed, a thread can be preempted while it holds the GIL for a C call's exit
      // edge, and the others wait for it a scheduler slice: about a tenth more with 8 on 4.
      expect(r.metrics.makespan).toBeLessThan(ideal * (n > cores ? 1.12 : 1.05));
    }
  });

  it("lets a C call that holds the GIL delay a drop request until it returns", () => {
    // One thread runs a 40 ms C call holding the GIL; the other waits for all of it.
    const r = run(
      {
        machine: { cores: 4 },
        executor: { kind: "threads", workers: 2 },
        workload: {
          arrivals: { kind: "batch", count: 2 },
          classes: [{ steps: [{ cpu: "40ms", gil: "hold" }] }],
        },
      },
      { trace: true },
    );
    const holds = r.trace!.gil.filter((h) => h.end - h.start > 30 * MS);
    expect(holds.length).toBe(2);
    for (const h of holds) expect(h.end - h.start).toBeGreaterThanOrEqual(40 * MS);
    expect(r.metrics.makespan).toBeGreaterThanOrEqual(80 * MS);
  });

  it("shares the cores by time slices when runnable threads outnumber them", () => {
    const r = run(cpuBatch(4, "30ms", { cores: 2, python: "3.14t" }), { trace: true });
    const trace = r.trace!;
    expect(trace.intervals.some((i) => i.state === "wait-core")).toBe(true);
    // Fair sharing: all four finish within a few slices of each other, at about twice the work.
    const ends = trace.tasks.map((t) => t.end);
    expect(Math.max(...ends) - Math.min(...ends)).toBeLessThan(r.scenario.machine.slice * 4);
    expect(r.metrics.makespan).toBeLessThan(2 * 30 * MS * 1.07 * 1.02);
  });
});

describe("the convoy effect", () => {
  const convoy = (interval: string, background: boolean) =>
    run({
      machine: { cores: 4 },
      runtime: { switchInterval: interval },
      executor: { kind: "threads", workers: 1 },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [{ steps: [{ repeat: 100, steps: [{ io: "1ms" }, { cpu: "20us" }] }] }],
      },
      background: background ? [{ name: "cruncher", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] }] : [],
      run: { until: "10s" },
    });

  it("delays an IO thread beside a CPU-bound thread by about one interval per IO", () => {
    const alone = convoy("5ms", false).metrics.makespan / 100;
    const r = convoy("5ms", true);
    const withCpu = r.metrics.makespan / 100;
    expect(alone).toBeLessThan(1.2 * MS);
    expect(withCpu - alone).toBeGreaterThan(4.5 * MS);
    expect(withCpu - alone).toBeLessThan(5.5 * MS);
    expect(r.metrics.gil[0]!.convoys).toBeGreaterThanOrEqual(99);
  });

  it("delays it less as the switch interval shrinks", () => {
    const per = (interval: string) => convoy(interval, true).metrics.makespan / 100;
    const d5 = per("5ms");
    const d1 = per("1ms");
    const d02 = per("0.2ms");
    expect(d1).toBeLessThan(d5);
    expect(d02).toBeLessThan(d1);
    expect(d1).toBeGreaterThan(1.9 * MS);
    expect(d1).toBeLessThan(2.4 * MS);
  });
});
