/**
 * Where the explore page's time goes for one update, in real Chromium: `npx tsx
 * scripts/profile-explore.ts [preset ...]`. Builds the page unminified (so functions keep their
 * names), opens each preset, warms up, then changes the seed a few times under Chrome's sampling
 * CPU profiler and its timeline trace, and prints
 *   - the page's own figures (main views, every view, painted), as the bench reads them;
 *   - time inside chosen functions of the update path (inclusive: callees counted), per update;
 *   - the functions with the most self time;
 *   - the main thread's rendering work (style, layout, paint) from the timeline trace.
 * A tool for finding hot spots, not a benchmark: `npm run bench -- explore` is the measurement.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { presetNames } from "../src/scenario/presets.js";
import { CHROMIUM_ARGS, chromiumPath } from "../test/chromium.js";
import { buildExplore } from "./build-explore.js";

const WARM = 2;
const ROUNDS = 5;

/** Functions of the update path whose inclusive time is reported (names as esbuild keeps them). */
const WATCHED = [
  "process",
  "runScenario",
  "simulate",
  "indexTrace",
  "readKnobs",
  "draw",
  "show",
  "readout",
  "facts",
  "render",
  "drawTimeline",
  "smallFigures",
  "drawLatency",
  "drawLag",
  "drawSweep",
  "drawSparkline",
  "sweepPoints",
  "runSweep",
  "showActive",
  "show$1",
  "sentence",
  "writeUrl",
  "encodeState",
  "showControls",
  "parseInput",
  "parseScenario",
  "applyKnob",
  "prettyJson",
  "stringify",
  "plot",
  "measureText",
  "width",
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Update {
  mainMs: number;
  allMs: number;
  paintMs: number;
  phases: Record<string, number>;
}

async function update(page: Page, seed: number): Promise<Update> {
  return page.evaluate(
    (s) =>
      new Promise<Update>((resolve) => {
        document.addEventListener("explore:ready", (e) => resolve((e as CustomEvent).detail as Update), {
          once: true,
        });
        const box = document.querySelector<HTMLInputElement>("#k-seed");
        if (!box) throw new Error("the page has no seed box");
        box.value = String(s);
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }),
    seed,
  );
}

function summarise(profile: Profile, updates: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  /** Self time of the functions called (at any depth) by $PROFILE_UNDER, when set. */
  const under = process.env.PROFILE_UNDER;
  const underSelf = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // ms; a sample's time is until the next
    const leaf = byId.get(id);
    if (!leaf) return;
    const leafName = leaf.callFrame.functionName || "(anonymous)";
    self.set(leafName, (self.get(leafName) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n)?.callFrame.functionName || "(anonymous)";
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
    }
    if (under && seen.has(under)) {
      const c = leaf.callFrame;
      const key = `${leafName} ${c.lineNumber}:${c.columnNumber}`;
      underSelf.set(key, (underSelf.get(key) ?? 0) + dt);
    }
  });
  const fmt = (ms: number) => (ms / updates).toFixed(1).padStart(7);
  process.stdout.write("  inclusive ms per update (sampled):\n");
  for (const name of WATCHED) {
    const v = inclusive.get(name);
    if (v !== undefined && v / updates >= 0.5) process.stdout.write(`   ${fmt(v)}  ${name}\n`);
  }
  if (under) {
    process.stdout.write(`  self time under ${under}, ms per update:\n`);
    for (const [name, v] of [...underSelf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
      process.stdout.write(`   ${fmt(v)}  ${name}\n`);
    }
  }
  process.stdout.write("  top self time, ms per update:\n");
  for (const [name, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18)) {
    process.stdout.write(`   ${fmt(v)}  ${name}\n`);
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  args?: { data?: { frame?: string } };
}

function summariseTrace(json: string, updates: number): void {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === "thread_name" && (e.args as { name?: string })?.name === "CrRendererMain");
  const totals = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== "X" || e.dur === undefined) continue;
    if (main && (e.tid !== main.tid || e.pid !== main.pid)) continue;
    if (
      !["UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize", "Commit", "HitTest", "ParseHTML"].includes(
        e.name,
      )
    )
      continue;
    totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur / 1000);
  }
  if (process.env.PROFILE_EVENTS) {
    for (const e of events) {
      if (main && (e.tid !== main.tid || e.pid !== main.pid)) continue;
      if (e.ph === "X" && (e.dur ?? 0) > 1000 && ["UpdateLayoutTree", "Layout", "Paint"].includes(e.name))
        process.stdout.write(
          `    ${e.name} ${((e.dur ?? 0) / 1000).toFixed(1)} ${JSON.stringify(e.args).slice(0, 300)}\n`,
        );
    }
  }
  process.stdout.write("  rendering on the main thread, ms per update (timeline trace):\n");
  for (const [name, v] of [...totals.entries()].sort((a, b) => b[1] - a[1])) {
    process.stdout.write(`   ${(v / updates).toFixed(1).padStart(7)}  ${name}\n`);
  }
}

async function main(names: string[]): Promise<void> {
  const executable = chromiumPath();
  if (!executable) throw new Error("no Chromium (apt-get install -y chromium)");
  const dir = mkdtempSync(join(tmpdir(), "gilsim-profile-explore-"));
  const browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
  try {
    const url = pathToFileURL(await buildExplore(dir, { minify: false })).href;
    for (const name of names.length > 0 ? names : presetNames()) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${url}#preset=${name}`);
      await page.waitForFunction(() => document.documentElement.dataset.state === "ready", null, {
        timeout: 300_000,
      });
      for (let k = 0; k < WARM; k++) await update(page, 100 + k);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
      await cdp.send("Profiler.start");
      const times: Update[] = [];
      for (let k = 0; k < ROUNDS; k++) times.push(await update(page, 200 + k));
      const { profile } = (await cdp.send("Profiler.stop")) as { profile: Profile };
      const trace = (await browser.stopTracing()).toString("utf8");
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
      process.stdout.write(
        `${name}: main views ${med(times.map((t) => t.mainMs)).toFixed(1)} ms, painted ${med(times.map((t) => t.paintMs)).toFixed(1)} ms, every view ${med(times.map((t) => t.allMs)).toFixed(1)} ms (median of ${ROUNDS}, profiler on)\n`,
      );
      const phases = [...new Set(times.flatMap((t) => Object.keys(t.phases)))];
      process.stdout.write("  the page's own phases, ms (median):\n");
      for (const p of phases) {
        process.stdout.write(
          `   ${med(times.map((t) => t.phases[p] ?? 0))
            .toFixed(1)
            .padStart(7)}  ${p}\n`,
        );
      }
      summarise(profile, ROUNDS);
      summariseTrace(trace, ROUNDS);
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
