/**
 * The command line that runs the page's scenario: the preset by name when the scenario is one,
 * else the scenario's JSON written to scenario.json by a here-document, then `gilsim simulate`.
 */
import { getPreset, presetNames } from "../scenario/presets.js";
import type { ExecutorChoice } from "./knobs.js";

/** The file name the page's scenario is saved under, and that its error messages name. */
export const SCENARIO_FILE = "scenario.json";

/** The preset `input` is, unchanged, or null. */
export function presetOf(input: unknown): string | null {
  const text = JSON.stringify(input);
  return presetNames().find((name) => JSON.stringify(getPreset(name)) === text) ?? null;
}

/** The scenario as a file holds it: two-space JSON and a final newline. */
export function scenarioFileText(input: unknown): string {
  return `${JSON.stringify(input, null, 2)}\n`;
}

/** A shell command that prints what the page shows: `gilsim simulate` on the same scenario and seed. */
export function cliCommand(input: unknown, seed: number): string {
  const preset = presetOf(input);
  if (preset !== null) return `npx gilsim simulate ${preset} --seed ${seed}`;
  const text = scenarioFileText(input);
  return `cat > ${SCENARIO_FILE} <<'EOF'\n${text}EOF\nnpx gilsim simulate ${SCENARIO_FILE} --seed ${seed}`;
}

const WORKERS_PATH: Readonly<Record<ExecutorChoice, string | null>> = {
  sync: null,
  asyncio: "executor.loops",
  "asyncio-threads": "executor.offload.workers",
  "asyncio-processes": "executor.offload.workers",
  threads: "executor.workers",
  processes: "executor.workers",
};

/** The `gilsim sweep` that varies what the page's workers knob varies, or null for one thread. */
export function sweepCommand(executor: ExecutorChoice, workers: readonly number[]): string | null {
  const path = WORKERS_PATH[executor];
  return path === null ? null : `npx gilsim sweep ${SCENARIO_FILE} --vary ${path}=${workers.join(",")} --out sweep`;
}
