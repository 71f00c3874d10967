import type { Nanos } from "../engine/time.js";
import type { StepRecord } from "../trace/types.js";
import { block, cpu, type Op, overhead } from "./ops.js";
import type { ConcreteStep, PlannedTask } from "./plan.js";
import type { Runtime } from "./runtime.js";
import type { SimThread } from "./thread.js";

/** A task in flight: its plan, when it arrived and started, and (with tracing) its step records. */
export class TaskRun {
  start = -1;
  steps: StepRecord[] | null;
  /** Index of the next step to run (asyncio resumes a coroutine here). */
  pc = 0;

  constructor(
    readonly plan: PlannedTask,
    readonly arrival: Nanos,
    trace: boolean,
    /** The closed-population client that issued it, or -1. */
    readonly client = -1,
  ) {
    this.steps = trace ? [] : null;
  }

  markStarted(rt: Runtime): void {
    if (this.start >= 0) return;
    this.start = rt.now;
    rt.recorder.taskStarted(rt.now);
  }

  /** The task's last step is done: it leaves the system now. */
  end(rt: Runtime): void {
    rt.recorder.taskEnded(rt.now, this.plan.id, this.plan.class, this.arrival, this.start, this.steps);
  }

  record(step: ConcreteStep, thread: SimThread, start: Nanos, end: Nanos): void {
    if (!this.steps) return;
    const demand = step.kind === "offload" ? 0 : step.ns;
    const rec: StepRecord = { kind: step.kind, thread: thread.id, start, end, demand };
    if (step.kind === "cpu") rec.gil = step.gil;
    this.steps.push(rec);
  }
}

/**
 * The ops of one step run by a thread that owns it (a pool worker, a sync loop, a worker
 * process): IO and blocking calls both block the thread with the GIL released. A sleep or a
 * blocking wait ends `timerSlack` late, as on Linux.
 */
export function* stepOps(rt: Runtime, step: ConcreteStep): Generator<Op, void, boolean | undefined> {
  const p = rt.world.params;
  switch (step.kind) {
    case "cpu":
      if (step.gil === "release") {
        yield overhead(rt.world.draw(p.cCallEdge, "c-edge"), "hold");
        yield cpu(step.ns, "nogil");
        yield overhead(rt.world.draw(p.cCallEdge, "c-edge"), "hold");
      } else {
        yield cpu(step.ns, step.gil === "python" ? "python" : "hold");
      }
      return;
    case "io":
    case "block":
      // A sleep of 0 returns at once up to 3.10 (select), and sleeps the timer slack from 3.11
      // (clock_nanosleep); a blocking call ends timer-slack late.
      yield block(step.ns === 0 && !p.sleepZeroIsTimer ? 0 : step.ns + p.timerSlack);
      return;
    case "offload":
      throw new Error("an offload step can only run in a coroutine");
  }
}

/** Runs the steps of a task (or of an offloaded job) on `thread`, recording each. */
export function* runSteps(
  rt: Runtime,
  thread: SimThread,
  steps: readonly ConcreteStep[],
  task: TaskRun | null,
): Generator<Op, void, boolean | undefined> {
  for (const step of steps) {
    const start = rt.now;
    yield* stepOps(rt, step);
    task?.record(step, thread, start, rt.now);
  }
}
