/**
 * Start-up of the built CLI (bin/gilsim.js, plain node), side by side in one run, each in a fresh
 * process: `gilsim --help` against `node -e 0`, and `gilsim simulate web-api` against the
 * simulation's own time (simulate() of the same preset, timed inside a fresh process that loads the
 * built core, so its code runs as cold as in the CLI). Needs `npm run build`.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { median } from "./measure.js";
import type { Bench } from "./types.js";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin/gilsim.js");
const ROUNDS = 9;

/** Wall-clock milliseconds of a fresh node process with these arguments. */
function wall(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: "ignore" });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Milliseconds of simulate() on the web-api preset, in a fresh process loading dist/index.js. */
function simulationOwnTime(): number {
  const script = `
    const { getPreset, parseScenario, simulate } = await import(${JSON.stringify(join(ROOT, "dist/index.js"))});
    const scenario = parseScenario(getPreset("web-api"), "web-api");
    const start = performance.now();
    simulate(scenario, { trace: false });
    process.stdout.write(String(performance.now() - start));
  `;
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
}

export const startupBench: Bench = {
  name: "startup",
  description: "the built CLI's start-up: gilsim --help vs node -e 0, gilsim simulate web-api vs the simulation alone",
  async run(progress) {
    if (!existsSync(join(ROOT, "dist/bin/gilsim.js"))) {
      throw new Error("startup: dist/ is missing (run `npm run build` first)");
    }
    const times: Record<"node" | "help" | "simulate" | "own", number[]> = { node: [], help: [], simulate: [], own: [] };
    for (let r = 0; r < ROUNDS; r++) {
      progress(`round ${r + 1}/${ROUNDS}`);
      times.node.push(wall(["-e", "0"]));
      times.help.push(wall([BIN, "--help"]));
      times.simulate.push(wall([BIN, "simulate", "web-api"]));
      times.own.push(simulationOwnTime());
    }
    const node = median(times.node);
    const help = median(times.help);
    const simulate = median(times.simulate);
    const own = median(times.own);
    return [
      { metric: "node -e 0", value: node, unit: "ms" },
      { metric: "gilsim --help", value: help, unit: "ms" },
      { metric: "gilsim simulate web-api", value: simulate, unit: "ms" },
      { metric: "web-api simulation alone", value: own, unit: "ms" },
      { metric: "ratio --help / node -e 0", value: help / node, unit: "x", atMost: 3 },
      { metric: "ratio simulate web-api / simulation", value: simulate / own, unit: "x", atMost: 1.5 },
    ];
  },
};
