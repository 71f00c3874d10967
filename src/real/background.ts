import type { Random } from "../engine/random.js";
import { Streams } from "../engine/random.js";
import { Samplers } from "../model/plan.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";

/**
 * A background thread's steps with their durations drawn. A `repeat: "forever"` becomes a list of
 * drawn iterations that the harness cycles through until the run ends.
 */
export type BackgroundStep =
  | { kind: "cpu"; ns: number; gil: "python" | "release" | "hold" }
  | { kind: "io"; ns: number }
  | { kind: "block"; ns: number }
  | { kind: "forever"; iterations: BackgroundStep[][] };

export interface BackgroundPlan {
  name: string;
  steps: BackgroundStep[];
}

/** Iterations drawn for a top-level forever loop; a forever loop nested inside one gets fewer. */
export const FOREVER_DRAWS = 64;
const NESTED_DRAWS = 4;
/** Upper bound on the steps drawn for one forever loop (fewer iterations when its body is long). */
const MAX_FOREVER_STEPS = 10_000;

/**
 * Draws the steps of each background thread. Thread i draws from the stream "background:<i>",
 * independent of the task streams, so adding a background thread never changes the tasks.
 */
export function planBackground(scenario: Scenario, seed = scenario.seed): BackgroundPlan[] {
  const streams = new Streams(seed);
  const samplers = new Samplers();
  return scenario.background.map((b, i) => ({
    name: b.name,
    steps: drawSteps(b.steps, streams.get(`background:${i}`), samplers, 0),
  }));
}

function drawSteps(steps: readonly Step[], rng: Random, samplers: Samplers, depth: number): BackgroundStep[] {
  const out: BackgroundStep[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case "cpu":
        out.push({ kind: "cpu", ns: samplers.draw(step.duration, rng), gil: step.gil });
        break;
      case "io":
      case "block":
        out.push({ kind: step.kind, ns: samplers.draw(step.duration, rng) });
        break;
      case "offload":
        throw new Error("a background thread cannot offload");
      case "repeat":
        if (step.times === "forever") {
          const first = drawSteps(step.steps, rng, samplers, depth + 1);
          const size = Math.max(1, countSteps(first));
          const wanted = depth === 0 ? FOREVER_DRAWS : NESTED_DRAWS;
          const draws = Math.max(1, Math.min(wanted, Math.floor(MAX_FOREVER_STEPS / size)));
          const iterations = [first];
          for (let k = 1; k < draws; k++) iterations.push(drawSteps(step.steps, rng, samplers, depth + 1));
          out.push({ kind: "forever", iterations });
        } else {
          for (let k = 0; k < step.times; k++) for (const s of drawSteps(step.steps, rng, samplers, depth)) out.push(s);
        }
        break;
    }
  }
  return out;
}

function countSteps(steps: readonly BackgroundStep[]): number {
  let n = 0;
  for (const s of steps) n += s.kind === "forever" ? s.iterations.reduce((a, it) => a + countSteps(it), 0) : 1;
  return n;
}
