import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compare, direction, speedWords, verdictOf } from "../../notebooks/lib/words.js";
import { checkComparison } from "./wording.js";

describe("words", () => {
  it("compare says better, worse or about the same as the numbers are, whichever way is better", () => {
    expect(compare("p99", 150, 100, "lower").phrase).toBe("worse than");
    expect(compare("p99", 100, 150, "lower").phrase).toBe("better than");
    expect(compare("throughput", 100, 150, "higher").phrase).toBe("worse than");
    expect(compare("p99", 101, 100, "lower").phrase).toBe("about the same as");
    expect(compare("p99", 110, 100, "lower").phrase).toBe("slightly worse than");
    expect(compare("p99", 90, 100, "lower").phrase).toBe("hardly better than");
    expect(compare("p99", 300, 100, "lower").phrase).toBe("much worse than");
    expect(() => direction(Number.NaN, 1, "lower")).toThrow("invalid comparison");
  });

  it("compare never gives a phrase that the independent wording check rejects (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.constantFrom("lower" as const, "higher" as const),
        (value, reference, sense) => {
          expect(checkComparison(compare("x", value, reference, sense))).toBeNull();
        },
      ),
    );
  });

  it("the wording check fails a phrase that contradicts its numbers", () => {
    const base = compare("p99: threads vs inline", 157, 144, "lower");
    expect(checkComparison({ ...base, phrase: "hardly better than" })).toMatch(/contradicts/);
    expect(checkComparison({ ...base, phrase: "much worse than" })).toMatch(/contradicts/);
    expect(checkComparison({ ...compare("x", 100, 101, "lower"), phrase: "better than" })).toMatch(/contradicts/);
  });

  it("speedWords and verdictOf follow the numbers", () => {
    expect(speedWords(3.9)).toBe("3.9× faster");
    expect(speedWords(0.5)).toBe("2.0× slower");
    expect(speedWords(1.01)).toBe("about as fast");
    expect(verdictOf([true, true])).toBe("true");
    expect(verdictOf([true, false])).toBe("partly true");
    expect(verdictOf([false, false])).toBe("false");
  });
});
