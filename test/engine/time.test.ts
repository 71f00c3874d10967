import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, fromMillis, MAX_TIME, MS, NS, parseDuration, SECOND, US } from "../../src/engine/time.js";

describe("time units", () => {
  it("NS, US, MS and SECOND are 1, 1e3, 1e6 and 1e9 nanoseconds; MAX_TIME is 2^53 - 1", () => {
    expect([NS, US, MS, SECOND]).toEqual([1, 1e3, 1e6, 1e9]);
    expect(MAX_TIME).toBe(2 ** 53 - 1);
  });
});

describe("parseDuration", () => {
  const valid: [string, number][] = [
    ["250us", 250_000],
    ["2ms", 2_000_000],
    ["1.5s", 1_500_000_000],
    ["3min", 180_000_000_000],
    ["7ns", 7],
    ["0s", 0],
    [".5ms", 500_000],
    ["5.ms", 5_000_000],
    ["1e3ns", 1_000],
    ["1.5e-3s", 1_500_000],
    ["2E+2us", 200_000],
    ["5µs", 5_000], // U+00B5 MICRO SIGN
    ["5μs", 5_000], // U+03BC GREEK SMALL LETTER MU
    ["  12 ms ", 12_000_000],
    ["10MS", 10_000_000],
    ["1.0000004ns", 1],
    ["2.5ns", 3],
    ["-5ms", -5_000_000],
    ["-1.5e1us", -15_000],
  ];
  for (const [text, ns] of valid) {
    it(`parseDuration(${JSON.stringify(text)}) is ${ns} ns`, () => {
      expect(parseDuration(text)).toBe(ns);
    });
  }

  const garbage = [
    "",
    "ms",
    "5",
    "5 m s",
    "5ks",
    "abc",
    "1.2.3ms",
    "--1ms",
    "+1ms",
    "5msx",
    "NaNms",
    "Infinity s",
    "e5ms",
    "1e400s",
    "1e300s",
    "5h",
  ];
  for (const text of garbage) {
    it(`parseDuration(${JSON.stringify(text)}) is undefined`, () => {
      expect(parseDuration(text)).toBeUndefined();
    });
  }

  it("parseDuration always returns a finite integer or undefined", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const ns = parseDuration(text);
        if (ns !== undefined) expect(Number.isInteger(ns)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom("ns", "us", "ms", "s"),
        (x, unit) => {
          const text = String(x); // "1e-7" and "-0" -> "0" too
          const ns = parseDuration(`${text}${unit}`);
          expect(ns).toBe(Math.round(Number(text) * { ns: NS, us: US, ms: MS, s: SECOND }[unit]));
        },
      ),
    );
  });
});

describe("fromMillis", () => {
  it("fromMillis(1.5) is 1,500,000 ns, rounded to whole ns", () => {
    expect(fromMillis(1.5)).toBe(1_500_000);
    expect(fromMillis(0.0000004)).toBe(0);
    expect(fromMillis(0.0000006)).toBe(1);
    expect(fromMillis(-2)).toBe(-2_000_000);
  });
});

describe("formatDuration", () => {
  const cases: [number, string][] = [
    [0, "0ns"],
    [-0, "0ns"],
    [999, "999ns"],
    [12.4, "12ns"],
    [999.7, "1us"],
    [1_000, "1us"],
    [1_500, "1.5us"],
    [123_456, "123us"],
    [999_999, "1ms"],
    [2_000_000, "2ms"],
    [123_456_789, "123ms"],
    [1_000_000_000, "1s"],
    [999_999_999, "1s"],
    [90_000_000_000, "90s"],
    [-2_500_000, "-2.5ms"],
    [-999_999, "-1ms"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NaN, "NaN"],
  ];
  for (const [ns, text] of cases) {
    it(`formatDuration(${ns}) is "${text}"`, () => {
      expect(formatDuration(ns)).toBe(text);
    });
  }

  it("formatDuration output parses back to within 0.5% (3 significant digits)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (ns) => {
        const back = parseDuration(formatDuration(ns));
        expect(back).toBeDefined();
        expect(Math.abs((back as number) - ns)).toBeLessThanOrEqual(0.005 * Math.abs(ns) + 0.5);
      }),
    );
  });

  it("formatDuration shows at most 3 significant digits and a value in [1, 1000) of its unit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 1e15 }), (ns) => {
        const match = /^(\d+(?:\.\d+)?)(us|ms|s)$/.exec(formatDuration(ns));
        expect(match).not.toBeNull();
        const value = Number(match![1]);
        expect(value).toBeGreaterThanOrEqual(1);
        if (match![2] !== "s") expect(value).toBeLessThan(1000);
        expect(match![1]!.replace(".", "").replace(/^0+/, "").replace(/0+$/, "").length).toBeLessThanOrEqual(3);
      }),
    );
  });
});
