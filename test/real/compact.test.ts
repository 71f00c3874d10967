import { describe, expect, test } from "vitest";
import { US } from "../../src/engine/time.js";
import { metricsFromTrace } from "../../src/metrics/from-trace.js";
import { SKETCH_RELATIVE_ERROR } from "../../src/metrics/sketch.js";
import { simulate } from "../../src/model/simulate.js";
import { compactTrace, expandTrace } from "../../src/real/compact.js";
import { scenario } from "../../src/scenario/scenario.js";
import type { Trace } from "../../src/trace/types.js";

const trace = simulate(
  scenario({
    seed: 3,
    machine: { cores: 2 },
    executor: { kind: "threads", workers: 3 },
    workload: {
      arrivals: { kind: "poisson", rate: "300/s", count: 60 },
      classes: [
        { name: "a", steps: [{ cpu: { dist: "exponential", mean: "2ms" } }, { io: "3ms" }] },
        { name: "b", steps: [{ cpu: "1ms", gil: "release" }] },
      ],
    },
  }),
  { trace: true },
).trace as Trace;

describe("compactTrace", () => {
  test("expandTrace(compactTrace(t)) keeps threads, task ids and classes, and every time within half a microsecond", () => {
    const back = expandTrace(compactTrace(trace));
    const byId = [...trace.tasks].sort((a, b) => a.id - b.id);
    expect(back.threads).toEqual(trace.threads);
    expect(back.tasks.map((t) => [t.id, t.class])).toEqual(byId.map((t) => [t.id, t.class]));
    byId.forEach((t, i) => {
      const b = back.tasks[i]!;
      for (const k of ["arrival", "start", "end"] as const) expect(Math.abs(b[k] - t[k])).toBeLessThanOrEqual(US / 2);
    });
    expect(Math.abs(back.end - trace.end)).toBeLessThanOrEqual(US / 2);
  });

  test("the expanded intervals tile each thread's life without gaps, and metrics agree to the microsecond", () => {
    const back = expandTrace(compactTrace(trace));
    for (const t of back.threads) {
      const list = back.intervals.filter((i) => i.thread === t.id);
      for (let k = 1; k < list.length; k++) expect(list[k]!.start).toBe(list[k - 1]!.end);
    }
    const a = metricsFromTrace(trace, { warmup: 0 });
    const b = metricsFromTrace(back, { warmup: 0 });
    expect(Math.abs(b.makespan - a.makespan)).toBeLessThanOrEqual(US);
    // Quantiles come from a sketch: a value moved by rounding may land in the next bucket.
    const bucket = 2 * SKETCH_RELATIVE_ERROR * a.latency.p95;
    expect(Math.abs(b.latency.p95 - a.latency.p95)).toBeLessThanOrEqual(2 * US + bucket);
    b.threads.forEach((t, i) => {
      expect(t.share.idle).toBeCloseTo(a.threads[i]!.share.idle, 3);
    });
  });

  test('lanes "totals" keeps one tile per state with each state\'s total time, so thread shares stay the same', () => {
    const full = compactTrace(trace);
    const totals = compactTrace(trace, { lanes: "totals" });
    for (const [i, lane] of totals.lanes.entries()) {
      const states = lane.tiles.filter((_, k) => k % 2 === 0);
      expect(states).toEqual([...new Set(states)].sort((x, y) => x - y));
      const sum = (tiles: number[]) => tiles.filter((_, k) => k % 2 === 1).reduce((x, y) => x + y, 0);
      expect(sum(lane.tiles)).toBe(sum(full.lanes[i]!.tiles));
    }
    const a = metricsFromTrace(expandTrace(full), { warmup: 0 });
    const b = metricsFromTrace(expandTrace(totals), { warmup: 0 });
    b.threads.forEach((t, i) => {
      expect(t.share).toEqual(a.threads[i]!.share);
    });
    expect(JSON.stringify(totals).length).toBeLessThan(JSON.stringify(full).length);
  });

  test("expandTrace rejects task columns of different lengths", () => {
    const c = compactTrace(trace);
    c.tasks.wait.pop();
    expect(() => expandTrace(c)).toThrow("invalid compact trace: its task columns differ in length");
  });
});
