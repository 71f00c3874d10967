import type { Random } from "../engine/random.js";
import type { Step } from "../scenario/schema.js";
import type { Op } from "./ops.js";
import { Samplers } from "./plan.js";
import type { Runtime } from "./runtime.js";
import { stepOps } from "./task.js";
import type { SimThread } from "./thread.js";

/**
 * A background thread's program: its steps in order, repeats unrolled as they run (so "forever"
 * costs no memory), durations drawn from the thread's own stream.
 */
export function* backgroundProgram(
  rt: Runtime,
  steps: readonly Step[],
  rng: Random,
  samplers = new Samplers(),
  thread?: SimThread,
): Generator<Op, void, boolean | undefined> {
  for (const step of steps) {
    switch (step.kind) {
      case "cpu":
        yield* stepOps(rt, { kind: "cpu", ns: samplers.draw(step.duration, rng), gil: step.gil });
        break;
      case "io":
      case "block":
        yield* stepOps(rt, { kind: step.kind, ns: samplers.draw(step.duration, rng) });
        break;
      case "socket":
        yield* stepOps(rt, { kind: "socket", ns: samplers.draw(step.peer, rng) }, thread);
        break;
      case "repeat":
        for (let i = 0; step.times === "forever" || i < step.times; i++) {
          yield* backgroundProgram(rt, step.steps, rng, samplers, thread);
        }
        break;
      case "offload":
        throw new Error("a background thread cannot offload");
      case "spawn":
      case "threads":
        throw new Error(`a background thread cannot run a ${step.kind} step`);
    }
  }
}
