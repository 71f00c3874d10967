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

  it("utilizationChart's legend names only the states some bar shows at least a pixel wide", () => {
    const usage = smallUsage();
    const texts = svgTexts(utilizationChart(usage).svg);
    // The fixture has every state on some thread for a millisecond or more (of 30 ms).
    for (const label of ["running, holds GIL", "running, no GIL", "waiting for GIL", "IO / sleep", "idle"]) {
      expect(texts).toContain(label);
    }
    // 'waiting for a core' at 0.01% of the window on one thread (under a pixel of a 700 px bar): not named.
    const thin = usage.map((t, i) =>
      i === 0
        ? { ...t, share: { ...t.share, "wait-core": 0.0001, io: t.share.io + t.share["wait-core"] - 0.0001 } }
        : { ...t, share: { ...t.share, "wait-core": 0 } },
    );
    expect(svgTexts(utilizationChart(thin).svg)).not.toContain("waiting for a core");
    const wide = usage.map((t, i) =>
      i === 0 ? { ...t, share: { ...t.share, "wait-core": 0.05, io: t.share.io + t.share["wait-core"] - 0.05 } } : t,
    );
    expect(svgTexts(utilizationChart(wide).svg)).toContain("waiting for a core");
  });

  it("utilizationChart sorts bars by GIL wait when asked", () => {
    const texts = svgTexts(utilizationChart(smallUsage(), { sort: "wait-gil" }).svg);
    const order = ["ThreadPoolExecutor-0_0", "cruncher", "MainThread", "ThreadPoolExecutor-0_1"].map((n) =>
      texts.indexOf(n),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("utilizationChart rejects shares adding up to more than 1", () => {
    const [first] = smallUsage();
    if (!first) throw new Error("fixture is empty");
    expect(() => utilizationChart([{ ...first, share: { ...first.share, idle: 0.5 } }])).toThrow(
      /invalid threads\[0\]\.share \(sum\): 1\.5\d* \(expected shares adding up to 1, or less for a thread started late\)/,
    );
  });

  it("utilizationChart hatches the part of the window before a late thread started, and says so in the legend", () => {
    const [first] = smallUsage();
    if (!first) throw new Error("fixture is empty");
    // A thread that existed for the last 60% of the window: its shares add up to 0.6.
    const late = { ...first, share: { gil: 0.2, nogil: 0, "wait-gil": 0.1, "wait-core": 0, io: 0.3, idle: 0 } };
    const { svg } = utilizationChart([late]);
    expect(svgTexts(svg)).toContain("not started / ended");
    const id = /<pattern id="(absent-hatch[-\w]*)"/.exec(svg)?.[1];
    expect(id).toBeDefined();
    // One hatched bar segment: from 60% of the window to its end.
    expect(svg.split(`fill="url(#${id})"`).length - 1).toBe(1);
    // Without a late thread, neither the hatching nor its legend entry appears.
    const full = utilizationChart(smallUsage()).svg;
    expect(svgTexts(full)).not.toContain("not started / ended");
    expect(full).not.toContain("absent-hatch");
  });
});
