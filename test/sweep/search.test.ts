import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { mostProbes, smallestMeeting } from "../../src/sweep/search.js";

const threshold = (t: number) => async (n: number) => ({ meets: n >= t, detail: n });

describe("smallestMeeting", () => {
  test("smallestMeeting finds the threshold of any monotone target, probing each size once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 400 }), async (max, t) => {
        const result = await smallestMeeting(max, threshold(t));
        const sizes = result.probes.map((p) => p.size);
        expect(new Set(sizes).size).toBe(sizes.length);
        expect(result.monotone).toBe(true);
        if (t > max) {
          expect(result.best).toBeNull();
          expect(result.below?.size).toBe(max);
        } else {
          expect(result.best?.size).toBe(t);
          expect(result.below?.size ?? 0).toBe(t - 1);
          // Doubling, bisecting and the neighbour check: about 2 log2(t) + 2 probes.
          expect(sizes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(Math.max(t, 2))) + 3);
        }
      }),
    );
  });

  test("smallestMeeting flags a target that more workers can break", async () => {
    // Meets at 4 only: the neighbour 5 misses.
    const result = await smallestMeeting(16, async (n) => ({ meets: n === 4, detail: null }));
    expect(result.best?.size).toBe(4);
    expect(result.monotone).toBe(false);
  });

  test("smallestMeeting looks below a max whose miss is inconclusive, and flags what it finds", async () => {
    // 1, 2, 4 and 8 probed by doubling; 8 misses only on its bound (inconclusive); 6 and 7 meet.
    const noisy = async (n: number) => ({ meets: n === 6 || n === 7, detail: null, inconclusive: n === 8 });
    const result = await smallestMeeting(8, noisy);
    expect(result.best?.size).toBe(6);
    expect(result.below?.size).toBe(5);
    expect(result.monotone).toBe(false);
    expect(result.probes.map((p) => p.size)).toEqual([1, 2, 4, 8, 5, 6]);
    // Inconclusive at 8 and nothing meets: each size between 4 and 8 was tried, and none is given.
    const none = await smallestMeeting(8, async (n) => ({ meets: false, detail: null, inconclusive: n === 8 }));
    expect(none.best).toBeNull();
    expect(none.probes.map((p) => p.size)).toEqual([1, 2, 4, 8, 5, 6, 7]);
    // A clear miss at max ends the search there, as before.
    const clear = await smallestMeeting(8, async (n) => ({ meets: n === 6, detail: null }));
    expect(clear.best).toBeNull();
    expect(clear.probes.map((p) => p.size)).toEqual([1, 2, 4, 8]);
  });

  test("mostProbes bounds the probes of any search: monotone, broken, or inconclusive at max", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 400 }),
        fc.boolean(),
        fc.boolean(),
        async (max, t, exact, noisyMax) => {
          const evaluate = async (n: number) => ({
            meets: exact ? n === t : n >= t,
            detail: null,
            inconclusive: noisyMax && n === max,
          });
          const result = await smallestMeeting(max, evaluate);
          expect(result.probes.length).toBeLessThanOrEqual(mostProbes(max));
        },
      ),
    );
  });

  test("smallestMeeting rejects a bad maximum", async () => {
    await expect(smallestMeeting(0, threshold(1))).rejects.toThrow(
      "invalid max workers: 0 (expected a positive integer)",
    );
  });
});
