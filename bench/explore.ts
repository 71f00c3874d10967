/**
 * The explorable page in Chromium: how long after a knob turns the views are updated, for every
 * preset (the scenarios the page is sized for). Each update changes the seed, so everything is
 * run again: the simulation with its trace, the timeline, the readout, the latency and loop-lag
 * figures ("main views", target about 100 ms), then the p99 sparkline's sweep of 1 to 64 workers
 * in the worker beside the page ("every view", reported). Times are the page's own
 * (performance.now from the input event to the last view drawn), medians of 7 after 2 warm-ups.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { buildExplore } from "../scripts/build-explore.js";
import { presetNames } from "../src/scenario/presets.js";
import { CHROMIUM_ARGS, chromiumPath } from "../test/chromium.js";
import { median } from "./measure.js";
import type { Bench, BenchLine } from "./types.js";

const WARM = 2;
const ROUNDS = 7;
/** The page's budget for the main views of a preset-sized scenario. */
const BUDGET_MS = 100;

export const exploreBench: Bench = {
  name: "explore",
  description: "the explore page in Chromium: time from a knob's change to updated views, per preset",
  async run(progress) {
    const executable = chromiumPath();
    if (!executable) {
      process.stderr.write("explore: skipped, no Chromium (apt-get install -y chromium)\n");
      return [];
    }
    const dir = mkdtempSync(join(tmpdir(), "gilsim-bench-explore-"));
    const browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
    try {
      const url = pathToFileURL(await buildExplore(dir)).href;
      const lines: BenchLine[] = [];
      const mains: number[] = [];
      for (const name of presetNames()) {
        progress(`${name}: loading`);
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${url}#preset=${name}`);
        await page.waitForFunction(() => document.documentElement.dataset.state === "ready", null, {
          timeout: 300_000,
        });
        const main: number[] = [];
        const all: number[] = [];
        for (let k = 0; k < WARM + ROUNDS; k++) {
          progress(`${name}: update ${k + 1}/${WARM + ROUNDS}`);
          const t = await page.evaluate(
            (seed) =>
              new Promise<{ mainMs: number; allMs: number }>((resolve) => {
                document.addEventListener("explore:ready", (e) => resolve((e as CustomEvent).detail), { once: true });
                const box = document.querySelector<HTMLInputElement>("#k-seed");
                if (!box) throw new Error("the page has no seed box");
                box.value = String(seed);
                box.dispatchEvent(new Event("input", { bubbles: true }));
              }),
            k + 2,
          );
          if (k >= WARM) {
            main.push(t.mainMs);
            all.push(t.allMs);
          }
        }
        await page.close();
        mains.push(median(main));
        lines.push({ metric: `${name}: main views`, value: median(main), unit: "ms" });
        lines.push({ metric: `${name}: every view (sweep too)`, value: median(all), unit: "ms" });
      }
      lines.push({ metric: "slowest preset, main views", value: Math.max(...mains), unit: "ms", atMost: BUDGET_MS });
      return lines;
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
