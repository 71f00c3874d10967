import type { Nanos } from "../engine/time.js";
import type { StepRecord } from "../trace/types.js";
import { block, cpu, type Op, overhead } from "./ops.js";
import { type ConcreteStep, type FlatStep, flatSteps, type PlannedTask } from "./plan.js";
import type { Runtime } from "./runtime.js";
import { socketExchange } from "./socket-peer.js";
import type { SimThread } from "./thread.js";
import { startAndJoin } from "./thread-step.js";

/** A task in flight: its plan, when it arrived and started, and (with tracing) its step records. */
export class TaskRun {
  start = -1;
  steps: StepRecord[] | null;
  /** Index of the next step to run (asyncio resumes a coroutine here). */
  pc = 0;
  /** The steps still to run when the plan keeps a long repeat compact; null for a plain list. */
  private cursor: Generator<FlatStep, void, undefined> | null;

  constructor(
    readonly plan: PlannedTask,
    readonly arrival: Nanos,
    trace: boolean,
    /** The closed-population client that issued it, or -1. */
    readonly client = -1,
  ) {
    this.steps = trace ? [] : null;
    this.cursor = plan.steps.some((s) => s.kind === "repeat") ? flatSteps(plan.steps) : null;
  }

  /** The task's next step, or undefined after its last (a coroutine resumes here after each await). */
  nextStep(): FlatStep | undefined {
    if (this.cursor === null) {
      const steps = this.plan.steps;
      return this.pc < steps.length ? (steps[this.pc++] as FlatStep) : undefined;
    }
    this.pc++;
    const next = this.cursor.next();
    return next.done ? undefined : next.value;
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

  record(step: FlatStep, thread: SimThread, start: Nanos, end: Nanos): void {
    if (!this.steps) return;
    const demand = step.kind === "offload" || step.kind === "spawn" || step.kind === "threads" ? 0 : step.ns;
    const rec: StepRecord = { kind: step.kind, thread: thread.id, start, end, demand };
    if (step.kind === "cpu") rec.gil = step.gil;
    this.steps.push(rec);
  }
}

/**
 * The CPU of the program's bookkeeping around a step of a task (runtime.stepOverhead), run before
 * the step when above 0: `if (ns > 0) yield overhead(ns)` in the program itself, which a step's
 * generator of its own would cost more than the op.
 */
export function drawStepOverhead(rt: Runtime): Nanos {
  return rt.world.draw(rt.world.params.stepOverhead, "step-overhead");
}

/**
 * The ops of one step run by a thread that owns it (a pool worker, a sync loop, a worker
 * process): IO and blocking calls both block the thread with the GIL released. A sleep or a
 * blocking wait ends `timerSlack` late, as on Linux (and, woken onto an idle CPU, sometimes
 * later still: machine.timerTail). A socket exchange and a threads step need
 * the thread that runs them (and the task, to record the new threads' steps).
 */
export function* stepOps(
  rt: Runtime,
  step: FlatStep,
  thread?: SimThread,
  task: TaskRun | null = null,
): Generator<Op, void, boolean | undefined> {
  const p = rt.world.params;
  switch (step.kind) {
    case "cpu":
      if (step.gil === "release") {
        yield overhead(rt.world.draw(p.cCallEdge, "c-edge"), "hold", false);
        yield cpu(step.ns, "nogil");
        yield overhead(rt.world.draw(p.cCallEdge, "c-edge"), "hold", false);
      } else {
        yield cpu(step.ns, step.gil === "python" ? "python" : "hold");
      }
      return;
    case "io":
    case "block":
      // A sleep of 0 returns at once up to 3.10 (select), and sleeps the timer slack from 3.11
      // (clock_nanosleep); a blocking call ends timer-slack late.
      yield block(step.ns === 0 && !p.sleepZeroIsTimer ? 0 : step.ns + p.timerSlack, true);
      return;
    case "socket":
      yield* socketExchange(rt, thread as SimThread, step.ns);
      return;
    case "threads":
      yield* startAndJoin(rt, thread as SimThread, step.children, task);
      return;
    case "offload":
      throw new Error("an offload step can only run in a coroutine");
    case "spawn":
      throw new Error("a spawn step can only run in a coroutine");
  }
}

/** Runs the steps of a task (or of an offloaded job) on `thread`, recording each. */
export function* runSteps(
  rt: Runtime,
  thread: SimThread,
  steps: Iterable<ConcreteStep>,
  task: TaskRun | null,
): Generator<Op, void, boolean | undefined> {
  for (const step of steps) {
    if (step.kind === "repeat") {
      yield* runSteps(rt, thread, flatSteps([step]), task);
      continue;
    }
    const bookkeeping = drawStepOverhead(rt);
    if (bookkeeping > 0) yield overhead(bookkeeping);
    const start = rt.now;
    yield* stepOps(rt, step, thread, task);
    task?.record(step, thread, start, rt.now);
  }
}
