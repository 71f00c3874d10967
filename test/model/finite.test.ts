import { describe, expect, test } from "vitest";
import { firstNonFinite, simulate } from "../../src/model/simulate.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";

describe("firstNonFinite", () => {
  test("finds the first number that is not finite, with its path through objects and arrays", () => {
    expect(firstNonFinite({ a: 1, b: [2, { c: 3 }], d: "x", e: null })).toBeNull();
    expect(firstNonFinite({ latency: { p50: 1, p99: Number.NaN } })).toEqual({
      path: "latency.p99",
      value: Number.NaN,
    });
    expect(
      firstNonFinite({
        queue: [
          { time: 0, waiting: 1 },
          { time: 1, waiting: Number.POSITIVE_INFINITY },
        ],
      }),
    ).toEqual({
      path: "queue[1].waiting",
      value: Number.POSITIVE_INFINITY,
    });
    // Key order: the first one met.
    expect(firstNonFinite({ x: -Infinity, y: Number.NaN })?.path).toBe("x");
    expect(firstNonFinite(Number.NaN)).toEqual({ path: "", value: Number.NaN });
  });

  test("a real run's metrics are all finite", () => {
    const s = parseScenario(getPreset("web-api"));
    expect(firstNonFinite(simulate(s, { trace: false }).metrics)).toBeNull();
  });
});
