import { describe, expect, it } from "vitest";
import { bucketHolds, markerLanes, rawHolds, thinMarkers } from "../../src/charts/timeline-gil.js";
import type { GilHold } from "../../src/trace/types.js";
import { smallTrace } from "../fixtures/trace.js";

const holds: GilHold[] = [
  { process: 0, thread: 1, start: 0, end: 4, reason: "voluntary" },
  { process: 1, thread: 7, start: 0, end: 10, reason: "forced" },
  { process: 0, thread: 2, start: 4, end: 6, reason: "forced" },
  { process: 0, thread: 1, start: 8, end: 10, reason: "exit" },
];

describe("GIL track", () => {
  it("rawHolds flips the shade at each change of holder per process, marks hand-offs, and keeps both when zooming", () => {
    const all = rawHolds(holds, [0, 10]);
    expect(all.filter((h) => h.process === 0).map((h) => [h.shade, h.handoff])).toEqual([
      [0, false],
      [1, true],
      [0, true],
    ]);
    const zoomed = rawHolds(holds, [5, 9]);
    expect(zoomed.filter((h) => h.process === 0)).toEqual([
      { process: 0, start: 5, end: 6, thread: 2, shade: 1, handoff: true, held: 1, reason: "forced" },
      { process: 0, start: 8, end: 9, thread: 1, shade: 0, handoff: true, held: 1, reason: "exit" },
    ]);
  });

  it("rawHolds keeps the shade, with no hand-off, when the same thread drops and retakes the GIL", () => {
    const same: GilHold[] = [
      { process: 0, thread: 1, start: 0, end: 2, reason: "voluntary" },
      { process: 0, thread: 1, start: 3, end: 5, reason: "voluntary" },
      { process: 0, thread: 2, start: 5, end: 6, reason: "forced" },
      { process: 0, thread: 1, start: 6, end: 9, reason: "exit" },
    ];
    expect(rawHolds(same, [0, 10]).map((h) => [h.shade, h.handoff])).toEqual([
      [0, false],
      [0, false],
      [1, true],
      [0, true],
    ]);
  });

  it("bucketHolds draws each bucket's true held share (to 1/100, never rounded up) and merges equal runs", () => {
    // Process 0 over [0, 10) in 5 buckets of 2: held 2, 2, 2, 0, 2 -> shares 1, 1, 1, 0, 1.
    const rects = bucketHolds(holds, [0], [0, 10], 5);
    expect(rects.map((r) => [r.start, r.end, r.held])).toEqual([
      [0, 6, 1],
      [8, 10, 1],
    ]);
    // One bucket of 10: held 8 of 10 is drawn at 0.8 (rounding up to quarters drew it at 1).
    expect(bucketHolds(holds, [0], [0, 10], 1)[0]?.held).toBe(0.8);
    // A bucket held 10% of its time is drawn at 0.1, not at a quarter; one held 37.4% at 0.37.
    const brief: GilHold[] = [
      { process: 0, thread: 1, start: 0, end: 100, reason: "voluntary" },
      { process: 0, thread: 2, start: 1000, end: 1374, reason: "voluntary" },
    ];
    expect(bucketHolds(brief, [0], [0, 2000], 2).map((r) => r.held)).toEqual([0.1, 0.37]);
  });

  it("bucketHolds' shares equal the time held in each bucket over its width, within half a step, for random holds", () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const random: GilHold[] = [];
    for (let t = 0; t < 10_000; ) {
      const gap = Math.floor(next() * 40);
      const length = 1 + Math.floor(next() * 60);
      random.push({
        process: 0,
        thread: 1 + (random.length % 3),
        start: t + gap,
        end: t + gap + length,
        reason: "voluntary",
      });
      t += gap + length;
    }
    const count = 50;
    const width = 10_000 / count;
    const rects = bucketHolds(random, [0], [0, 10_000], count);
    for (let k = 0; k < count; k++) {
      const [a, b] = [k * width, (k + 1) * width];
      const truth = random.reduce((s, h) => s + Math.max(0, Math.min(b, h.end) - Math.max(a, h.start)), 0) / width;
      const drawn = rects.find((r) => r.start <= a && r.end >= b)?.held ?? 0;
      expect(Math.abs(drawn - truth), `bucket ${k}`).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it("thinMarkers keeps the first marker of each kind on each lane in each bucket, within the window", () => {
    const markers = Array.from({ length: 100 }, (_, i) => ({ lane: i % 2, time: i, kind: "convoy" as const }));
    expect(thinMarkers(markers, [0, 100], 100)).toHaveLength(100);
    const points = thinMarkers(markers, [0, 100], 10);
    expect(points).toHaveLength(20);
    expect(new Set(points.map((m) => `${m.lane}:${Math.floor(m.time / 10)}`)).size).toBe(20);
    expect(points.filter((m) => m.lane === 1).map((m) => m.time)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91]);
    const mixed = [...markers, { lane: 0, time: 2, kind: "forced-switch" as const }];
    expect(thinMarkers(mixed, [0, 100], 10).filter((m) => m.time === 2)).toHaveLength(1);
    expect(thinMarkers(markers, [10, 19], 10).every((m) => m.time >= 10 && m.time <= 19)).toBe(true);
  });

  it("markerLanes maps each marker's thread to its lane (-1 when hidden)", () => {
    const trace = smallTrace();
    const lanes = markerLanes(trace.markers, Int32Array.from([3, -1, 5]));
    expect(lanes.map((m) => m.lane)).toEqual(trace.markers.map((m) => [3, -1, 5][m.thread] ?? -1));
  });
});
