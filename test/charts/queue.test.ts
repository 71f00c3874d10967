import { describe, expect, it } from "vitest";
import { queueChart } from "../../src/charts/queue.js";
import { MS } from "../../src/engine/time.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { lagPoints, queuePoints } from "../fixtures/queue.js";

describe("queueChart", () => {
  it("queueChart(queue, lag) matches its golden file", () => {
    const figure = queueChart({ queue: queuePoints(), lag: lagPoints() });
    expectSvgInvariants(figure.svg);
    expectGolden("queue-lag", figure.svg);
  });

  it("queueChart reports the fixture's closed-form peak and labels both panels with units", () => {
    const texts = svgTexts(queueChart({ queue: queuePoints(), lag: lagPoints() }).svg);
    expect(texts).toContain("70\u00a0ms; at most 21 tasks in the system");
    expect(texts).toContain("tasks in the system (count)");
    expect(texts).toContain("loop lag (ms)");
    expect(texts.filter((t) => t === "time (ms)")).toHaveLength(1);
  });

  it("queueChart draws each lag sample as a bar over its bucket, at least a pixel wide: a spike stays a spike, a gap stays empty", () => {
    // Two 1 ms buckets 50 ms apart in a 4 s window (a bucket is a third of a pixel): a line through
    // them would ramp over the 50 ms between; the bars must stay narrow, and both must be drawn.
    const queue = [
      { time: 0, waiting: 0, running: 1 },
      { time: 4000 * MS, waiting: 0, running: 0 },
    ];
    const lag = [
      { time: 1000 * MS, lag: 40 * MS },
      { time: 1050 * MS, lag: 2 * MS },
    ];
    const { svg } = queueChart({ queue, lag, lagBucket: 1 * MS }, { width: 900 });
    const panels = [...svg.matchAll(/<svg[^>]*>[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    const lagPanel = panels.at(-1) as string;
    const bars = [...lagPanel.matchAll(/<rect[^>]*x="([\d.]+)"[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/g)].map(
      (m) => ({
        x: Number(m[1]),
        width: Number(m[2]),
        height: Number(m[3]),
      }),
    );
    const drawn = bars.filter((b) => b.height > 0 && b.width < 50);
    expect(drawn).toHaveLength(2);
    for (const b of drawn) {
      expect(b.width).toBeGreaterThanOrEqual(1);
      expect(b.width).toBeLessThan(2);
    }
    expect((drawn[0] as { height: number }).height / (drawn[1] as { height: number }).height).toBeCloseTo(20, 0);
    expect(lagPanel).not.toMatch(/<path[^>]*aria-label="line"/);
  });

  it("queueChart draws the lag buckets at the window's edges: one reaching in from the left, one at its very end", () => {
    const queue = [
      { time: 0, waiting: 0, running: 1 },
      { time: 100 * MS, waiting: 0, running: 0 },
    ];
    // 16 ms buckets; the window starts at 10 ms, inside the first bucket, and ends on the last sample.
    const lag = [
      { time: 0, lag: 30 * MS },
      { time: 48 * MS, lag: 5 * MS },
      { time: 96 * MS, lag: 20 * MS },
    ];
    const { svg } = queueChart({ queue, lag, lagBucket: 16 * MS }, { width: 900, window: [10 * MS, 96 * MS] });
    const lagPanel = [...svg.matchAll(/<svg[^>]*>[\s\S]*?<\/svg>/g)].map((m) => m[0]).at(-1) as string;
    const bars = [...lagPanel.matchAll(/<rect[^>]*x="([\d.]+)"[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/g)].filter(
      (m) => Number(m[3]) > 0 && Number(m[2]) < 500,
    );
    expect(bars).toHaveLength(3);
    // The tallest (30 ms) is the bucket from before the window, the shortest the middle one.
    const heights = bars.map((m) => Number(m[3]));
    expect(heights.indexOf(Math.max(...heights))).toBe(0);
    expect(Number(bars[2]?.[2])).toBeGreaterThanOrEqual(1);
  });

  it("queueChart without lag draws one panel", () => {
    const { svg } = queueChart({ queue: queuePoints() });
    expect(svg.match(/<svg[\s>]/g)).toHaveLength(2);
    expect(svgTexts(svg)).toContain("Queue length over time");
  });

  it("queueChart keeps a long series' peak when it thins it", () => {
    const queue = Array.from({ length: 100_000 }, (_, i) => ({
      time: i * 1000,
      waiting: i === 54_321 ? 500 : i % 7,
      running: 4,
    }));
    const { svg } = queueChart({ queue }, { width: 480 });
    expect(svgTexts(svg)).toContain("100\u00a0ms; at most 504 tasks in the system");
    expect(svg.length).toBeLessThan(200_000);
  });

  it("queueChart rejects a lag bucket that is not a positive duration", () => {
    expect(() => queueChart({ queue: queuePoints(), lag: lagPoints(), lagBucket: 0 })).toThrow(
      "invalid lagBucket: 0 (expected a positive duration in ns)",
    );
  });

  it("queueChart rejects empty or unordered queues", () => {
    expect(() => queueChart({ queue: [] })).toThrow("invalid queue: [] (expected a non-empty array of QueuePoint)");
    expect(() =>
      queueChart({
        queue: [
          { time: 2 * MS, waiting: 0, running: 0 },
          { time: MS, waiting: 0, running: 0 },
        ],
      }),
    ).toThrow("invalid queue[1].time: 1000000 (expected times in order)");
  });
});
