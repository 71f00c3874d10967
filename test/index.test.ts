import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as charts from "../src/charts/index.js";
import * as gilsim from "../src/index.js";
import * as real from "../src/real/index.js";
import * as sweep from "../src/sweep/index.js";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** Every module and package an entry reaches through its static imports (type-only ones skipped). */
function reachable(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (modules.has(file)) return;
    modules.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+"([^"]+)";/gms)) {
      const spec = m[1] as string;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.add(spec);
    }
  };
  visit(resolve(SRC, entry));
  return { modules, packages };
}

describe("the entries by layer", () => {
  it("gilsim (src/index.ts) exports the README's API: scenario, simulate, replicate, loading, traces, the engine", () => {
    for (const name of [
      "scenario",
      "parseScenario",
      "simulate",
      "replicate",
      "loadScenario",
      "presetNames",
      "metricsFromTrace",
      "chromeTraceJson",
      "readTraceFile",
      "Simulation",
    ]) {
      expect(typeof (gilsim as Record<string, unknown>)[name], name).toBe("function");
    }
  });

  it("gilsim/charts, gilsim/real and gilsim/sweep export the figures, the real runner and sweeps", () => {
    for (const [entry, names] of [
      [charts, ["timelineChart", "scalingChart", "svgToPng", "writeFigure"]],
      [real, ["runReal", "compare", "runCalibration", "findPython", "readProfile"]],
      [sweep, ["planSweep", "runSweep", "recommend", "parseAxes", "writeSweepResults", "WorkerPool"]],
    ] as const) {
      for (const name of names) expect(typeof (entry as Record<string, unknown>)[name], name).toBe("function");
    }
  });

  it("the core entry reaches no DOM, Plot or renderer, and none of the charts, real or sweep layers", () => {
    const { modules, packages } = reachable("index.ts");
    expect(modules.size).toBeGreaterThan(20);
    for (const p of ["jsdom", "@observablehq/plot", "@resvg/resvg-js", "d3-scale", "cli-progress", "commander"]) {
      expect(packages.has(p), p).toBe(false);
    }
    const core = ["index.ts", "engine", "scenario", "model", "metrics", "trace", "io", "queueing"];
    for (const m of modules) expect(core, m).toContain(m.slice(SRC.length).split("/")[0]);
  });

  it("the charts load only from the modules that write figures: the CLI reaches them through import() alone", () => {
    const { packages } = reachable("cli/main.ts");
    for (const p of ["jsdom", "@observablehq/plot", "@resvg/resvg-js"]) expect(packages.has(p), p).toBe(false);
    expect(reachable("sweep/index.ts").packages.has("jsdom")).toBe(false);
    expect(reachable("real/index.ts").packages.has("jsdom")).toBe(false);
    // The modules behind those import() calls do draw.
    expect(reachable("cli/compare-figures.ts").packages.has("jsdom")).toBe(true);
    expect(reachable("sweep/figures.ts").packages.has("jsdom")).toBe(true);
  });

  it("runs the README's quick-start example through the entry, the same bytes twice", () => {
    const s = gilsim.scenario({
      machine: { cores: 4 },
      runtime: { python: "3.12" },
      executor: { kind: "threads", workers: 16 },
      workload: {
        arrivals: { kind: "poisson", rate: "500/s", count: 500 },
        classes: [{ steps: [{ cpu: "2ms" }, { io: { dist: "exponential", mean: "30ms" } }] }],
      },
    });
    const a = gilsim.simulate(s, { seed: 7 });
    const b = gilsim.simulate(s, { seed: 7 });
    expect(a.metrics.tasks.completed).toBe(500);
    // 500/s x 2 ms is the whole GIL: latency grows far past the 32 ms a request needs alone.
    expect(a.metrics.latency.p99).toBeGreaterThan(100 * gilsim.MS);
    expect(JSON.stringify(a.metrics)).toBe(JSON.stringify(b.metrics));
    expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
  });
});
