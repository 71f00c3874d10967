import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ellipsize, textWidth, wrapText } from "../../src/charts/text-measure.js";

describe("textWidth", () => {
  it("textWidth(text, size) sums DejaVu Sans advances: 'M' is 0.863 em, 'i' 0.278 em, a space 0.318 em", () => {
    expect(textWidth("M", 10)).toBeCloseTo(8.63, 10);
    expect(textWidth("i", 1000)).toBeCloseTo(278, 10);
    expect(textWidth("M i", 10)).toBeCloseTo(8.63 + 3.18 + 2.78, 10);
  });

  it("textWidth(text, size, 'bold') uses the bold advances, wider than regular", () => {
    expect(textWidth("M", 10, "bold")).toBeCloseTo(9.95, 10);
    expect(textWidth("Thread timeline", 16, "bold")).toBeGreaterThan(textWidth("Thread timeline", 16));
  });

  it("textWidth counts characters outside its table as a wide glyph (0.838 em)", () => {
    expect(textWidth("\u4e2d", 10)).toBeCloseTo(8.38, 10);
    expect(textWidth("µ", 10)).toBeCloseTo(6.36, 10);
  });

  it("textWidth is additive over concatenation and proportional to size", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.double({ min: 1, max: 40, noNaN: true }), (a, b, size) => {
        expect(textWidth(a + b, size)).toBeCloseTo(textWidth(a, size) + textWidth(b, size), 6);
        expect(textWidth(a, 2 * size)).toBeCloseTo(2 * textWidth(a, size), 6);
      }),
    );
  });
});

describe("wrapText", () => {
  it("wrapText keeps every word, in order, and no line wider than the limit unless it is one word", () => {
    const words = fc.array(fc.stringMatching(/^[a-zA-Z0-9%()]{1,12}$/), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(words, fc.integer({ min: 40, max: 600 }), (ws, max) => {
        const lines = wrapText(ws.join(" "), max, 11);
        expect(lines.join(" ").split(" ")).toEqual(ws);
        for (const line of lines) {
          if (line.includes(" ")) expect(textWidth(line, 11)).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it("wrapText starts a new line at each newline", () => {
    expect(wrapText("a b\nc", 1000, 10)).toEqual(["a b", "c"]);
  });

  it("wrapText fills lines greedily: a line is only broken when the next word does not fit", () => {
    const lines = wrapText("aaaa bbbb cccc dddd", textWidth("aaaa bbbb", 10), 10);
    expect(lines).toEqual(["aaaa bbbb", "cccc dddd"]);
  });
});

describe("ellipsize", () => {
  it("ellipsize leaves text that fits alone and shortens the rest to fit, ending in an ellipsis", () => {
    expect(ellipsize("MainThread", 200, 10)).toBe("MainThread");
    const short = ellipsize("ThreadPoolExecutor-0_12345", 60, 10);
    expect(short.endsWith("…")).toBe(true);
    expect(textWidth(short, 10)).toBeLessThanOrEqual(60);
    expect("ThreadPoolExecutor-0_12345".startsWith(short.slice(0, -1))).toBe(true);
  });
});
