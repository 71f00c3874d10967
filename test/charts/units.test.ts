import * as Plot from "@observablehq/plot";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { composeFigure, panel } from "../../src/charts/figure.js";
import { swatchLegend } from "../../src/charts/legend.js";
import { createRenderContext, plotSvg } from "../../src/charts/render.js";
import { textWidth, wrapText } from "../../src/charts/text-measure.js";
import { bindUnits } from "../../src/charts/units.js";

const NBSP = "\u00a0";

describe("bindUnits", () => {
  it("bindUnits joins a number to its unit with a no-break space, and nothing else", () => {
    expect(bindUnits("p99 12.5 ms at 0.1 ms, 64 KiB, 3 s and 120 tasks/s")).toBe(
      `p99 12.5${NBSP}ms at 0.1${NBSP}ms, 64${NBSP}KiB, 3${NBSP}s and 120${NBSP}tasks/s`,
    );
    expect(bindUnits("1,000 µs; 4 ns; 30 us")).toBe(`1,000${NBSP}µs; 4${NBSP}ns; 30${NBSP}us`);
    // Counts are not units, and a unit must end its word: "5 switch", "4 cores", "2 msgs" stay apart.
    expect(bindUnits("5 switch intervals on 4 cores, 2 msgs, 3 seconds")).toBe(
      "5 switch intervals on 4 cores, 2 msgs, 3 seconds",
    );
    expect(bindUnits("Python 3.12 and 16 threads")).toBe("Python 3.12 and 16 threads");
  });

  it("bindUnits changes only the spaces it binds (the text is otherwise the same)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = bindUnits(s);
        expect(out.length).toBe(s.length);
        expect(out.replaceAll(NBSP, " ")).toBe(s.replaceAll(NBSP, " "));
      }),
    );
  });
});

describe("no-break spaces in figures", () => {
  it("wrapText never breaks a line at a no-break space, and measures it as a space", () => {
    const text = `a${NBSP}b c`;
    expect(wrapText(text, textWidth("a b", 10), 10)).toEqual([`a${NBSP}b`, "c"]);
    expect(textWidth(NBSP, 10)).toBe(textWidth(" ", 10));
  });

  it("composeFigure keeps each number with its unit in the title and subtitle however they wrap", () => {
    const context = createRenderContext();
    const plot = plotSvg(context, { width: 300, height: 100, marks: [Plot.lineY([1, 2])] });
    const legend = swatchLegend(context, [{ items: [{ kind: "box", label: "s", fill: "#0072B2" }] }], 300);
    // Narrow enough that the title wraps many times: at every width, no line ends in a bare number.
    for (const width of [320, 360, 400, 480]) {
      const figure = composeFigure(context, {
        width,
        title: "The p99 is 12.5 ms beside 4 threads at a 0.1 ms interval and 64 KiB per task",
        subtitle: "alone 35.2 µs per round trip, 28,711 round trips/s",
        legends: [legend],
        panels: [[panel(plot, 300, 100)]],
      });
      expect(figure.title).toContain(`12.5${NBSP}ms`);
      const lines = [...figure.svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1] as string);
      expect(lines.join(" ")).toContain(`0.1${NBSP}ms`);
      expect(lines.join(" ")).toContain(`35.2${NBSP}µs`);
      // No line ends in a number whose unit starts the next line.
      lines.slice(1).forEach((line, i) => {
        if (/\d$/.test(lines[i] as string)) expect(line).not.toMatch(/^(ms|µs|KiB)(?!\p{L})/u);
      });
    }
  });
});
