/*
 * The explorable page in real Chromium (Debian's, driven by playwright-core), opened from file://
 * as a reader opens the built file. The numbers it shows are checked against the CLI run
 * in-process on the scenario the page saves; its error messages against `gilsim check`'s.
 * Skipped, saying why, where no Chromium is installed (.ci/run installs it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildExplore } from "../../scripts/build-explore.js";
import { formatDuration } from "../../src/engine/time.js";
import type { Metrics } from "../../src/metrics/types.js";
import { CHROMIUM_ARGS, chromiumPath, NO_CHROMIUM } from "../chromium.js";
import { run } from "../cli/run.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-explore-page-");
const executable = chromiumPath();
let browser: Browser | null = null;
let pageUrl = "";

beforeAll(async () => {
  pageUrl = pathToFileURL(await buildExplore(dir)).href;
  if (executable) browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests for anything but the page's own file, data: and blob: URLs. */
  network: string[];
}

/** Opens the page at `fragment` in a fresh context and waits until it is idle. */
async function open(fragment = "", viewport = { width: 1280, height: 900 }): Promise<Opened> {
  if (!browser) throw new Error("no browser");
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const errors: string[] = [];
  const network: string[] = [];
  const local = (url: string) => url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:");
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    network.push(url);
    return route.abort();
  });
  context.on("request", (r) => {
    if (!local(r.url()) && !network.includes(r.url())) network.push(r.url());
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${pageUrl}${fragment}`);
  await idle(page, 0);
  return { page, errors, network };
}

/** Waits until the page has become idle more than `after` times. */
async function idle(page: Page, after: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.documentElement.dataset.state === "ready" && Number(document.documentElement.dataset.updates) > n,
    after,
    { timeout: 120_000 },
  );
}

/** Does `action` and waits for the page to finish the update it causes. */
async function change(page: Page, action: () => Promise<unknown>): Promise<void> {
  const n = Number(await page.evaluate(() => document.documentElement.dataset.updates));
  await action();
  await idle(page, n);
}

/** What the page shows: the readout and facts, and every figure's SVG. */
async function shown(page: Page): Promise<{ numbers: string; figures: string[] }> {
  return page.evaluate(() => ({
    numbers: [...document.querySelectorAll(".readout, .facts")].map((n) => n.textContent).join(" | "),
    figures: [...document.querySelectorAll(".plot svg")].map((n) => n.outerHTML),
  }));
}

/** Clicks a download button and returns the file's text. */
async function downloaded(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  return readFileSync(await file.path(), "utf8");
}

/** Saves the scenario the page downloaded, as a reader would, and returns its path. */
function save(scenarioText: string, name: string): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, scenarioText);
  return path;
}

/** `gilsim simulate FILE --json --seed N`, in-process. */
async function cliMetrics(path: string, seed: number): Promise<string> {
  const r = await run("simulate", path, "--json", "--seed", String(seed));
  expect(r.err).toBe("");
  return r.out;
}

describe("the explore page in Chromium", () => {
  test("loads from file:// with no console error and no network request, and shows numbers", {
    timeout: 240_000,
  }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors, network } = await open();
    const { numbers, figures } = await shown(page);
    expect(numbers).toMatch(/p99\s*\d/);
    expect(figures.length).toBe(4); // timeline, latency, loop lag, p99 against workers
    for (const f of figures) expect(f.startsWith("<svg")).toBe(true);
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    await page.context().close();
  });

  test("shows the numbers gilsim simulate prints for the same scenario and seed", { timeout: 240_000 }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors } = await open("#preset=asyncio-offload");
    // Edit the scenario so it is no preset: the page's scenario file is what the CLI runs.
    await change(page, () => page.fill("#k-workers", "2"));
    await change(page, () => page.selectOption("#k-python", "3.11"));
    await change(page, () => page.fill("#k-seed", "7"));
    const scenario = await downloaded(page, "#dl-scenario");
    expect(JSON.parse(scenario).seed).toBe(7);
    const file = save(scenario, "edited");
    const cli = await cliMetrics(file, 7);
    // The metrics JSON the page saves is gilsim simulate --json's, byte for byte.
    expect(await downloaded(page, "#dl-metrics")).toBe(cli);
    const m = JSON.parse(cli) as Metrics;
    for (const q of ["p50", "p95", "p99"] as const) {
      expect(await page.textContent(`[data-metric="${q}"]`)).toBe(formatDuration(m.latency[q]));
    }
    const facts = (await page.textContent(".facts")) ?? "";
    const g = m.gil[0];
    if (!g) throw new Error("no GIL stats");
    expect(facts).toContain(`${g.switches} switches, ${g.forced} forced, ${g.convoys} convoys`);
    expect(facts).toContain(`${m.tasks.completed} of ${m.tasks.arrived} done, ${m.tasks.measured} measured`);
    // The command the page offers names the same file and seed.
    expect(await page.inputValue("#cli")).toContain("npx gilsim simulate scenario.json --seed 7");
    // The Chrome trace is gilsim trace's, byte for byte.
    const base = join(dir, "trace-7");
    const traced = await run("trace", file, "--seed", "7", "--out", base);
    expect(traced.code).toBe(0);
    expect(await downloaded(page, "#dl-trace")).toBe(readFileSync(`${base}.json`, "utf8"));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("changing each knob changes the figures and the numbers", { timeout: 240_000 }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors } = await open("#preset=threads-cpu");
    const steps: [string, () => Promise<unknown>][] = [
      ["executor", () => page.selectOption("#k-executor", "processes")],
      ["workers", () => page.fill("#k-workers", "2")],
      ["executor back", () => page.selectOption("#k-executor", "threads")],
      ["switch interval", () => page.fill("#k-switch", "1")],
      // With the GIL one thread runs at a time, so cores matter once it is off.
      ["python", () => page.selectOption("#k-python", "3.13t")],
      ["cores", () => page.fill("#k-cores", "1")],
      ["GIL", () => page.check("#k-gil")],
      ["CPU", () => page.fill("#k-cpu", "20")],
      ["GIL-releasing C code", () => page.fill("#k-release", "10")],
      ["blocking call", () => page.fill("#k-block", "5")],
      ["IO", () => page.fill("#k-io", "10")],
      ["tasks", () => page.fill("#k-count", "16")],
      ["arrivals", () => page.selectOption("#k-arrivals", "poisson")],
      ["rate", () => page.fill("#k-rate", "50")],
      ["seed", () => page.fill("#k-seed", "2")],
      ["arrivals closed", () => page.selectOption("#k-arrivals", "closed")],
      ["clients", () => page.fill("#k-clients", "5")],
    ];
    let before = await shown(page);
    for (const [name, action] of steps) {
      await change(page, action);
      const after = await shown(page);
      expect(after.numbers, name).not.toBe(before.numbers);
      expect(after.figures[0], `${name}: the timeline`).not.toBe(before.figures[0]);
      expect(after.figures[1], `${name}: the latency distribution`).not.toBe(before.figures[1]);
      before = after;
    }
    // The p99 target is the page's, not the scenario's: it moves the badge and the latency figure.
    await page.fill("#slo", "1");
    await page.waitForFunction((old) => document.querySelector("[data-slo]")?.textContent !== old, before.numbers);
    const target = await shown(page);
    expect(target.numbers).toContain("p99 target 1ms: missed");
    expect(target.figures[1]).not.toBe(before.figures[1]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("a shared URL reproduces the same SVG bytes", { timeout: 240_000 }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const a = await open("#preset=asyncio-offload");
    await change(a.page, () => a.page.fill("#k-workers", "2"));
    await change(a.page, () => a.page.check("#compare"));
    await change(a.page, () => a.page.fill("#k-cores", "2"));
    await a.page.click(".column:first-child [data-zoom=in]");
    await a.page.waitForFunction(() => location.hash.includes("window="));
    const url = a.page.url();
    const first = await shown(a.page);
    const timeline = await downloaded(a.page, "#dl-svg");
    await a.page.selectOption("#figure-choice", "latency");
    const latency = await downloaded(a.page, "#dl-svg");
    expect(first.figures.length).toBe(8); // two configurations, four figures each
    expect(timeline.startsWith("<svg")).toBe(true);

    const b = await open(url.slice(url.indexOf("#")));
    await b.page.click("#side-b"); // the downloads follow the configuration the controls edit
    const again = await shown(b.page);
    expect(again.figures).toEqual(first.figures);
    expect(again.numbers).toBe(first.numbers);
    expect(await downloaded(b.page, "#dl-svg")).toBe(timeline);
    await b.page.selectOption("#figure-choice", "latency");
    expect(await downloaded(b.page, "#dl-svg")).toBe(latency);
    expect([...a.errors, ...b.errors]).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });

  test("a bad pasted scenario shows the CLI's message, and the figures are marked stale", {
    timeout: 240_000,
  }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors } = await open();
    const cases = [
      '{"executor": {"kind": "threads", "workers": 0},\n "workload": {"arrivals": {"kind": "batch", "count": 1}, "classes": [{"steps": [{"cpu": "-2ms"}]}]}}',
      '{\n  "executor": {"kind": "sync"},\n  "workload": }',
    ];
    await page.click("#json-box summary");
    for (const text of cases) {
      await change(page, async () => {
        await page.fill("#json", text);
        await page.click("#apply-json");
      });
      const path = join(dir, "scenario.json");
      writeFileSync(path, text);
      const cli = await run("check", path);
      expect(cli.code).toBe(2);
      expect(await page.textContent("#error")).toBe(cli.err.replaceAll(path, "scenario.json").trimEnd());
      expect(await page.isVisible(".column .stale")).toBe(true);
      expect(await page.isDisabled("#k-cores")).toBe(true);
    }
    // The bad text travels in the URL too: the link shows the same message.
    const url = page.url();
    const again = await open(url.slice(url.indexOf("#")));
    expect(await again.page.textContent("#error")).toBe(await page.textContent("#error"));
    expect([...errors, ...again.errors]).toEqual([]);
    await page.context().close();
    await again.page.context().close();
  });

  test("a big scenario runs in a worker with progress, and can be cancelled", { timeout: 240_000 }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors } = await open("#preset=web-api");
    const before = await shown(page);
    await page.fill("#k-count", "400000");
    await page.waitForFunction(
      () => ((document.querySelector("#progress") as HTMLProgressElement | null)?.value ?? 0) > 0,
      null,
      {
        timeout: 120_000,
      },
    );
    expect(await page.textContent("#status-text")).toMatch(/Running web-api: \d+ of 400000 tasks/);
    const n = Number(await page.evaluate(() => document.documentElement.dataset.updates));
    await page.click("#cancel");
    await idle(page, n);
    expect(await page.isVisible("#status")).toBe(false);
    expect(await page.textContent(".column .stale")).toContain("Run cancelled");
    expect((await shown(page)).numbers).toBe(before.numbers);
    // The page still works: back to 5,000 tasks gives the first numbers again.
    await change(page, () => page.fill("#k-count", "5000"));
    expect((await shown(page)).numbers).toBe(before.numbers);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("the sparkline says its points are pending until every worker count is in", {
    timeout: 240_000,
  }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors } = await open("#preset=threads-cpu");
    // Record every text the note shows during one update, from the change to idle.
    await page.evaluate(() => {
      const note = document.querySelector(".sweep-status");
      if (!note) throw new Error("the page has no .sweep-status");
      const seen: string[] = [];
      (window as unknown as { seenNotes: string[] }).seenNotes = seen;
      new MutationObserver(() => {
        if (!(note as HTMLElement).hidden) seen.push(note.textContent ?? "");
      }).observe(note, { childList: true, characterData: true, subtree: true, attributes: true });
    });
    await change(page, () => page.fill("#k-seed", "5"));
    const seen = await page.evaluate(() => (window as unknown as { seenNotes: string[] }).seenNotes);
    // The main views come with this run's own point (4 workers); 1, 2, 8, 16, 32 and 64 follow from the worker.
    expect(seen[0]).toBe("Running the other worker counts beside the page: 1 of 7 points in.");
    expect(await page.isHidden(".sweep-status")).toBe(true);
    // Seven points and the ring around this run's own.
    expect(await page.locator(".plot.workers svg circle").count()).toBe(8);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("a figure downloads as SVG and as a PNG at twice its size", { timeout: 240_000 }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors } = await open("#preset=threads-cpu");
    for (const figure of ["timeline", "latency", "lag", "workers"]) {
      await page.selectOption("#figure-choice", figure);
      const svg = await downloaded(page, "#dl-svg");
      const width = Number(/^<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
      const [file] = await Promise.all([page.waitForEvent("download"), page.click("#dl-png")]);
      const png = readFileSync(await file.path());
      expect(png.subarray(1, 4).toString("latin1"), figure).toBe("PNG");
      expect(png.readUInt32BE(16), figure).toBe(Math.round(2 * width));
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("the timeline, the why panel and the theme work from the keyboard", { timeout: 240_000 }, async (ctx) => {
    ctx.skip(!executable, NO_CHROMIUM);
    const { page, errors } = await open("#preset=convoy");
    await page.focus(".plot-area");
    // The cursor starts on the first thread's lane; the arrows step through its states.
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await page.textContent(".tooltip")).toMatch(/^MainThread: (running, holds GIL|waiting for GIL|IO \/ sleep)/);
    await page.keyboard.press("+");
    await page.waitForFunction(() => location.hash.includes("window="));
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    expect(await page.textContent(".tooltip")).toMatch(/^cruncher: /);
    await page.keyboard.press("0");
    await page.waitForFunction(() => !location.hash.includes("window="));
    const count = async () => Number((await page.textContent("#why-count"))?.split(" ")[0]);
    const first = await count();
    await page.focus("#why-next");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    expect(await count()).toBe(first + 2);
    expect(await page.textContent("#why-text")).toMatch(/drop request|forced switch|convoy|takes the/);
    const light = (await shown(page)).figures[0];
    await page.focus("#theme");
    await page.keyboard.press("Enter");
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    expect((await shown(page)).figures[0]).not.toBe(light);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
