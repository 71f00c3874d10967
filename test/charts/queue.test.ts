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
