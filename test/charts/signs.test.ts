import { describe, expect, it } from "vitest";
import { composeFigure } from "../../src/charts/figure.js";
import { createRenderContext } from "../../src/charts/render.js";
import { MINUS, minusSigns, signedNumber, signedPercent } from "../../src/charts/signs.js";
import { svgTexts } from "../fixtures/golden.js";

describe("signs", () => {
  it("minusSigns writes a hyphen-minus used as a sign as U+2212 and leaves ranges, dates, exponents and words", () => {
    expect(minusSigns("p99 -19.6% (worst -84.8%)")).toBe(`p99 ${MINUS}19.6% (worst ${MINUS}84.8%)`);
    expect(minusSigns("-5% to +15%")).toBe(`${MINUS}5% to +15%`);
    expect(minusSigns("nice -20, [-1, 2], x=-.5")).toBe(`nice ${MINUS}20, [${MINUS}1, 2], x=${MINUS}.5`);
    for (const kept of ["Python 3.9-3.13", "recorded 2026-11-29", "1e-9", "x-2", "--live", "linux 6.18.44-fc-v782"]) {
      expect(minusSigns(kept)).toBe(kept);
    }
  });

  it("signedNumber and signedPercent write U+2212, a plus when asked, and no sign on what rounds to zero", () => {
    expect(signedNumber(-3.21, 1)).toBe(`${MINUS}3.2`);
    expect(signedNumber(3.21, 1, true)).toBe("+3.2");
    expect(signedNumber(3.21, 1)).toBe("3.2");
    expect(signedNumber(-0.04, 1, true)).toBe("0.0");
    expect(signedNumber(0.04, 1, true)).toBe("0.0");
    expect(signedPercent(-0.0004)).toBe("0.0%");
    expect(signedPercent(0.123)).toBe("+12.3%");
    expect(signedPercent(-0.848)).toBe(`${MINUS}84.8%`);
    expect(signedPercent(-0.848, { digits: 0, plus: false })).toBe(`${MINUS}85%`);
    expect(signedPercent(Number.NaN)).toBe("n/a");
  });

  it("composeFigure writes the title, subtitle and caption with minus signs (and keeps what is no sign)", () => {
    const context = createRenderContext();
    const figure = composeFigure(context, {
      width: 640,
      title: "Makespan -0.1%, p99 -19.6%",
      subtitle: "CPython 3.9-3.13, recorded 2026-11-29",
      caption: "Error (simulated - measured) / measured: -5% to +15%.",
      panels: [],
    });
    const text = svgTexts(figure.svg).join("\n");
    expect(text).toContain(`Makespan ${MINUS}0.1%, p99 ${MINUS}19.6%`);
    expect(text).toContain("3.9-3.13");
    expect(text).toContain("2026-11-29");
    expect(text).toContain(`${MINUS}5% to +15%`);
    // "simulated - measured" is an operator between words, not a sign before a number: left as written.
    expect(text).toContain("(simulated - measured)");
    expect(figure.title).toBe(`Makespan ${MINUS}0.1%, p99 ${MINUS}19.6%`);
  });
});
