import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bucketStates,
  countVisible,
  dominantRects,
  rawRects,
  type StateRect,
  shareRects,
} from "../../src/charts/timeline-aggregate.js";
import { type StateInterval, THREAD_STATES } from "../../src/trace/types.js";

/** Random tilings: each of `lanes` threads covers [0, end) with consecutive intervals. */
const tilings = fc
  .array(
    fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.constantFrom(...THREAD_STATES)), {
      minLength: 1,
      maxLength: 60,
    }),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((lanes) =>
    lanes.flatMap((steps, thread) => {
      let t = 0;
      return steps.map(([length, state]): StateInterval => {
        const iv = { thread, state, start: t, end: t + length };
        t += length;
        return iv;
      });
    }),
  );

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

describe("timeline aggregation", () => {
  it("bucketStates sums each state's time per lane exactly (the buckets add up to the clipped intervals)", () => {
    fc.assert(
      fc.property(
        tilings,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 3000 }),
        (ivs, count, w0, span) => {
          const lanes = Math.max(...ivs.map((i) => i.thread)) + 1;
          const window: [number, number] = [w0, w0 + span];
          const b = bucketStates(ivs, identity(lanes), lanes, window, count);
          for (let lane = 0; lane < lanes; lane++) {
            THREAD_STATES.forEach((state, s) => {
              let summed = 0;
              for (let k = 0; k < count; k++) summed += b.time[(lane * count + k) * THREAD_STATES.length + s] as number;
              const exact = ivs
                .filter((iv) => iv.thread === lane && iv.state === state)
                .reduce((sum, iv) => sum + Math.max(0, Math.min(iv.end, window[1]) - Math.max(iv.start, window[0])), 0);
              expect(summed).toBeCloseTo(exact, 6);
            });
          }
        },
      ),
    );
  });

  it("dominantRects gives each bucket the state with the most time, merging equal neighbours", () => {
    const ivs: StateInterval[] = [
      { thread: 0, state: "gil", start: 0, end: 6 },
      { thread: 0, state: "io", start: 6, end: 10 },
      { thread: 0, state: "gil", start: 10, end: 20 },
      { thread: 0, state: "idle", start: 20, end: 40 },
    ];
    const rects = dominantRects(bucketStates(ivs, identity(1), 1, [0, 40], 4));
    expect(rects).toEqual([
      { lane: 0, start: 0, end: 20, state: "gil", top: 0, bottom: 1 },
      { lane: 0, start: 20, end: 40, state: "idle", top: 0, bottom: 1 },
    ]);
  });

  it("dominantRects and shareRects cover every covered bucket once, and a lane's share stack fills its height", () => {
    fc.assert(
      fc.property(tilings, fc.integer({ min: 1, max: 30 }), (ivs, count) => {
        const lanes = Math.max(...ivs.map((i) => i.thread)) + 1;
        const end = Math.max(...ivs.map((i) => i.end));
        const b = bucketStates(ivs, identity(lanes), lanes, [0, end], count);
        const dominant = dominantRects(b);
        const shares = shareRects(b, 10);
        for (let lane = 0; lane < lanes; lane++) {
          const covered = (rects: StateRect[]) =>
            rects.filter((r) => r.lane === lane).reduce((s, r) => s + (r.end - r.start) * (r.bottom - r.top), 0);
          const laneEnd = Math.max(...ivs.filter((i) => i.thread === lane).map((i) => i.end));
          const bucketsTouched = Math.min(count, Math.ceil((laneEnd / end) * count - 1e-9));
          expect(covered(dominant)).toBeCloseTo(bucketsTouched * b.width, 6);
          expect(covered(shares)).toBeCloseTo(bucketsTouched * b.width, 6);
        }
        for (const r of shares) expect(Number.isInteger(Math.round((r.bottom - r.top) * 10 * 1e6) / 1e6)).toBe(true);
      }),
    );
  });

  it("shareRects stacks a half-and-half bucket as two half-height rectangles in state order", () => {
    const ivs: StateInterval[] = [
      { thread: 0, state: "wait-gil", start: 0, end: 5 },
      { thread: 0, state: "gil", start: 5, end: 10 },
    ];
    expect(shareRects(bucketStates(ivs, identity(1), 1, [0, 10], 1), 4)).toEqual([
      { lane: 0, start: 0, end: 10, state: "gil", top: 0, bottom: 0.5 },
      { lane: 0, start: 0, end: 10, state: "wait-gil", top: 0.5, bottom: 1 },
    ]);
  });

  it("rawRects clips to the window, drops hidden threads and merges touching intervals of one state", () => {
    const ivs: StateInterval[] = [
      { thread: 0, state: "gil", start: 0, end: 5 },
      { thread: 0, state: "gil", start: 5, end: 8 },
      { thread: 0, state: "io", start: 8, end: 20 },
      { thread: 1, state: "idle", start: 0, end: 20 },
    ];
    const lanes = Int32Array.from([0, -1]);
    expect(rawRects(ivs, lanes, [2, 10])).toEqual([
      { lane: 0, start: 2, end: 8, state: "gil", top: 0, bottom: 1 },
      { lane: 0, start: 8, end: 10, state: "io", top: 0, bottom: 1 },
    ]);
    expect(countVisible(ivs, lanes, [2, 10])).toBe(3);
  });
});
