/**
 * The explorable page in Chromium: how long after a knob turns the views are updated, for every
 * preset (the scenarios the page is sized for). Each update changes the seed, so everything is
 * run again. Two times, both from the input event, both read the same way from outside the page:
 * - "main views painted" (target about 100 ms): until the browser has painted the first frame
 *   after the readout, facts, timeline, latency and loop-lag figures changed (a MutationObserver
 *   sees the change; a task queued from the next animation frame runs once that frame is painted);
 * - "every view": until the page says it is idle, the p99 sparkline's runs at 1 to 64 workers
 *   (in the worker beside the page) included.
 * Medians of 7 after 2 warm-ups.
 *
 * Side by side: GILSIM_EXPLORE_BASELINE=<an older build of the page> (for example
 * `git show main:output/explore/index.html > /tmp/explore-main.html`) measures that page in the
 * same browser, round for round alternating with this build, and adds its figures and the ratio.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { buildExplore } from "../scripts/build-explore.js";
import { presetNames } from "../src/scenario/presets.js";
import { CHROMIUM_ARGS, chromiumPath } from "../test/chromium.js";
import { median } from "./measure.js";
import type { Bench, BenchLine } from "./types.js";

const WARM = 2;
const ROUNDS = 7;
/** The page's budget for the main views of a preset-sized scenario. */
const BUDGET_MS = 100;

interface Times {
  paintedMs: number;
  allMs: number;
}

/** Changes the seed and times the update from outside the page (see the file's comment). */
function update(page: Page, seed: number): Promise<Times> {
  return page.evaluate(
    (s) =>
      new Promise<Times>((done) => {
        const root = document.documentElement;
        const before = Number(root.dataset.updates);
        let paintedMs = Number.NaN;
        const start = performance.now();
        const columns = document.querySelector("#columns");
        if (!columns) throw new Error("the page has no #columns");
        const seen = new MutationObserver(() => {
          seen.disconnect();
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              paintedMs = performance.now() - start;
            };
            channel.port2.postMessage(null);
          });
        });
        seen.observe(columns, { childList: true, subtree: true, characterData: true });
        const idle = new MutationObserver(() => {
          if (root.dataset.state !== "ready" || Number(root.dataset.updates) <= before) return;
          idle.disconnect();
          const allMs = performance.now() - start;
          // The painted time is in by now unless the page went idle within that very frame.
          setTimeout(() => done({ paintedMs: Number.isNaN(paintedMs) ? allMs : paintedMs, allMs }), 50);
        });
        idle.observe(root, { attributes: true, attributeFilter: ["data-updates", "data-state"] });
        const box = document.querySelector<HTMLInputElement>("#k-seed");
        if (!box) throw new Error("the page has no seed box");
        box.value = String(s);
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }),
    seed,
  );
}

async function open(browser: Browser, url: string, preset: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${url}#preset=${preset}`);
  await page.waitForFunction(() => document.documentElement.dataset.state === "ready", null, { timeout: 300_000 });
  return page;
}

export const exploreBench: Bench = {
  name: "explore",
  description:
    "the explore page in Chromium: time from a knob's change to the main views painted, and to every view, per preset",
  async run(progress) {
    const executable = chromiumPath();
    if (!executable) {
      process.stderr.write("explore: skipped, no Chromium (apt-get install -y chromium)\n");
      return [];
    }
    const baselineFile = process.env.GILSIM_EXPLORE_BASELINE;
    const dir = mkdtempSync(join(tmpdir(), "gilsim-bench-explore-"));
    const browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
    try {
      const pages: { label: string; url: string }[] = [{ label: "", url: pathToFileURL(await buildExplore(dir)).href }];
      if (baselineFile) pages.push({ label: "baseline ", url: pathToFileURL(resolve(baselineFile)).href });
      const lines: BenchLine[] = [];
      const painted: number[] = [];
      for (const name of presetNames()) {
        progress(`${name}: loading`);
        const opened = await Promise.all(pages.map((p) => open(browser, p.url, name)));
        const times: Times[][] = pages.map(() => []);
        for (let k = 0; k < WARM + ROUNDS; k++) {
          progress(`${name}: update ${k + 1}/${WARM + ROUNDS}`);
          // Alternate which page goes first, so drift in the machine's load hits both alike.
          const order = k % 2 === 0 ? opened.map((_, i) => i) : opened.map((_, i) => i).reverse();
          for (const i of order) {
            const t = await update(opened[i] as Page, k + 2);
            if (k >= WARM) times[i]?.push(t);
          }
        }
        await Promise.all(opened.map((p) => p.close()));
        const medians = times.map((ts) => ({
          paintedMs: median(ts.map((t) => t.paintedMs)),
          allMs: median(ts.map((t) => t.allMs)),
        }));
        pages.forEach((p, i) => {
          const m = medians[i] as Times;
          lines.push({ metric: `${name}: ${p.label}main views painted`, value: m.paintedMs, unit: "ms" });
          lines.push({ metric: `${name}: ${p.label}every view (sweep too)`, value: m.allMs, unit: "ms" });
        });
        const now = medians[0] as Times;
        painted.push(now.paintedMs);
        const base = medians[1];
        if (base) {
          lines.push({
            metric: `${name}: main views painted, baseline / this`,
            value: base.paintedMs / now.paintedMs,
            unit: "x",
          });
        }
      }
      lines.push({
        metric: "slowest preset, main views painted",
        value: Math.max(...painted),
        unit: "ms",
        atMost: BUDGET_MS,
      });
      return lines;
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
