import type { Nanos } from "../engine/time.js";
import type { ConcreteStep, FlatStep } from "./plan.js";
import type { Runtime } from "./runtime.js";
import { TaskRun } from "./task.js";
import type { SimThread } from "./thread.js";

/**
 * A child task a coroutine created with create_task() (a spawn step): a coroutine of its own on
 * the same loop, that is not a task of the workload. It is not counted, measured or limited by
 * the workload's semaphore; its steps are recorded in its parent's task.
 */
export class ChildTask extends TaskRun {
  done = false;

  constructor(
    readonly parent: TaskRun,
    steps: ConcreteStep[],
    readonly group: SpawnGroup,
  ) {
    super({ ...parent.plan, steps }, parent.arrival, false, -1);
  }

  override markStarted(_rt: Runtime): void {}

  override end(_rt: Runtime): void {}

  override record(step: FlatStep, thread: SimThread, start: Nanos, end: Nanos): void {
    this.parent.record(step, thread, start, end);
  }
}

/** The children of one spawn step, and which one the parent awaits now (`for t in tasks: await t`). */
export class SpawnGroup {
  readonly children: ChildTask[] = [];
  /** Index of the child the parent awaits next. */
  next = 0;
  /** Whether the parent is suspended on children[next] (its done callback will wake the parent). */
  waiting = false;

  constructor(
    readonly parent: TaskRun,
    readonly step: FlatStep,
    readonly start: Nanos,
  ) {}

  /** Moves past the children already done (awaiting a done task returns at once); true when all are. */
  skipDone(): boolean {
    while (this.next < this.children.length && (this.children[this.next] as ChildTask).done) this.next++;
    return this.next >= this.children.length;
  }
}
