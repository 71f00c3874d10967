import { describe, expect, it } from "vitest";
import { utilizationChart } from "../../src/charts/utilization.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { smallUsage } from "../fixtures/usage.js";

describe("utilizationChart", () => {
  it("utilizationChart(smallUsage) matches its golden file", () => {
    const figure = utilizationChart(smallUsage());
    expectSvgInvariants(figure.svg);
    expectGolden("utilization", figure.svg);
  });

  it("utilizationChart writes the shares worked out by hand from the fixture trace", () => {
    // MainThread over 30 ms: GIL 4 ms (13%), waiting for the GIL 7 ms (23%), IO 18 ms (60%).
    // cruncher: GIL 20 ms (67%), waiting 10 ms (33%). Mean GIL wait (7 + 10 + 3 + 10) / 120 = 25%.
    const texts = svgTexts(utilizationChart(smallUsage()).svg);
    for (const label of ["13%", "23%", "60%", "67%", "33%"]) expect(texts).toContain(label);
    expect(texts).toContain("4 threads; mean GIL wait 25.0% of thread time");
    expect(texts).toContain("share of the measured window (%)");
  });

  it("utilizationChart sorts bars by GIL wait when asked", () => {
    const texts = svgTexts(utilizationChart(smallUsage(), { sort: "wait-gil" }).svg);
    const order = ["ThreadPoolExecutor-0_0", "cruncher", "MainThread", "ThreadPoolExecutor-0_1"].map((n) =>
      texts.indexOf(n),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("utilizationChart rejects shares that do not add up to 1", () => {
    const [first] = smallUsage();
    if (!first) throw new Error("fixture is empty");
    expect(() => utilizationChart([{ ...first, share: { ...first.share, idle: 0.5 } }])).toThrow(
      /invalid threads\[0\]\.share \(sum\): 1\.5\d* \(expected shares adding up to 1\)/,
    );
  });
});
