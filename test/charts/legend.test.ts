import { describe, expect, it } from "vitest";
import { type LegendItem, swatchLegend } from "../../src/charts/legend.js";
import { createRenderContext } from "../../src/charts/render.js";
import { textWidth } from "../../src/charts/text-measure.js";
import { LEGEND_SIZE } from "../../src/charts/theme.js";

const items: LegendItem[] = Array.from({ length: 9 }, (_, i) => ({
  kind: "box",
  label: `state number ${i}`,
  fill: "#0072B2",
}));

function layout(maxWidth: number) {
  const context = createRenderContext();
  const block = swatchLegend(context, [{ title: "Thread state", items }], maxWidth);
  const labels = [...block.node.querySelectorAll("text")].filter((t) => t.textContent !== "Thread state:");
  return { block, labels };
}

describe("swatchLegend", () => {
  it("swatchLegend keeps every label inside maxWidth, wrapping to more rows as the width shrinks", () => {
    for (const maxWidth of [900, 500, 260]) {
      const { block, labels } = layout(maxWidth);
      expect(labels).toHaveLength(items.length);
      for (const label of labels) {
        const right = Number(label.getAttribute("x")) + textWidth(label.textContent ?? "", LEGEND_SIZE);
        expect(right).toBeLessThanOrEqual(maxWidth);
      }
      const rows = new Set(labels.map((l) => l.getAttribute("y"))).size;
      expect(block.height).toBe(rows * Math.ceil(LEGEND_SIZE * 1.7));
    }
    expect(layout(260).block.height).toBeGreaterThan(layout(900).block.height);
  });

  it("swatchLegend draws one swatch per item, in the item's colour, with split boxes, lines and glyphs", () => {
    const context = createRenderContext();
    const block = swatchLegend(
      context,
      [
        {
          items: [
            { kind: "box", label: "a", fill: "#111111", fill2: "#222222" },
            { kind: "line", label: "b", stroke: "#333333", glyph: "square", dash: "4,2" },
            { kind: "glyph", label: "c", glyph: "diamond", fill: "#444444", stroke: "#555555" },
          ],
        },
      ],
      400,
    );
    const markup = block.node.outerHTML;
    for (const colour of ["#111111", "#222222", "#333333", "#444444", "#555555"]) expect(markup).toContain(colour);
    expect(markup).toContain('stroke-dasharray="4,2"');
    expect(block.node.querySelectorAll("path")).toHaveLength(2);
  });

  it("swatchLegend returns an empty block for groups without items", () => {
    const block = swatchLegend(createRenderContext(), [{ title: "Markers", items: [] }], 400);
    expect(block.height).toBe(0);
    expect(block.node.childNodes).toHaveLength(0);
  });
});
