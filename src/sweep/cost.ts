import type { Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";

/**
 * Steps a task of these steps takes: each cpu, io or block step is one, an offload is one plus its
 * own steps, and a repeat is its steps that many times ("forever" counts once: it only appears in
 * background threads, which run beside the tasks).
 */
export function stepCount(steps: readonly Step[]): number {
  let n = 0;
  for (const step of steps) {
    if (step.kind === "repeat") n += (step.times === "forever" ? 1 : step.times) * stepCount(step.steps);
    else if (step.kind === "offload") n += 1 + stepCount(step.steps);
    else n += 1;
  }
  return n;
}

/**
 * The estimated cost of one run of a scenario, in steps: its tasks times the mean steps of a task
 * (task classes weighted as arrivals draw them). The simulator's work grows with the steps it
 * plays out; what it does not see (more GIL hand-offs under contention, a process pool's
 * pickling) changes a point's cost by a factor, not by orders of magnitude as tasks and
 * replications do.
 */
export function runCost(scenario: Scenario): number {
  const classes = scenario.workload.classes;
  let weight = 0;
  let steps = 0;
  for (const c of classes) {
    weight += c.weight;
    steps += c.weight * stepCount(c.steps);
  }
  const perTask = weight > 0 ? steps / weight : 1;
  return scenario.workload.arrivals.count * Math.max(1, perTask);
}
