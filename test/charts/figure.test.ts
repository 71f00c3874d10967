import * as Plot from "@observablehq/plot";
import { describe, expect, it } from "vitest";
import { composeFigure, panel } from "../../src/charts/figure.js";
import { swatchLegend } from "../../src/charts/legend.js";
import { createRenderContext, plotSvg } from "../../src/charts/render.js";
import { expectSvgInvariants, svgTexts } from "../fixtures/golden.js";

function build(caption: string | undefined) {
  const context = createRenderContext();
  const plot = plotSvg(context, { width: 568, height: 200, marks: [Plot.lineY([1, 2, 4])] });
  const legend = swatchLegend(context, [{ items: [{ kind: "box", label: "series", fill: "#0072B2" }] }], 568);
  return composeFigure(context, {
    width: 600,
    title: "A title",
    subtitle: "a subtitle",
    legends: [legend],
    panels: [[panel(plot, 568, 200)]],
    caption,
  });
}

describe("composeFigure", () => {
  it("composeFigure makes one standalone svg with title, subtitle, legend, plot and caption inside", () => {
    const figure = build("A caption that explains how to read the figure.");
    expectSvgInvariants(figure.svg);
    expect(figure.svg).toContain("<title>A title</title>");
    expect(svgTexts(figure.svg).slice(0, 3)).toEqual(["A title", "a subtitle", "series"]);
    expect(svgTexts(figure.svg).at(-1)).toBe("A caption that explains how to read the figure.");
    expect(figure.svg.match(/<svg[\s>]/g)).toHaveLength(2);
    expect(figure.width).toBe(600);
  });

  it("composeFigure grows the figure by the caption's wrapped lines", () => {
    const short = build("Short.");
    const long = build("A much longer caption ".repeat(12));
    const none = build(undefined);
    expect(long.height).toBeGreaterThan(short.height);
    expect(short.height).toBeGreaterThan(none.height);
    expect(long.svg).toContain(`height="${long.height}"`);
  });

  it("composeFigure gives the same bytes for the same input", () => {
    expect(build("c").svg).toBe(build("c").svg);
  });
});
