import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nearestFree, spreadPositions, stackDownward } from "../../src/charts/label-placement.js";

const positions = fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 1, maxLength: 15 });

function sortedBy(wanted: number[], placed: number[]): number[] {
  return wanted
    .map((w, i) => [w, i] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, i]) => placed[i] as number);
}

describe("label placement", () => {
  it("spreadPositions keeps labels in order, gap apart and inside [min, max] when there is room", () => {
    fc.assert(
      fc.property(positions, (wanted) => {
        const placed = spreadPositions(wanted, 12, 0, 400);
        const ordered = sortedBy(wanted, placed);
        for (let i = 1; i < ordered.length; i++) {
          expect((ordered[i] as number) - (ordered[i - 1] as number)).toBeGreaterThanOrEqual(12 - 1e-9);
        }
        for (const p of placed) {
          expect(p).toBeGreaterThanOrEqual(-1e-9);
          expect(p).toBeLessThanOrEqual(400 + 1e-9);
        }
      }),
    );
  });

  it("spreadPositions leaves labels that do not collide where they want to be", () => {
    expect(spreadPositions([10, 50, 30], 12)).toEqual([10, 50, 30]);
    expect(spreadPositions([100, 100], 10)).toEqual([95, 105]);
  });

  it("stackDownward only moves labels down, unless the column would pass max", () => {
    fc.assert(
      fc.property(positions, (wanted) => {
        const placed = stackDownward(wanted, 13);
        placed.forEach((p, i) => {
          expect(p).toBeGreaterThanOrEqual(wanted[i] as number);
        });
        const ordered = sortedBy(wanted, placed);
        for (let i = 1; i < ordered.length; i++) {
          expect((ordered[i] as number) - (ordered[i - 1] as number)).toBeGreaterThanOrEqual(13 - 1e-9);
        }
      }),
    );
    expect(stackDownward([90, 95, 100], 10, 100)).toEqual([80, 90, 100]);
  });

  it("nearestFree moves a label to the nearest position outside every blocked span, up on a tie", () => {
    // Free already: stays.
    expect(nearestFree(50, [[0, 10]])).toBe(50);
    // Blocked around it: the nearer edge, then on a tie the preferred (smaller) side.
    expect(nearestFree(50, [[45, 60]])).toBe(45);
    expect(nearestFree(50, [[40, 52]])).toBe(52);
    expect(nearestFree(50, [[40, 60]])).toBe(40);
    expect(nearestFree(50, [[40, 60]], -Infinity, Infinity, 1)).toBe(60);
    // An edge inside another span is not free: past both.
    expect(
      nearestFree(50, [
        [40, 60],
        [30, 45],
      ]),
    ).toBe(60);
    expect(
      nearestFree(50, [
        [40, 60],
        [30, 45],
        [55, 75],
      ]),
    ).toBe(30);
    // Kept inside [min, max]; with nowhere free, where it wanted to be.
    expect(nearestFree(50, [[40, 60]], 42, 100)).toBe(60);
    expect(nearestFree(50, [[0, 100]], 10, 90)).toBe(50);
  });

  it("nearestFree never gives a position inside a blocked span when one is free", () => {
    const span = fc.tuple(fc.double({ min: 0, max: 300, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true }));
    fc.assert(
      fc.property(fc.double({ min: 0, max: 300, noNaN: true }), fc.array(span, { maxLength: 8 }), (wanted, spans) => {
        const blocked = spans.map(([lo, size]) => [lo, lo + size] as const);
        const placed = nearestFree(wanted, blocked, 0, 400);
        const inside = (p: number) => blocked.some(([lo, hi]) => p > lo && p < hi);
        if (placed !== wanted || !inside(wanted)) {
          expect(inside(placed)).toBe(false);
          expect(placed).toBeGreaterThanOrEqual(0);
          expect(placed).toBeLessThanOrEqual(400);
        }
        // No free position is nearer.
        for (const p of [wanted, ...blocked.flat()]) {
          if (!inside(p) && p >= 0 && p <= 400 && !inside(placed)) {
            expect(Math.abs(placed - wanted)).toBeLessThanOrEqual(Math.abs(p - wanted) + 1e-3);
          }
        }
      }),
    );
  });
});
