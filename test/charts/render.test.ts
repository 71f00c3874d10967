import * as Plot from "@observablehq/plot";
import { describe, expect, it } from "vitest";
import { createRenderContext, plotSvg } from "../../src/charts/render.js";
import { SVG_NS } from "../../src/charts/svg.js";

describe("render", () => {
  it("createRenderContext gives each render a document of its own and leaves the global DOM alone", () => {
    const a = createRenderContext();
    const b = createRenderContext();
    expect(a.document).not.toBe(b.document);
    expect((globalThis as { document?: unknown }).document).toBeUndefined();
  });

  it("plotSvg renders Plot into the context's document and returns a cleaned <svg>", () => {
    const context = createRenderContext();
    const svg = plotSvg(context, { width: 400, height: 200, marks: [Plot.lineY([1, 3, 2]), Plot.frame()] });
    expect(svg.namespaceURI).toBe(SVG_NS);
    expect(svg.ownerDocument).toBe(context.document);
    expect(svg.getAttribute("width")).toBe("400");
    const markup = context.serializer.serializeToString(svg);
    expect(markup).not.toMatch(/currentColor|<style|class=|font-family/);
  });

  it("plotSvg refuses options the figure draws itself (titles, captions, legends)", () => {
    const context = createRenderContext();
    expect(() => plotSvg(context, { title: "x", marks: [] })).toThrow("the figure draws title");
    expect(() => plotSvg(context, { color: { legend: true }, marks: [] })).toThrow("the figure draws legends");
  });
});
