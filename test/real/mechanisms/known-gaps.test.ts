import { describe, expect, test } from "vitest";
import type { ComparisonRow } from "../../../src/real/mechanisms/compare.js";
import { withinTarget } from "../../../src/real/mechanisms/compare.js";
import { checkKnownGaps, knownGapsOf } from "../../../src/real/mechanisms/known-gaps.js";

const row = (figure: string, simulated: number | null, note?: string): ComparisonRow => {
  const real = { median: 100, min: 95, max: 130, q1: 98, q3: 110, n: 5, values: [] };
  return {
    figure,
    experiment: figure.split("/")[0] as string,
    key: figure.split("/")[1] as string,
    unit: "ns",
    what: "",
    version: "3.11",
    params: "defaults",
    real,
    simulated,
    error: simulated === null ? null : (simulated - 100) / 100,
    within: simulated !== null && withinTarget(simulated, real),
    ...(note ? { note } : {}),
  };
};

describe("withinTarget", () => {
  test("within 10% of the median, or inside the range", () => {
    const real = { median: 100, min: 95, max: 130 };
    expect(withinTarget(90, real)).toBe(true);
    expect(withinTarget(89.9, real)).toBe(false);
    expect(withinTarget(125, real)).toBe(true); // inside the range, 25% above the median
    expect(withinTarget(131, real)).toBe(false);
  });
});

describe("checkKnownGaps", () => {
  const rows = [row("a/x", 100), row("a/y", 200), row("b/z", null, "format gap")];

  test("knownGapsOf lists the failing rows and the format gaps", () => {
    expect(knownGapsOf(rows)).toEqual({ formatGaps: ["b/z"], failing: ["3.11 defaults a/y"] });
  });

  test("a failure not on the list, a listed figure that passes, and a stale format gap are all reported", () => {
    expect(checkKnownGaps(rows, { formatGaps: ["b/z"], failing: ["3.11 defaults a/y"] })).toEqual({
      unexpectedFailures: [],
      stale: [],
      formatGapsNotListed: [],
      formatGapsStale: [],
    });
    expect(checkKnownGaps(rows, { formatGaps: ["c/w"], failing: ["3.11 defaults a/x"] })).toEqual({
      unexpectedFailures: ["3.11 defaults a/y"],
      stale: ["3.11 defaults a/x"],
      formatGapsNotListed: ["b/z"],
      formatGapsStale: ["c/w"],
    });
  });
});
