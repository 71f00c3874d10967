import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakSeries } from "../../src/metrics/peak-series.js";

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
});
