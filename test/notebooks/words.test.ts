import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compare, direction, speedWords, TIME_WORDS, verdictOf } from "../../notebooks/lib/words.js";
import {
  ALLOWED,
  allowedIn,
  altBeyondTitle,
  altTexts,
  checkComparison,
  figureAlts,
  handTypedComparatives,
  handTypedIn,
  pageStatements,
  svgText,
  svgTexts,
} from "./wording.js";

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

  it("compare says the given direction words, and the wording check holds them to the numbers", () => {
    expect(compare("wait", 5.7, 5.31, "lower", TIME_WORDS).phrase).toBe("slightly longer than");
    expect(compare("wait", 5.31, 5.7, "lower", TIME_WORDS).phrase).toBe("hardly shorter than");
    expect(compare("waits", 1.01, 1.09, "lower", { better: "fewer", worse: "more" }).phrase).toBe("hardly fewer than");
    const longer = compare("wait", 5.7, 5.31, "lower", TIME_WORDS);
    expect(checkComparison(longer)).toBeNull();
    expect(checkComparison({ ...longer, phrase: "hardly shorter than" })).toMatch(/contradicts/);
    expect(checkComparison({ ...longer, phrase: "slightly worse than" })).toMatch(/no direction/);
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (value, reference) => {
          expect(checkComparison(compare("x", value, reference, "lower", TIME_WORDS))).toBeNull();
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

  it("the comparative-word scan flags the old sockets wording and passes the computed one", () => {
    // The sockets notebook before issue 12's audit: 164.22/s against 164.01/s called a gain.
    const old =
      "Beside two CPU-bound threads the model does better than beside one at 5 ms: a model artefact, since real CPython 3.12.1 on this machine served fewer round trips beside two than beside one. Why two CPU-bound threads beat one in this model (its own traces): at 5 ms, 164/s beside two against 164/s beside one. Alone, the server does 6,595 round trips/s (152 µs each), worse than its own steps.";
    // Only the verdict's "worse than" was a registered comparison then.
    expect(handTypedComparatives(old, ["worse than"])).toEqual([
      expect.stringContaining("does better than beside one"),
      expect.stringContaining("served fewer round trips"),
      expect.stringContaining("threads beat one"),
    ]);
    const now =
      "at 5 ms the model serves 164/s beside two, about the same as the 164/s beside one, real CPython 56/s, worse than its 96/s. The server waits 1.01 times beside two, hardly fewer than the 1.09 beside one, and each wait lasts 5.7 ms, slightly longer than the 5.31 ms beside one; 40.2× fewer than alone, more than 15% low.";
    const registered = ["about the same as", "worse than", "hardly fewer than", "slightly longer than"];
    expect(handTypedComparatives(now, registered)).toEqual([]);
    // Each word on its own is caught, and a quantified one is not.
    for (const w of ["better", "worse", "hardly", "beat", "beats", "fewer", "more than", "clearly", "faster", "slower"])
      expect(handTypedComparatives(`threads are ${w} here`, []), w).toHaveLength(1);
    expect(handTypedComparatives("17.2× faster than at 5 ms; 40% slower; more than one core", [])).toEqual([]);
  });

  it("the scan catches the direction words for times, rates and sizes and the degree words, and passes them with their number", () => {
    // Missing from the word list before: a hand-typed "shorter" or "much" passed.
    for (const w of [
      "shorter",
      "longer",
      "higher",
      "lower",
      "larger",
      "smaller",
      "less than",
      "barely",
      "slightly",
      "much",
      "far",
    ])
      expect(handTypedComparatives(`the tails are ${w} here`, []), w).toHaveLength(1);
    expect(handTypedComparatives("the simulated tails are shorter than the real ones", [])).toEqual([
      expect.stringContaining("shorter than the real ones"),
    ]);
    // A number states them: a ratio or a percentage before the word, a count of seeds after it.
    expect(handTypedComparatives("2.1× longer; 12% lower; less than 5%; higher on 5 of 5 seeds", [])).toEqual([]);
    // A count is a quantity too; a version number before the word is not ("3.12 lower than").
    expect(handTypedComparatives("with 3 fewer threads", [])).toEqual([]);
    expect(handTypedComparatives("p99 on 3.12 lower than on 3.13t", [])).toHaveLength(1);
    expect(handTypedComparatives("with 4 faster workers", [])).toHaveLength(1);
    // A number after the word does not say which way: that is still a hand-typed direction.
    expect(handTypedComparatives("at 64 threads p99 is lower than 97.9 ms", [])).toHaveLength(1);
    // Registered, they pass.
    expect(
      handTypedComparatives("the simulated tails are hardly shorter than the real ones", ["hardly shorter than"]),
    ).toEqual([]);
  });

  it("an allowance holds only in the notebook it names", () => {
    // Before, ALLOWED was one list for every notebook: gil-release's fragment passed in convoy too.
    const text = "a faster hash means a bigger buffer for the same 20 ms";
    expect(handTypedComparatives(text, [], allowedIn("gil-release"))).toEqual([]);
    expect(handTypedComparatives(text, [], allowedIn("convoy"))).toHaveLength(1);
    expect(handTypedComparatives(text, [], allowedIn("no-such-notebook"))).toHaveLength(1);
    // Each allowance says why it may stay.
    for (const [id, list] of Object.entries(ALLOWED))
      for (const a of list) expect(a.why.length, `${id}: ${a.phrase}`).toBeGreaterThan(10);
  });

  it("a registered phrase exempts as many occurrences as the notebook produced, so a hand-typed copy is caught", () => {
    // Before, one computed "worse than" let every other "worse than" on the page pass.
    const page = "p99 is 160 ms, worse than inline; and threads are worse than processes anyway.";
    expect(handTypedComparatives(page, ["worse than"])).toEqual([expect.stringContaining("processes anyway")]);
    expect(handTypedComparatives(page, ["worse than", "worse than"])).toEqual([]);
    // Longest first: a computed "much worse than" does not hand its budget to a bare "worse than".
    expect(handTypedComparatives("much worse than alone, and worse than one", ["much worse than"])).toEqual([
      expect.stringContaining("worse than one"),
    ]);
    // Over several texts the count is shared: produced once for the page, a copy in an alt text is caught.
    const texts = [
      ["page", "p99 is 160 ms, worse than inline."],
      ["alt text", "Threads are worse than processes."],
    ] as const;
    expect(handTypedIn(texts, ["worse than"])).toEqual([expect.stringMatching(/^alt text: .*worse than processes/)]);
    expect(handTypedIn(texts, ["worse than", "worse than"])).toEqual([]);
    // An allowed fragment is exempt wherever it occurs in its notebook.
    expect(handTypedIn(texts, [], ["worse than"])).toEqual([]);
  });

  it("the scan reads a page's statements, its alt texts and the text drawn in an SVG", () => {
    const html =
      '<p><strong>Question.</strong> do threads beat processes?</p><p class="claim"><strong>The classic advice.</strong> better</p><p>threads are <em>faster</em></p><img alt="it&#39;s clearly so">';
    expect(pageStatements(html)).not.toMatch(/beat|better/);
    expect(pageStatements(html)).toMatch(/faster/);
    expect(altTexts(html)).toBe("it's clearly so");
    expect(svgText("<svg><text><tspan>much better</tspan><tspan>than</tspan></text></svg>")).toBe("much better than");
    expect(
      handTypedComparatives(svgText("<svg><text><tspan>much better</tspan><tspan>than</tspan></text></svg>"), [
        "much better than",
      ]),
    ).toEqual([]);
    // A chart writes its title and caption both drawn and for screen readers: two texts, read apart.
    const svg =
      "<svg><title>T: 4× as fast</title><desc>much better than one</desc><text>much better than one</text></svg>";
    expect(svgTexts(svg)).toEqual({ drawn: "much better than one", described: "T: 4× as fast much better than one" });
    // An alt text is the figure's title and what to take from it; the title is read in the SVG.
    const page = '<img src="a.svg" alt="T: 4× as fast. Threads win." width="10">';
    expect(figureAlts(page)).toEqual([["a.svg", "T: 4× as fast. Threads win."]]);
    // In either order of its attributes: an image whose alt came first was skipped, unread.
    expect(figureAlts('<img alt="Threads win." width="10" src="b.svg">')).toEqual([["b.svg", "Threads win."]]);
    expect(altBeyondTitle("T: 4× as fast. Threads win.", svg)).toBe(". Threads win.");
    expect(altBeyondTitle("Other. Threads win.", svg)).toBe("Other. Threads win.");
  });
});
