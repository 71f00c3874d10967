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

  it("bucketHolds rounds each bucket's held share up to 1/levels and merges equal runs", () => {
    // Process 0 over [0, 10) in 5 buckets of 2: held 2, 2, 2, 0, 2 -> levels 4, 4, 4, 0, 4.
    const rects = bucketHolds(holds, [0], [0, 10], 5, 4);
    expect(rects.map((r) => [r.start, r.end, r.held])).toEqual([
      [0, 6, 1],
      [8, 10, 1],
    ]);
    // One bucket of 10: held 8 of 10 -> 0.8 rounds up to 1 at 4 levels, 0.8 at 5 levels.
    expect(bucketHolds(holds, [0], [0, 10], 1, 4)[0]?.held).toBe(1);
    expect(bucketHolds(holds, [0], [0, 10], 1, 5)[0]?.held).toBe(0.8);
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
