import { describe, expect, it } from "vitest";
import {
  boolean,
  figureText,
  numberAtLeast,
  oneOf,
  optionalText,
  positiveInteger,
  positiveNumber,
  probabilities,
  range,
} from "../../src/charts/options.js";

const defaults = { width: 800, height: 300, title: "T", subtitle: undefined, caption: "C" };

describe("chart options", () => {
  it("positiveNumber(name, value, fallback) returns the fallback for undefined and rejects non-positive values by name", () => {
    expect(positiveNumber("width", undefined, 5)).toBe(5);
    expect(positiveNumber("width", 2.5, 5)).toBe(2.5);
    expect(() => positiveNumber("width", -3, 5)).toThrow("invalid width: -3 (expected a positive number)");
    expect(() => positiveNumber("width", "12", 5)).toThrow('invalid width: "12" (expected a positive number)');
    expect(() => positiveNumber("width", Number.NaN, 5)).toThrow("invalid width: NaN (expected a positive number)");
  });

  it("positiveInteger rejects fractions and numberAtLeast rejects values under its minimum", () => {
    expect(() => positiveInteger("maxIntervals", 1.5, 1)).toThrow(
      "invalid maxIntervals: 1.5 (expected a positive integer)",
    );
    expect(() => numberAtLeast("width", 100, 320, 800)).toThrow("invalid width: 100 (expected a number >= 320)");
  });

  it("oneOf lists the allowed values in its error", () => {
    expect(oneOf("scale", "log", ["linear", "log"], "linear")).toBe("log");
    expect(() => oneOf("scale", "sqrt", ["linear", "log"], "linear")).toThrow(
      'invalid scale: "sqrt" (expected one of linear, log)',
    );
  });

  it("optionalText maps an empty string to none and boolean rejects non-booleans", () => {
    expect(optionalText("caption", "", "x")).toBeUndefined();
    expect(() => boolean("gil", "yes", true)).toThrow('invalid gil: "yes" (expected true or false)');
  });

  it("probabilities sorts and deduplicates, rejecting 0 and 1", () => {
    expect(probabilities("quantiles", [0.99, 0.5, 0.5], [])).toEqual([0.5, 0.99]);
    expect(() => probabilities("quantiles", [0.5, 1], [])).toThrow(
      "invalid quantiles: [0.5, 1] (expected an array of numbers strictly between 0 and 1)",
    );
  });

  it("range needs [start, end] with start < end", () => {
    expect(range("window", [1, 2], [0, 9])).toEqual([1, 2]);
    expect(() => range("window", [5, 5], [0, 9])).toThrow(
      "invalid window: [5, 5] (expected [start, end] with start < end)",
    );
  });

  it("figureText resolves defaults once and rejects an empty title", () => {
    expect(figureText({}, defaults)).toEqual(defaults);
    expect(figureText({ width: 400, subtitle: "S", caption: "" }, defaults)).toEqual({
      ...defaults,
      width: 400,
      subtitle: "S",
      caption: undefined,
    });
    expect(() => figureText({ title: "" }, defaults)).toThrow('invalid title: "" (expected a non-empty string)');
    expect(() => figureText({ width: 10 }, defaults)).toThrow("invalid width: 10 (expected a number >= 320)");
  });
});
