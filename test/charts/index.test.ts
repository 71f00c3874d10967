import { describe, expect, it } from "vitest";
import {
  ecdfChart,
  heatmapChart,
  queueChart,
  scalingChart,
  simRealChart,
  svgToPng,
  timelineChart,
  utilizationChart,
  writeFigure,
} from "../../src/charts/index.js";

describe("charts entry", () => {
  it("src/charts/index.ts exports one function per chart and the PNG and file writers", () => {
    const exported = [
      timelineChart,
      scalingChart,
      ecdfChart,
      utilizationChart,
      queueChart,
      heatmapChart,
      simRealChart,
      svgToPng,
      writeFigure,
    ];
    for (const f of exported) expect(typeof f).toBe("function");
  });
});
