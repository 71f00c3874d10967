/**
 * Parsing and running a scenario for the page, the same way `gilsim simulate` does: the same
 * schema and one-line errors (naming scenario.json, the file the page saves), the same seed,
 * the same metrics. The page records the trace too; recording changes no metric.
 */
import type { Metrics } from "../metrics/types.js";
import { simulate } from "../model/simulate.js";
import { ScenarioError } from "../scenario/errors.js";
import { parseJsonText } from "../scenario/json-text.js";
import { parseScenario, type Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";
import type { Trace } from "../trace/types.js";
import { SCENARIO_FILE } from "./cli-command.js";
import { applyKnob } from "./knobs.js";

export type Parsed =
  | { state: "ok"; input: unknown; scenario: Scenario }
  | { state: "invalid" /** The CLI's lines, one per problem. */; message: string };

function invalid(error: unknown): Parsed {
  if (error instanceof ScenarioError) return { state: "invalid", message: error.message };
  throw error;
}

/** Parses a scenario's JSON text as `gilsim simulate scenario.json` would. */
export function parseText(text: string): Parsed {
  try {
    const input = parseJsonText(text, SCENARIO_FILE);
    return { state: "ok", input, scenario: parseScenario(input, SCENARIO_FILE) };
  } catch (error) {
    return invalid(error);
  }
}

/** Parses a scenario object (a knob's edit of a valid one). */
export function parseInput(input: unknown): Parsed {
  try {
    return { state: "ok", input, scenario: parseScenario(input, SCENARIO_FILE) };
  } catch (error) {
    return invalid(error);
  }
}

export interface Outcome {
  metrics: Metrics;
  trace: Trace;
  /** Whether the run stopped at run.until with tasks unfinished. */
  truncated: boolean;
}

/** One run with the trace recorded; `progress` hears the finished tasks every 4,096. */
export function runScenario(scenario: Scenario, progress?: (done: number) => void): Outcome {
  const result = simulate(scenario, { seed: scenario.seed, trace: true, ...(progress ? { progress } : {}) });
  if (!result.trace) throw new Error("the run recorded no trace");
  return { metrics: result.metrics, trace: result.trace, truncated: result.truncated };
}

function stepCount(steps: readonly Step[]): number {
  let n = 0;
  for (const s of steps) {
    if (s.kind === "repeat") n += (s.times === "forever" ? 1 : s.times) * stepCount(s.steps);
    else if (s.kind === "offload") n += 1 + stepCount(s.steps);
    else n += 1;
  }
  return n;
}

/**
 * About how many steps a run takes (tasks times their steps, plus background threads at a step
 * per millisecond of run.until): the page runs bigger scenarios in a worker, with progress.
 */
export function workEstimate(s: Scenario): number {
  const classes = s.workload.classes;
  const total = classes.reduce((a, c) => a + c.weight, 0);
  const perTask = classes.reduce((a, c) => a + (c.weight / total) * stepCount(c.steps), 0);
  const background = s.background.length > 0 && s.run.until !== null ? (s.background.length * s.run.until) / 1e6 : 0;
  return s.workload.arrivals.count * perTask + background;
}

/** Above this many steps (workEstimate) a run goes to a worker: 20,000 is four web-api presets. */
export const BIG_WORK = 20_000;

/** The worker counts the p99 sparkline runs: powers of two up to 64, and the scenario's own. */
export function sweepWorkers(current: number | null): number[] {
  const list = [1, 2, 4, 8, 16, 32, 64];
  if (current !== null && !list.includes(current)) list.push(current);
  return list.sort((a, b) => a - b);
}

/** p99 of the scenario with `workers` workers (see the workers knob), trace off. */
export function p99WithWorkers(
  input: unknown,
  scenario: Scenario,
  workers: number,
): { p99: number; throughput: number } {
  const edited = parseScenario(applyKnob(input, scenario, { knob: "workers", value: workers }), SCENARIO_FILE);
  const { metrics } = simulate(edited, { seed: edited.seed, trace: false });
  return { p99: metrics.latency.p99, throughput: metrics.throughput };
}
