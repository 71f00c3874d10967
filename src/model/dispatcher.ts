import { Fifo } from "./fifo.js";
import type { Op } from "./ops.js";
import type { Runtime } from "./runtime.js";
import type { TaskRun } from "./task.js";
import type { SimThread } from "./thread.js";
import { WaitQueue } from "./wait-queue.js";
import type { ArrivalVia, Intake } from "./workload.js";

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

  arrive(task: TaskRun, via: ArrivalVia): void {
    this.inbox.push(task);
    const p = this.rt.world.params;
    // An open arrival comes in on a socket (a pipe): the main thread, blocked reading it, wakes as
    // a reader of a pipe written by another process does. A closed client's next request ends the
    // main thread's timed wait (timer slack, and machine.timerTail on an idle CPU); one issued at a
    // task's end wakes it from that completion (a queue put from the worker).
    const latency =
      via === "socket"
        ? this.rt.world.draw(p.ipcLatency, "arrival-wakeup")
        : via === "timer"
          ? p.timerSlack
          : this.rt.world.draw(p.threadHandoff, "arrival-wakeup");
    this.sleepers.wakeOne(latency, via === "timer");
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
