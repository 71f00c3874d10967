import { Fifo } from "./fifo.js";
import type { Op } from "./ops.js";
import type { Runtime } from "./runtime.js";
import type { TaskRun } from "./task.js";
import type { SimThread } from "./thread.js";
import { WaitQueue } from "./wait-queue.js";
import type { Intake } from "./workload.js";

/**
 * The main thread of a thread- or process-pool program, as a server's accept loop: it takes each
 * task as it arrives (a blocking read of the request, or the whole batch at once) and hands it to
 * `handle`, which submits it to a pool or, for a plain synchronous program, runs it right there.
 * Completions do not come back through it: a worker ends its own task.
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
    // The request comes in on a socket (or a pipe): the main thread, blocked reading it, wakes up
    // as a reader of a pipe written by another process does. No timer is involved.
    this.sleepers.wakeOne(this.rt.world.draw(this.rt.world.params.ipcLatency, "arrival-wakeup"));
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
