import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { mediansByX, quantile, summarize } from "../../src/real/fit.js";

describe("fit", () => {
  test("quantile interpolates between order statistics: 0, 0.5 and 1 are the min, the median and the max", () => {
    expect(quantile([5, 1, 3], 0)).toBe(1);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([5, 1, 3], 1)).toBe(5);
    // (n - 1) * q = 0.75 between 10 and 20
    expect(quantile([20, 10], 0.75)).toBe(17.5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  test("quantile is monotone in q and stays within the sample's range", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(quantile(xs, lo)).toBeLessThanOrEqual(quantile(xs, hi));
          expect(quantile(xs, lo)).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(quantile(xs, hi)).toBeLessThanOrEqual(Math.max(...xs));
        },
      ),
    );
  });

  test("summarize gives the median, the 99th percentile and the count", () => {
    const xs = Array.from({ length: 101 }, (_, i) => i); // 0..100
    expect(summarize(xs)).toEqual({ median: 50, p99: 99, n: 101 });
  });

  test("mediansByX groups points by x, sorted by x, with the median y of each", () => {
    expect(
      mediansByX([
        [2, 10],
        [1, 5],
        [2, 30],
        [2, 20],
        [1, 7],
      ]),
    ).toEqual([
      [1, 6],
      [2, 20],
    ]);
  });
});
