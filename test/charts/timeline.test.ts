import { describe, expect, it } from "vitest";
import { GIL_HOLD_SHADES, STATE_COLORS, STATE_LABELS } from "../../src/charts/palette.js";
import { timelineChart } from "../../src/charts/timeline.js";
import { MS, US } from "../../src/engine/time.js";
import { THREAD_STATES } from "../../src/trace/types.js";
import { bigTrace } from "../fixtures/big-trace.js";
import { expectGolden, expectSvgInvariants, svgTexts } from "../fixtures/golden.js";
import { smallTrace, twoProcessTrace } from "../fixtures/trace.js";

function count(svg: string, pattern: RegExp): number {
  return svg.match(pattern)?.length ?? 0;
}

describe("timelineChart", () => {
  it("timelineChart(smallTrace) matches its golden file", () => {
    const figure = timelineChart(smallTrace());
    expectSvgInvariants(figure.svg);
    expectGolden("timeline-small", figure.svg);
  });

  it("timelineChart with aggregate 'shares' and a zoom window matches its golden file", () => {
    const figure = timelineChart(smallTrace(), { aggregate: "shares", window: [6 * MS, 16 * MS], width: 640 });
    expectSvgInvariants(figure.svg);
    expectGolden("timeline-shares-zoom", figure.svg);
  });

  it("timelineChart of two processes matches its golden file: a GIL track and a rule per process", () => {
    const figure = timelineChart(twoProcessTrace(), { width: 720 });
    expectSvgInvariants(figure.svg);
    const texts = svgTexts(figure.svg);
    expect(texts).toContain("GIL, process 1");
    expect(texts).toContain("MainThread (process 1)");
    expectGolden("timeline-two-processes", figure.svg);
  });

  it("timelineChart of 3,000 intervals in 400 px shows each pixel column's dominant state (golden file)", () => {
    const figure = timelineChart(bigTrace(3000, 2, 7), { width: 400, maxIntervals: 1000 });
    expectSvgInvariants(figure.svg);
    expect(figure.svg).toContain("3,000 intervals");
    expectGolden("timeline-dominant", figure.svg);
  });

  it("timelineChart draws each interval once, in its state's colour, and each GIL hold in alternating shades", () => {
    const trace = smallTrace();
    const { svg } = timelineChart(trace);
    for (const state of THREAD_STATES) {
      const intervals = trace.intervals.filter((iv) => iv.state === state).length;
      const legendSwatch = 1;
      expect(count(svg, new RegExp(`fill="${STATE_COLORS[state]}"`, "g")), state).toBe(intervals + legendSwatch);
    }
    expect(count(svg, new RegExp(`fill="${GIL_HOLD_SHADES[0]}"`, "g"))).toBe(Math.ceil(trace.gil.length / 2) + 1);
    expect(count(svg, new RegExp(`fill="${GIL_HOLD_SHADES[1]}"`, "g"))).toBe(Math.floor(trace.gil.length / 2) + 1);
  });

  /**
   * smallTrace with its one 'waiting for a core' interval (1 ms, tens of px in its 30 ms window)
   * cut to `count` slivers of `length` ns, `every` ns apart, waits for the GIL between and after.
   */
  function waitCoreSlivers(length: number, count = 1, every = Number.POSITIVE_INFINITY) {
    const base = smallTrace();
    const intervals = base.intervals.flatMap((iv) =>
      iv.state !== "wait-core"
        ? [iv]
        : [...Array(count).keys()].flatMap((k) => {
            const at = k === 0 ? iv.start : iv.start + k * every;
            return [
              { ...iv, start: at, end: at + length },
              { ...iv, start: at + length, end: Math.min(iv.end, at + every), state: "wait-gil" as const },
            ];
          }),
    );
    return { ...base, intervals };
  }
  /** The widths (px) of the rectangles drawn in the 'waiting for a core' colour, the legend's swatch included. */
  const waitCoreWidths = (svg: string): number[] =>
    [...svg.matchAll(new RegExp(`width="([\\d.]+)"[^>]*fill="${STATE_COLORS["wait-core"]}"`, "gi"))].map((m) =>
      Number(m[1]),
    );

  it("timelineChart's legend leaves out a state drawn only far under a pixel (10 ns in 30 ms)", () => {
    const wide = svgTexts(timelineChart(smallTrace()).svg);
    const thin = svgTexts(timelineChart(waitCoreSlivers(10)).svg);
    expect(wide).toContain(STATE_LABELS["wait-core"]);
    expect(thin).not.toContain(STATE_LABELS["wait-core"]);
    for (const state of ["gil", "io", "wait-gil", "idle", "nogil"] as const)
      expect(thin).toContain(STATE_LABELS[state]);
  });

  it("timelineChart's legend names a state drawn as one hairline a reader sees (0.6 px)", () => {
    const figure = timelineChart(waitCoreSlivers(20_000));
    const slivers = waitCoreWidths(figure.svg).filter((w) => w < 1);
    expect(slivers).toHaveLength(1);
    expect(slivers[0]).toBeGreaterThan(0.25);
    expect(svgTexts(figure.svg)).toContain(STATE_LABELS["wait-core"]);
  });

  it("timelineChart's legend names a state drawn only as hairlines a reader sees (each under a pixel, a pixel or more in all)", () => {
    // Four 20 µs slivers (about 0.6 px each in a 30 ms window), 200 µs apart: faint lines, but
    // lines; the legend names them.
    const figure = timelineChart(waitCoreSlivers(20_000, 4, 200_000));
    // The four slivers, and the legend's swatch once it names the state.
    const slivers = waitCoreWidths(figure.svg).filter((w) => w < 1);
    expect(slivers).toHaveLength(4);
    for (const w of slivers) expect(w).toBeGreaterThan(0.25);
    expect(svgTexts(figure.svg)).toContain(STATE_LABELS["wait-core"]);
  });

  it("timelineChart draws a GIL hold narrower than 3 px 3 px wide in its holder's shade, and its caption counts them", () => {
    // A 10 ns hold in a 30 ms window is far under a pixel: at true width it would vanish.
    const base = smallTrace();
    const first = base.gil[0] as (typeof base.gil)[number];
    const gil = [{ ...first, end: first.start + 10 }, ...base.gil.slice(1)];
    const figure = timelineChart({ ...base, gil });
    const holds = [...figure.svg.matchAll(/<rect[^>]*width="([\d.]+)"[^>]*fill="(#[0-9a-fA-F]{6})"/g)].filter(
      (m) => m[2] === GIL_HOLD_SHADES[0] || m[2] === GIL_HOLD_SHADES[1],
    );
    expect(holds.length).toBeGreaterThan(2);
    const widths = holds.map((m) => Number(m[1]));
    expect(Math.min(...widths)).toBeCloseTo(3, 5);
    // The first hold gets the first shade, as at full width.
    const tick = holds.find((m) => Math.abs(Number(m[1]) - 3) < 1e-6);
    expect(tick?.[2]).toBe(GIL_HOLD_SHADES[0]);
    expect(figure.caption).toMatch(
      new RegExp(`${gil.length} GIL holds, 1 narrower than 3 px: those are drawn 3 px wide in their holder's shade`),
    );
    // At their true widths, none of the holds is narrower than 3 px: the caption says nothing of it.
    expect(timelineChart(base).caption).not.toMatch(/drawn 3 px wide/);
  });

  it("timelineChart names a state in the legend by the label it is given, and rejects a label for no state", () => {
    const label = "running a step (GIL not recorded)";
    const texts = svgTexts(timelineChart(smallTrace(), { gil: false, stateLabels: { gil: label } }).svg);
    expect(texts).toContain(label);
    expect(texts).not.toContain("running, holds GIL");
    expect(() => timelineChart(smallTrace(), { stateLabels: { nope: "x" } as never })).toThrow(/stateLabels\.nope/);
    expect(() => timelineChart(smallTrace(), { stateLabels: { gil: " " } })).toThrow(/stateLabels\.gil/);
  });

  it("timelineChart names the lanes and labels time in ms for a 30 ms run", () => {
    const texts = svgTexts(timelineChart(smallTrace()).svg);
    for (const lane of ["GIL", "MainThread", "ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1", "cruncher"]) {
      expect(texts).toContain(lane);
    }
    expect(texts).toContain("time (ms)");
    expect(texts).toContain("Thread timeline: fixture-small");
  });

  it("timelineChart gives the same bytes for the same trace", () => {
    expect(timelineChart(smallTrace()).svg).toBe(timelineChart(smallTrace()).svg);
  });

  it("timelineChart reduces a million intervals to a bounded figure: at most one rectangle per lane and pixel column", () => {
    const trace = bigTrace(1_000_000);
    const figure = timelineChart(trace, { width: 960 });
    const lanes = trace.threads.length + 1;
    expect(count(figure.svg, /<rect /g)).toBeLessThanOrEqual(2 * lanes * 960);
    expect(figure.svg.length).toBeLessThan(1_500_000);
    expect(figure.svg).toContain("1,000,000 intervals");
    expectSvgInvariants(figure.svg);
  });

  it("timelineChart zooms with window and measures a window far from 0 from its own start", () => {
    const trace = bigTrace(20_000, 4);
    const start = trace.end / 2;
    const figure = timelineChart(trace, { window: [start, start + 200 * US] });
    expect(figure.svg).toContain("All ");
    expect(svgTexts(figure.svg).some((t) => /^time after .* \(µs\)$/.test(t))).toBe(true);
  });

  it("timelineChart rejects bad options by name", () => {
    expect(() => timelineChart(smallTrace(), { window: [5, 5] })).toThrow(
      "invalid window: [5, 5] (expected [start, end] with start < end)",
    );
    expect(() => timelineChart(smallTrace(), { aggregate: "max" as "none" })).toThrow(
      'invalid aggregate: "max" (expected one of auto, none, dominant, shares)',
    );
    expect(() => timelineChart(smallTrace(), { threads: [] })).toThrow(
      "invalid threads: [] (expected a non-empty array of thread ids)",
    );
    expect(() => timelineChart(smallTrace(), { threads: [99] })).toThrow(
      "invalid threads: [99] (expected ids of threads in the trace)",
    );
  });

  it("timelineChart names a thread's narrow GIL holds with one shortened form, and a sole holder only in full", () => {
    const threads = [
      { id: 0, name: "MainThread", process: 0, role: "main" as const },
      { id: 1, name: "ThreadPoolExecutor-0_0", process: 0, role: "worker" as const },
      { id: 2, name: "ThreadPoolExecutor-0_1", process: 0, role: "worker" as const },
    ];
    // Holds of 2 to 9 ms, the two workers taking turns: the widest fit the whole name or nearly.
    const widths = [9, 2, 3, 4, 5, 6, 7, 8, 2.5, 3.5, 4.5, 6.5];
    let t = 0;
    const gil = widths.map((w, i) => {
      const hold = { process: 0, thread: 1 + (i % 2), start: t * MS, end: (t + w) * MS, reason: "forced" as const };
      t += w;
      return hold;
    });
    const intervals = gil.map((h) => ({ thread: h.thread, state: "gil" as const, start: h.start, end: h.end }));
    const trace = {
      scenario: "labels",
      seed: 1,
      end: t * MS,
      cores: 2,
      threads,
      intervals,
      gil,
      markers: [],
      tasks: [],
      iterations: [],
    };
    const texts = svgTexts(timelineChart(trace, { width: 700 }).svg);
    for (const tail of ["0_0", "0_1"]) {
      const short = new Set(texts.filter((x) => x.includes("…") && x.endsWith(tail)));
      expect(short.size, tail).toBe(1);
    }
    // And both workers keep the same head before the ellipsis.
    const heads = new Set(texts.filter((x) => x.includes("…")).map((x) => x.slice(0, x.indexOf("…"))));
    expect(heads.size).toBe(1);
    expect(texts.some((x) => x.includes("…"))).toBe(true);
    // One holder: no shortened names at all.
    const sole = {
      ...trace,
      gil: gil.map((h) => ({ ...h, thread: 1 })),
      intervals: intervals.map((iv) => ({ ...iv, thread: 1 })),
    };
    expect(svgTexts(timelineChart(sole, { width: 700 }).svg).filter((x) => x.includes("…"))).toEqual([]);
  });
});
