/*
 * The y-axis label Plot writes above the frame ("p99 (ms)", "loop lag (ms)") against the tick labels
 * below it, measured in real Chromium: data that puts a tick at the very top of the frame, with 3
 * to 5 characters ("500", "1k", "1,200", "2,000"), at a phone's and a desktop's figure width, in
 * both themes. Skipped, saying why, where no Chromium is installed.
 */
import { JSDOM } from "jsdom";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { drawLag } from "../../src/explore/figures/lag.js";
import { drawSparkline, type SweepPoint } from "../../src/explore/figures/sparkline.js";
import { THEMES, type ThemeName } from "../../src/explore/theme.js";
import type { LoopStats, Quantiles } from "../../src/metrics/types.js";
import { CHROMIUM_ARGS, chromiumPath, NO_CHROMIUM } from "../chromium.js";

const executable = chromiumPath();
let browser: Browser | null = null;
let page: Page | null = null;

beforeAll(async () => {
  if (!executable) return;
  browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const WORKERS = [1, 2, 4, 8, 16, 32, 64];

/** p99s in ms at 1 to 64 workers. */
function sweep(ms: readonly number[]): SweepPoint[] {
  return ms.map((v, i) => ({ workers: WORKERS[i] as number, p99: v * MS }));
}

/** Each case's largest value puts a tick at the top of the y domain (hi × 1.1, or × 1.25 on a log axis). */
const SPARKLINES: { name: string; points: SweepPoint[]; slo: number; top: string }[] = [
  { name: "3 digits", points: sweep([115, 125, 135, 160, 215, 330, 455]), slo: 300 * MS, top: "500" },
  { name: "4 digits", points: sweep([280, 310, 315, 340, 420, 700, 1092]), slo: 1000 * MS, top: "1,200" },
  { name: "4 digits, 2,000", points: sweep([900, 950, 1000, 1100, 1300, 1600, 1819]), slo: 1000 * MS, top: "2,000" },
  { name: "log", points: sweep([800.1, 50, 40, 38, 37, 36, 36]), slo: 100 * MS, top: "1,000" },
  // p99s from 3 ms to 2.5 s: a log axis in ms (its decades' middle), never "300m" or "1k".
  { name: "log, ms to s", points: sweep([2500, 900, 60, 12, 5, 3.2, 3]), slo: 50 * MS, top: "5,000" },
];

function lagLoop(maxMs: number): LoopStats {
  const lagSeries = Array.from({ length: 50 }, (_, i) => ({ time: i * 200 * MS, lag: ((i % 10) / 9) * maxMs * MS }));
  return { process: 0, iterations: 1, lag: {} as Quantiles, lagSeries };
}

interface Box {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The boxes of the y-axis label and tick labels of an SVG shown alone in Chromium, and the SVG's own. */
async function measure(svg: string): Promise<{ svg: Box; label: Box; ticks: Box[] }> {
  if (!page) throw new Error("no browser");
  await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
  const boxes = await page.evaluate(() => {
    const box = (n: Element): Box => {
      const b = n.getBoundingClientRect();
      return { text: n.textContent ?? "", left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    };
    const root = document.querySelector("svg");
    const label = document.querySelector('[aria-label="y-axis label"] text');
    if (!root || !label) throw new Error("no svg or no y-axis label");
    // A log axis's tick labels are text marks (src/charts/axis.ts, axisYMarks), the rest Plot's own.
    const ticks = [
      ...document.querySelectorAll('[aria-label="y-axis tick label"] text, [aria-label="text"] text'),
    ].filter((t) => (t.textContent ?? "") !== "");
    return { svg: box(root), label: box(label), ticks: ticks.map(box) };
  });
  return boxes;
}

function expectApart(boxes: { svg: Box; label: Box; ticks: Box[] }, top: string): void {
  const { svg, label, ticks } = boxes;
  expect(ticks.map((t) => t.text)).toContain(top);
  // Plain numbers with thousands grouped, as the report figures print them: no SI prefix ("300m", "1k").
  for (const t of ticks) expect(t.text).toMatch(/^-?[\d,]+(\.\d+)?$/);
  for (const t of ticks) {
    const apart = t.right <= label.left || label.right <= t.left || t.bottom <= label.top || label.bottom <= t.top;
    expect(apart, `"${label.text}" ${JSON.stringify(label)} against "${t.text}" ${JSON.stringify(t)}`).toBe(true);
  }
  for (const b of [label, ...ticks]) {
    expect(b.left >= svg.left && b.top >= svg.top && b.right <= svg.right && b.bottom <= svg.bottom, b.text).toBe(true);
  }
}

describe("y-axis labels above the frame", () => {
  const { document } = new JSDOM("<!doctype html><body></body>").window;
  const doc = document as unknown as Document;

  test("the p99 sparkline's never touches a tick label, however many digits it has", {
    timeout: 60_000,
  }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    for (const c of SPARKLINES)
      for (const width of [272, 346])
        for (const theme of ["light", "dark"] as ThemeName[]) {
          const svg = drawSparkline(doc, c.points, {
            width,
            height: 170,
            theme: THEMES[theme],
            current: 8,
            slo: c.slo,
            workersLabel: "workers",
            range: [1, 64],
          });
          expectApart(await measure(svg.outerHTML), c.top);
        }
  });

  test("the loop lag's never touches a tick label", { timeout: 60_000 }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    for (const [max, top] of [
      [400, "400"],
      [1500, "1,500"],
    ] as const)
      for (const width of [272, 346]) {
        const svg = drawLag(doc, [lagLoop(max)], { width, height: 170, theme: THEMES.light, end: 10_000 * MS });
        expectApart(await measure(svg.outerHTML), top);
      }
  });
});
