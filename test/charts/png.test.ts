import * as Plot from "@observablehq/plot";
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { composeFigure, panel } from "../../src/charts/figure.js";
import { FONT_FILES, svgToPng } from "../../src/charts/png.js";
import { createRenderContext, plotSvg } from "../../src/charts/render.js";

function figure() {
  const context = createRenderContext();
  const plot = plotSvg(context, { width: 368, height: 120, marks: [Plot.lineY([1, 2, 4])] });
  return composeFigure(context, { width: 400, title: "Throughput", panels: [[panel(plot, 368, 120)]] });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe("svgToPng", () => {
  it("svgToPng renders at twice the figure's size by default, as a PNG", () => {
    const fig = figure();
    const png = svgToPng(fig.svg);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngSize(png)).toEqual([2 * fig.width, 2 * fig.height]);
    expect(pngSize(svgToPng(fig.svg, { scale: 1 }))).toEqual([fig.width, fig.height]);
  });

  it("svgToPng draws the title with the DejaVu fonts it loads by path: dark pixels where the title is", () => {
    const fig = figure();
    const image = new Resvg(fig.svg, {
      fitTo: { mode: "zoom", value: 1 },
      font: { fontFiles: [...FONT_FILES], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
    }).render();
    const pixels = image.pixels;
    const dark = (x0: number, y0: number, x1: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) if ((pixels[(y * image.width + x) * 4] as number) < 100) n++;
      }
      return n;
    };
    expect(dark(16, 18, 120, 36)).toBeGreaterThan(50);
    expect(dark(300, 0, 400, 14)).toBe(0);
    expect(pixels[0]).toBe(255);
  });

  it("svgToPng gives the same bytes twice", () => {
    const svg = figure().svg;
    expect(svgToPng(svg).equals(svgToPng(svg))).toBe(true);
  });

  it("svgToPng rejects a scale that is not a positive number", () => {
    expect(() => svgToPng(figure().svg, { scale: 0 })).toThrow("invalid scale: 0 (expected a positive number)");
  });
});
