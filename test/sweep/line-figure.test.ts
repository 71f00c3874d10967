import { describe, expect, test } from "vitest";
import { contrastRatio, EXECUTOR_STYLES, kindRamp, kindShade } from "../../src/charts/palette.js";
import { type LineData, type LineSeries, lineData, MAX_SERIES } from "../../src/sweep/figure-data.js";
import { executorKind, lineStyles, sweepLineFigure } from "../../src/sweep/line-figure.js";
import { gridSweep, versionSweep } from "./doc-fixture.js";

/** The distinct fill colours of the figure's markers (Plot draws each line's dots in one group). */
function markerFills(svg: string): string[] {
  const fills = [...svg.matchAll(/<g aria-label="dot" fill="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1] as string);
  return [...new Set(fills)].sort();
}

/** [x, y] px of each of a group's items in the plot: its own translate plus the group's (Plot's dx, dy). */
function placed(svg: string, label: "dot" | "text", content = ""): [number, number][] {
  const out: [number, number][] = [];
  const groups = svg.matchAll(
    new RegExp(`<g aria-label="${label}"[^>]*?(?: transform="translate\\(([-\\d.]+),([-\\d.]+)\\)")?>(.*?)</g>`, "g"),
  );
  for (const [, gx, gy, inner] of groups) {
    const items = (inner ?? "").matchAll(/transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)/g);
    for (const [, x, y, text] of items) {
      if (text === content) out.push([Number(x) + Number(gx ?? 0), Number(y) + Number(gy ?? 0)]);
    }
  }
  return out;
}

function data() {
  const { meta, rows } = gridSweep();
  const d = lineData(meta, rows, "latency.p99");
  if (!d) throw new Error("no line data");
  return d;
}

describe("sweepLineFigure", () => {
  test("sweepLineFigure draws one standalone svg with a line and a legend entry per series", () => {
    const figure = sweepLineFigure(data(), { subtitle: "sweep grid" });
    expect(figure.svg.startsWith("<svg")).toBe(true);
    expect(figure.svg.match(/xmlns="http:\/\/www.w3.org\/2000\/svg"/g)).toHaveLength(1);
    expect(figure.svg).toContain("P99 latency against workers");
    expect(figure.svg).toContain("p99 latency (ms)");
    expect(figure.svg).toContain("GIL: on");
    expect(figure.svg).toContain("GIL: off");
    expect(figure.svg).not.toMatch(/executor\.workers|runtime\.gil/);
    expect(figure.svg).not.toContain("currentColor");
    expect(figure.width).toBe(720);
  });

  test("sweepLineFigure uses a log axis when the metric spans two decades, a linear one below", () => {
    // The fixture's p99 runs from 50 to 200 ms: linear.
    expect(sweepLineFigure(data()).svg).not.toContain("log scale");
    // Overloaded at one worker (20 s), 20 ms at four: three decades.
    const wide = data();
    wide.series = wide.series.map((s) => ({
      ...s,
      points: s.points.map((p) => (p.x === 1 ? { ...p, y: 20e9, lo: 18e9, hi: 22e9 } : p)),
    }));
    const svg = sweepLineFigure(wide).svg;
    expect(svg).toContain("p99 latency (s), log scale");
    // Decade ticks, each labelled.
    for (const tick of [">0.1<", ">1<", ">10<"]) expect(svg).toContain(tick);
    // A wide interval alone does not make the axis logarithmic: the means decide.
    const wideInterval = data();
    wideInterval.series = wideInterval.series.map((s) => ({
      ...s,
      points: s.points.map((p) => (p.x === 1 ? { ...p, hi: 100 * p.y } : p)),
    }));
    expect(sweepLineFigure(wideInterval).svg).not.toContain("log scale");
  });

  test("sweepLineFigure gives the same bytes for the same data", () => {
    expect(sweepLineFigure(data()).svg).toBe(sweepLineFigure(data()).svg);
  });

  test("sweepLineFigure refuses data without points", () => {
    expect(() => sweepLineFigure({ metric: "throughput", x: "w", series: [], fixed: "" })).toThrow(
      "invalid line data: no points for throughput",
    );
  });

  test("sweepLineFigure colours a Python version x workers sweep of threads by kind: 3.12 as GIL threads, 3.13t as free threads", () => {
    const { meta, rows } = versionSweep();
    const d = lineData(meta, rows, "latency.p99");
    if (!d) throw new Error("no line data");
    // executor.kind is fixed by a one-value axis: the lines differ by Python version only.
    expect(d.series.map((s) => s.label)).toEqual(["Python version: 3.12", "Python version: 3.13t"]);
    const gil = EXECUTOR_STYLES["threads-gil"];
    const free = EXECUTOR_STYLES["threads-nogil"];
    expect(lineStyles(d)).toEqual([
      { color: gil.color, symbol: gil.symbol, dash: undefined },
      { color: free.color, symbol: free.symbol, dash: undefined },
    ]);
    const svg = sweepLineFigure(d).svg;
    // Markers, lines and legend in the kinds' colours; never asyncio's blue.
    expect(markerFills(svg)).toEqual([free.color, gil.color].sort());
    expect(svg).toContain(`stroke="${gil.color}"`);
    expect(svg).toContain(`stroke="${free.color}"`);
    expect(svg).not.toContain(EXECUTOR_STYLES.asyncio.color);
    // Workers 2..32 double: a log x axis, labelled so.
    expect(svg).toContain(">workers, log scale<");
  });

  test("executorKind reads the kind from a line's values, else from what the sweep fixes", () => {
    expect(executorKind({ "runtime.python": "3.13t" }, { "executor.kind": "threads" })).toBe("threads-nogil");
    expect(executorKind({ "runtime.python": "3.13t", "runtime.gil": "on" }, { "executor.kind": "threads" })).toBe(
      "threads-gil",
    );
    expect(executorKind({ "runtime.gil": "off" }, { "executor.kind": "threads", "runtime.python": "3.14t" })).toBe(
      "threads-nogil",
    );
    expect(executorKind({ "executor.kind": "threads" }, {})).toBe("threads-gil");
    expect(executorKind({ "executor.kind": "processes", "runtime.python": "3.13t" }, {})).toBe("processes");
    expect(executorKind({ "machine.cores": 4 }, { "executor.kind": "asyncio" })).toBe("asyncio");
    expect(executorKind({ "machine.cores": 4 }, {})).toBeNull();
  });

  test("lineStyles gives the 2nd and 3rd line of one kind darker shades of its colour and a dash", () => {
    const series: LineSeries[] = [2, 4, 8].map((cores) => ({
      label: `cores: ${cores}`,
      values: { "machine.cores": cores },
      points: [{ x: 1, y: 1, lo: 1, hi: 1 }],
    }));
    const styles = lineStyles({ series, context: { "executor.kind": "processes" } });
    const orange = EXECUTOR_STYLES.processes.color;
    expect(styles.map((s) => s.color)).toEqual([orange, kindShade(orange, 1), kindShade(orange, 2)]);
    expect(new Set(styles.map((s) => s.color)).size).toBe(3);
    expect(styles.every((s) => s.symbol === "triangle")).toBe(true);
    expect(styles.map((s) => s.dash)).toEqual([undefined, "7,4", "2,3"]);
  });

  test("lineStyles never gives a line of unknown kind an executor kind's colour and symbol", () => {
    const series: LineSeries[] = Array.from({ length: MAX_SERIES }, (_, k) => ({
      label: `cores: ${k + 1}`,
      values: { "machine.cores": k + 1 },
      points: [{ x: 1, y: 1, lo: 1, hi: 1 }],
    }));
    const styles = lineStyles({ series, context: {} });
    const pairs = Object.values(EXECUTOR_STYLES).map((s) => `${s.color} ${s.symbol}`);
    for (const s of styles) expect(pairs).not.toContain(`${s.color} ${s.symbol}`);
    // The first seven still differ from each other in colour.
    expect(new Set(styles.slice(0, 7).map((s) => s.color)).size).toBe(7);
    // The grid fixture's scenario names no executor: its GIL on/off lines are generic, and neither
    // is asyncio's blue circle nor the GIL threads' vermillion square.
    const grid = data();
    const figure = lineStyles(grid);
    expect(figure.map((s) => `${s.color} ${s.symbol}`).filter((p) => pairs.includes(p))).toEqual([]);
  });

  test("sweepLineFigure writes each '≥' clear of every marker, beside its own point", () => {
    // At one worker, GIL on is cut short at 100 ms and GIL off sits at 106.5 ms: 14 px above on
    // this axis, where the '≥' used to be written, over the other line's marker.
    const ms = 1e6;
    const at = (x: number, y: number, flags = {}) => ({ x, y: y * ms, lo: y * 0.97 * ms, hi: y * 1.03 * ms, ...flags });
    const crowded: LineData = {
      metric: "latency.p99",
      x: "executor.workers",
      fixed: "",
      series: [
        {
          label: "GIL: on",
          values: { "runtime.gil": "on" },
          points: [at(1, 100, { capped: true }), at(2, 60), at(4, 40)],
        },
        { label: "GIL: off", values: { "runtime.gil": "off" }, points: [at(1, 106.5), at(2, 50), at(4, 30)] },
      ],
    };
    const svg = sweepLineFigure(crowded, { target: { value: 120 * ms, label: "target: p99 ≤ 120ms" } }).svg;
    const marks = placed(svg, "text", "≥");
    const dots = placed(svg, "dot");
    expect(marks).toHaveLength(1);
    expect(dots).toHaveLength(6);
    const [mark] = marks as [[number, number]];
    // Markers reach 6.2 px from their centre (the diamond), the '≥' about 5.6 px from its own.
    for (const [x, y] of dots) {
      if (Math.abs(x - mark[0]) < 12) expect(Math.abs(y - mark[1]), `dot at ${x},${y}`).toBeGreaterThan(11.8);
    }
    // Still beside the capped point: the nearest marker to it is its own.
    const distance = ([x, y]: [number, number]) => Math.hypot(x - mark[0], y - mark[1]);
    const nearest = [...dots].sort((a, b) => distance(a) - distance(b))[0] as [number, number];
    // Its own: of the two markers at one worker, the lower (100 ms, below the other line's 106.5).
    // (The lines are set a few px apart sideways, so the two are the leftmost pair.)
    const firstColumn = [...dots].sort((a, b) => a[0] - b[0]).slice(0, 2);
    expect(Math.abs((firstColumn[0]?.[0] ?? 0) - (firstColumn[1]?.[0] ?? 0))).toBeLessThan(12);
    const own = firstColumn.sort((a, b) => b[1] - a[1])[0];
    expect(nearest).toEqual(own);
    expect(distance(nearest)).toBeLessThan(20);
  });

  test("sweepLineFigure puts p99 on a log axis once the means span a decade", () => {
    const ms = 1e6;
    const line = (ys: number[]): LineData => ({
      metric: "latency.p99",
      x: "executor.workers",
      fixed: "",
      series: [{ label: "", values: {}, points: ys.map((y, i) => ({ x: 2 ** i, y: y * ms, lo: y * ms, hi: y * ms })) }],
    });
    // 131 ms to 7.4 s (57x): on a linear axis everything under 0.7 s would sit on the zero line.
    expect(sweepLineFigure(line([7420, 440, 131, 140])).svg).toContain("p99 latency (s), log scale");
    expect(sweepLineFigure(line([250, 100, 20])).svg).toContain("log scale");
    // Under a decade: linear.
    expect(sweepLineFigure(line([90, 40, 20])).svg).not.toContain("log scale");
  });

  test("lineStyles steps one executor kind's hue from light to dark when it has more lines than shades", () => {
    const asyncio = (rate: string): LineSeries => ({
      label: `rate: ${rate}`,
      values: { "executor.kind": "asyncio", "workload.arrivals.rate": rate },
      points: [],
    });
    const blue = EXECUTOR_STYLES.asyncio.color;
    const three = lineStyles({ series: ["50/s", "100/s", "200/s"].map(asyncio), context: {} });
    expect(three.map((s) => s.color)).toEqual([0, 1, 2].map((k) => kindShade(blue, k)));
    const rates = ["50/s", "100/s", "200/s", "300/s", "400/s"];
    const five = lineStyles({ series: rates.map(asyncio), context: {} });
    // Five lines, five colours of asyncio's hue, lighter to darker, each with asyncio's circle.
    expect(five.map((s) => s.color)).toEqual(rates.map((_, k) => kindRamp(blue, k, 5)));
    expect(new Set(five.map((s) => s.color)).size).toBe(5);
    expect(five.every((s) => s.symbol === EXECUTOR_STYLES.asyncio.symbol)).toBe(true);
    const light = five.map((s) => contrastRatio(s.color, "#ffffff"));
    for (let k = 1; k < light.length; k++) expect(light[k]).toBeGreaterThan(light[k - 1] as number);
  });

  test("sweepLineFigure writes a crowded column's '≥' beside it, at its point's height, not over another line's whisker", () => {
    const ms = 1e6;
    const pt = (x: number, y: number, spread: number, flags = {}) => ({
      x,
      y: y * ms,
      lo: (y - spread) * ms,
      hi: (y + spread) * ms,
      ...flags,
    });
    // At one worker the cut-short point (50 ms) sits under two other lines whose whiskers cover
    // the column from the axis floor to 1.5 s: there is no free place above or below within reach.
    const crowded: LineData = {
      metric: "latency.p99",
      x: "executor.workers",
      fixed: "",
      series: [
        { label: "a", values: {}, points: [pt(1, 50, 1, { capped: true }), pt(2, 40, 1), pt(4, 35, 1)] },
        { label: "b", values: {}, points: [pt(1, 800, 790), pt(2, 45, 1), pt(4, 40, 1)] },
        { label: "c", values: {}, points: [pt(1, 1000, 500), pt(2, 60, 1), pt(4, 50, 1)] },
      ],
    };
    const svg = sweepLineFigure(crowded).svg;
    const [mark] = placed(svg, "text", "≥") as [[number, number]];
    const dots = placed(svg, "dot");
    const own = [...dots].sort((p, q) => p[0] - q[0] || q[1] - p[1])[0] as [number, number];
    // Level with its own point, and off its column: clear of every marker there.
    expect(Math.abs(mark[1] - own[1])).toBeLessThan(1);
    expect(Math.abs(mark[0] - own[0])).toBeGreaterThan(10);
    expect(Math.abs(mark[0] - own[0])).toBeLessThan(30);
  });
});
