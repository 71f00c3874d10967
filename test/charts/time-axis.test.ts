import { describe, expect, it } from "vitest";
import { formatNanos, timeAxis, timeUnitFor } from "../../src/charts/time-axis.js";
import { MS, SECOND, US } from "../../src/engine/time.js";

describe("time axes", () => {
  it("timeUnitFor picks the largest unit in which the span reaches 2", () => {
    expect(timeUnitFor(30 * MS).label).toBe("ms");
    expect(timeUnitFor(2 * SECOND).label).toBe("s");
    expect(timeUnitFor(1.9 * SECOND).label).toBe("ms");
    expect(timeUnitFor(500 * US).label).toBe("µs");
    expect(timeUnitFor(1500).label).toBe("ns");
  });

  it("formatNanos writes 3 significant digits in the largest unit at or above 1", () => {
    expect(formatNanos(0)).toBe("0");
    expect(formatNanos(2_510_125_146)).toBe("2.51 s");
    expect(formatNanos(1 * SECOND)).toBe("1 s");
    expect(formatNanos(12.345 * MS)).toBe("12.3 ms");
    expect(formatNanos(999)).toBe("999 ns");
  });

  it("timeAxis labels a window far from 0 from its own start", () => {
    const axis = timeAxis([SECOND, SECOND + 500 * US], 800);
    expect(axis.origin).toBe(SECOND);
    expect(axis.label).toBe("time after 1 s (µs)");
    expect(axis.value(SECOND + 100 * US)).toBeCloseTo(100, 9);
    expect(axis.ticks[0]).toBe(0);
    expect(axis.ticks.at(-1)).toBe(500);
  });

  it("timeAxis keeps absolute time when the window starts near 0", () => {
    const axis = timeAxis([5 * MS, 30 * MS], 800);
    expect(axis.origin).toBe(0);
    expect(axis.label).toBe("time (ms)");
    expect(axis.value(10 * MS)).toBe(10);
    expect(axis.ticks.every((t) => t >= 5 && t <= 30)).toBe(true);
  });
});
