import fc from "fast-check";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { cleanPlotSvg, finishSvg, normalizeSvgText, roundNumbers, SVG_NS } from "../../src/charts/svg.js";
import { INK } from "../../src/charts/theme.js";

function parse(markup: string): { root: Element; serializer: XMLSerializer } {
  const { window } = new JSDOM("");
  const doc = new window.DOMParser().parseFromString(markup, "image/svg+xml");
  return { root: doc.documentElement, serializer: new window.XMLSerializer() };
}

describe("svg", () => {
  it("roundNumbers rounds decimals to 2 places and leaves integers and hex colours alone", () => {
    expect(roundNumbers("M1.23456,7.899L-0.001,3")).toBe("M1.23,7.9L0,3");
    expect(roundNumbers("#e6e6e6 translate(40,120)")).toBe("#e6e6e6 translate(40,120)");
    expect(roundNumbers("1.5e-7")).toBe("0");
  });

  it("cleanPlotSvg removes <style>, classes, empty <text>, the font and CSS variables, and replaces currentColor", () => {
    const { root } = parse(
      `<svg xmlns="${SVG_NS}" class="gilsim" fill="currentColor" font-family="system-ui"><style>.a{}</style>` +
        `<g stroke="currentColor" class="x"><text/><text fill="var(--plot-background)">a</text></g></svg>`,
    );
    cleanPlotSvg(root);
    const out = root.outerHTML;
    expect(out).not.toMatch(/style|class|currentColor|var\(|font-family/);
    expect(out).toContain(`fill="${INK}"`);
    expect(out).toContain('fill="#ffffff"');
    expect(root.querySelectorAll("text")).toHaveLength(1);
  });

  it("finishSvg renames ids in document order, rewrites references and writes xmlns once", () => {
    const { root, serializer } = parse(
      `<svg xmlns="${SVG_NS}"><svg><clipPath id="plot-clip-7"/><g clip-path="url(#plot-clip-7)"/></svg>` +
        `<svg><clipPath id="plot-clip-3"/><use href="#plot-clip-3"/></svg><rect x="1.23456"/></svg>`,
    );
    const text = finishSvg(root, serializer);
    expect(text.match(/xmlns=/g)).toHaveLength(1);
    expect(text).toContain('id="clip-1"');
    expect(text).toContain('clip-path="url(#clip-1)"');
    expect(text).toContain('id="clip-2"');
    expect(text).toContain('href="#clip-2"');
    expect(text).toContain('x="1.23"');
    expect(text.endsWith("\n")).toBe(true);
  });

  it("finishSvg refuses a root that is not an svg element", () => {
    const { root, serializer } = parse(`<g xmlns="${SVG_NS}"/>`);
    expect(() => finishSvg(root, serializer)).toThrow("finishSvg needs an <svg> root");
  });

  it("normalizeSvgText is idempotent and ends in exactly one newline", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const once = normalizeSvgText(s);
        expect(normalizeSvgText(once)).toBe(once);
        expect(once.endsWith("\n")).toBe(true);
        expect(once.endsWith("\n\n")).toBe(false);
      }),
    );
    expect(normalizeSvgText('<a x="1.23456"/>  \r\n')).toBe('<a x="1.23"/>\n');
  });
});
