import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakSeries } from "../../src/metrics/peak-series.js";

/**
 * The series by its definition, kept simple: a map from bucket key to the peaks, each width
 * doubling re-keying every bucket. PeakSeries keeps flat arrays instead, for speed.
 */
class ReferenceSeries {
  width = 1_000_000;
  buckets = new Map<number, { time: number; v: number; w: number }>();
  record(time: number, values: { v: number; w: number }): void {
    const key = Math.floor(time / this.width);
    const b = this.buckets.get(key);
    if (b) {
      b.v = Math.max(b.v, values.v);
      b.w = Math.max(b.w, values.w);
      return;
    }
    this.buckets.set(key, { time: key * this.width, v: values.v, w: values.w });
    if (this.buckets.size <= 2048) return;
    const old = [...this.buckets.values()];
    this.width *= 2;
    this.buckets.clear();
    for (const p of old) {
      const k = Math.floor(p.time / this.width);
      const into = this.buckets.get(k);
      if (into) {
        into.v = Math.max(into.v, p.v);
        into.w = Math.max(into.w, p.w);
      } else this.buckets.set(k, { ...p, time: k * this.width });
    }
  }
  points() {
    return [...this.buckets.values()].sort((a, b) => a.time - b.time);
  }
}

describe("PeakSeries", () => {
  it("keeps the largest value of each field per 1 ms bucket", () => {
    const s = new PeakSeries(["a", "b"] as const);
    s.record(100, { a: 1, b: 5 });
    s.record(900_000, { a: 3, b: 2 });
    s.record(1_500_000, { a: 2, b: 0 });
    expect(s.points()).toEqual([
      { time: 0, a: 3, b: 5 },
      { time: 1_000_000, a: 2, b: 0 },
    ]);
  });

  it("stays under 2,049 points and keeps the overall peak, however long the run", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1e12), fc.nat(1000)), { minLength: 1, maxLength: 5000 }), (records) => {
        const s = new PeakSeries(["v"] as const);
        const sorted = [...records].sort((x, y) => x[0] - y[0]);
        for (const [t, v] of sorted) s.record(t, { v });
        const points = s.points();
        expect(points.length).toBeLessThanOrEqual(2048);
        expect(Math.max(...points.map((p) => p.v))).toBe(Math.max(...sorted.map((r) => r[1])));
        for (let i = 1; i < points.length; i++) expect(points[i]!.time).toBeGreaterThan(points[i - 1]!.time);
      }),
      { numRuns: 50 },
    );
  });

  it("gives the points of the definition, in or out of time order, through several doublings", () => {
    // Gaps of 1 to 3 ms between records: 2,100 to 9,000 of them open over 2,048 buckets of 1 ms,
    // and once the width has doubled, later records share buckets.
    const record = fc.tuple(
      fc.integer({ min: 1_000_000, max: 3_000_000 }),
      fc.integer({ min: -5, max: 1000 }),
      fc.nat(50),
    );
    fc.assert(
      fc.property(fc.array(record, { minLength: 2100, maxLength: 9000 }), fc.nat(100), (records, disorder) => {
        let t = 0;
        const list: [number, number, number][] = records.map(([gap, v, w]) => {
          t += gap;
          return [t, v, w];
        });
        // Some runs swap neighbours, so records arrive out of time order; others also move a record
        // now and then hundreds of places back, into buckets long closed (or never opened).
        for (let i = 1; i < list.length && disorder > 50; i += disorder)
          [list[i - 1], list[i]] = [list[i] as [number, number, number], list[i - 1] as [number, number, number]];
        for (let i = 700; i < list.length && disorder > 75; i += 13 * disorder) {
          const [late] = list.splice(i, 1);
          list.splice(i - 600, 0, late as [number, number, number]);
        }
        const s = new PeakSeries(["v", "w"] as const);
        const ref = new ReferenceSeries();
        for (const [time, v, w] of list) {
          s.record(time, { v, w });
          ref.record(time, { v, w });
        }
        expect(ref.width).toBeGreaterThan(1_000_000);
        expect(s.points()).toEqual(ref.points());
      }),
      { numRuns: 40 },
    );
  });
});
