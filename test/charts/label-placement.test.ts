import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { spreadPositions, stackDownward } from "../../src/charts/label-placement.js";

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
});
