import { describe, expect, it } from "vitest";
import { rampLegend } from "../../src/charts/legend-ramp.js";
import { createRenderContext } from "../../src/charts/render.js";

const grey = (v: number): string => {
  const c = Math.round(Math.max(0, Math.min(1, v / 10)) * 255)
    .toString(16)
    .padStart(2, "0");
  return `#${c}${c}${c}`;
};

function ticks(node: Element): { x: number; text: string }[] {
  return [...node.querySelectorAll("text")]
    .slice(1)
    .map((t) => ({ x: Number(t.getAttribute("x")), text: t.textContent ?? "" }));
}

describe("rampLegend", () => {
  it("rampLegend's gradient runs from the colour of the domain's start to that of its end", () => {
    const block = rampLegend(createRenderContext(), {
      color: grey,
      domain: [0, 10],
      label: "p99 (ms)",
      width: 200,
      format: String,
    });
    const stops = [...block.node.querySelectorAll("stop")];
    expect(stops[0]?.getAttribute("stop-color")).toBe("#000000");
    expect(stops.at(-1)?.getAttribute("stop-color")).toBe("#ffffff");
    expect(stops[16]?.getAttribute("stop-color")).toBe(grey(5));
    expect(block.node.querySelector("text")?.textContent).toBe("p99 (ms)");
  });

  it("rampLegend places ticks at their values and keeps their labels on the bar", () => {
    const block = rampLegend(createRenderContext(), {
      color: grey,
      domain: [0, 10],
      label: "v",
      width: 200,
      format: String,
    });
    const found = ticks(block.node);
    expect(found.map((t) => t.text)).toEqual(["0", "5", "10"]);
    expect(found[1]?.x).toBe(100);
    for (const t of found) expect(t.x).toBeGreaterThan(0);
    expect(Math.max(...found.map((t) => t.x))).toBeLessThan(200);
  });

  it("rampLegend puts a diverging scale's pivot in the middle of the bar, on a log scale too", () => {
    const block = rampLegend(createRenderContext(), {
      color: () => "#000000",
      domain: [0.25, 1, 4],
      type: "log",
      label: "speedup",
      width: 200,
      format: String,
    });
    const pivot = ticks(block.node).find((t) => t.text === "1");
    expect(pivot?.x).toBe(100);
    expect(ticks(block.node).map((t) => t.text)).toContain("2");
  });

  it("rampLegend rejects a domain that is not 2 or 3 values", () => {
    expect(() =>
      rampLegend(createRenderContext(), { color: grey, domain: [1], label: "v", width: 100, format: String }),
    ).toThrow("invalid ramp domain: 1 values (expected 2 or 3)");
  });
});
