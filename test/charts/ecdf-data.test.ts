import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ecdfSteps, nearestRank, sortedSample } from "../../src/charts/ecdf-data.js";

describe("ECDF data", () => {
  it("nearestRank on 1..100 gives p50 = 50, p95 = 95, p99 = 99 and p100- = 100", () => {
    const sorted = sortedSample(
      "v",
      Array.from({ length: 100 }, (_, i) => 100 - i),
    );
    expect([0.5, 0.95, 0.99, 0.999].map((p) => nearestRank(sorted, p))).toEqual([50, 95, 99, 100]);
    expect(nearestRank(sortedSample("v", [7]), 0.01)).toBe(7);
  });

  it("nearestRank returns the smallest value whose ECDF reaches p", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (values, p) => {
          const sorted = sortedSample("v", values);
          const q = nearestRank(sorted, p);
          const share = (x: number) => values.filter((v) => v <= x).length / values.length;
          expect(share(q)).toBeGreaterThanOrEqual(p - 1e-9);
          expect(values.filter((v) => v < q).length / values.length).toBeLessThan(p);
        },
      ),
    );
  });

  it("ecdfSteps draws the exact ECDF for small samples: one step per distinct value", () => {
    expect(ecdfSteps(sortedSample("v", [3, 1, 3, 2]))).toEqual([
      { x: 1, y: 0 },
      { x: 1, y: 0.25 },
      { x: 2, y: 0.5 },
      { x: 3, y: 1 },
    ]);
  });

  it("ecdfSteps thins large samples to about maxPoints steps, never more than 1/maxPoints below the exact curve", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 2000, maxLength: 6000 }), (values) => {
        const sorted = sortedSample("v", values);
        const steps = ecdfSteps(sorted, 100);
        expect(steps.length).toBeLessThanOrEqual(2 + values.length / Math.floor(values.length / 100));
        expect(steps.at(-1)).toEqual({ x: sorted.at(-1), y: 1 });
        // Between kept steps the drawn value is the last kept y; the exact ECDF there is below the next kept y.
        for (let i = 1; i + 1 < steps.length; i++) {
          const gap = (steps[i + 1]?.y as number) - (steps[i]?.y as number);
          const tieMass = values.filter((v) => v === steps[i + 1]?.x).length / values.length;
          expect(gap - tieMass).toBeLessThanOrEqual(1 / 100 + 1 / values.length);
        }
      }),
      // Large samples: report a failure at once rather than shrink for minutes.
      { numRuns: 20, endOnFailure: true },
    );
  });

  it("sortedSample rejects empty samples and non-finite values by index", () => {
    expect(() => sortedSample("series[0].values", [])).toThrow(
      "invalid series[0].values: empty (expected at least one value)",
    );
    expect(() => sortedSample("series[0].values", [1, Number.POSITIVE_INFINITY])).toThrow(
      "invalid series[0].values[1]: Infinity (expected a finite number)",
    );
  });
});
