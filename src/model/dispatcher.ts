import { Fifo } from "./fifo.js";
import type { Op } from "./ops.js";
import type { Runtime } from "./runtime.js";
import type { TaskRun } from "./task.js";
import type { SimThread } from "./thread.js";
import { WaitQueue } from "./wait-queue.js";
import type { Intake } from "./workload.js";

/**
 * The main thread of a thread- or process-pool program: it takes each task as it arrives (a
 * sleep until the arrival, or the whole batch at once) and hands it to `handle`, which submits
 * it to a pool or, for a plain synchronous program, runs it right there.
 */
export class Dispatcher implements Intake {
  private readonly inbox = new Fifo<TaskRun>();
  private readonly sleepers = new WaitQueue("dispatcher");
  private received = 0;
  thread: SimThread | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly expected: () => number,
    private readonly handle: (task: TaskRun) => Generator<Op, void, boolean | undefined>,
  ) {}

  initial(tasks: TaskRun[]): void {
    for (const t of tasks) this.inbox.push(t);
  }

  arrive(task: TaskRun): void {
    this.inbox.push(task);
    // The main thread sleeps until the arrival time; the sleep ends timer-slack late.
    this.sleepers.wakeOne(this.rt.world.params.timerSlack);
  }

  *program(): Generator<Op, void, boolean | undefined> {
    const expected = this.expected();
    while (this.received < expected) {
      while (this.inbox.size === 0) yield { op: "wait", on: this.sleepers, state: "idle" };
      const task = this.inbox.shift() as TaskRun;
      this.received++;
      yield* this.handle(task);
    }
  }
}
