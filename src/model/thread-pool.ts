import { Fifo } from "./fifo.js";
import type { Job, Pool } from "./job.js";
import type { Op } from "./ops.js";
import type { SimProcess } from "./process.js";
import type { Runtime } from "./runtime.js";
import { runSteps } from "./task.js";
import type { SimThread } from "./thread.js";
import { WaitQueue } from "./wait-queue.js";

/**
 * concurrent.futures.ThreadPoolExecutor: one FIFO work queue; worker threads created lazily on
 * submit, up to max_workers, unless an idle worker is available (_idle_semaphore); a put wakes
 * one sleeping worker after a hand-off latency, and a worker that finds the queue empty again
 * (another took the item first) goes back to sleep.
 */
export class ThreadPool implements Pool {
  private readonly queue = new Fifo<Job>();
  private readonly getters = new WaitQueue("work-queue");
  private readonly workers: SimThread[] = [];
  /** Releases of _idle_semaphore not yet taken by a submit. */
  private idle = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly process: SimProcess,
    readonly maxWorkers: number,
    private readonly prefix: string,
  ) {}

  get threadCount(): number {
    return this.workers.length;
  }

  submit(job: Job): number {
    this.queue.push(job);
    const p = this.rt.world.params;
    this.getters.wakeOne(this.rt.world.draw(p.threadHandoff, "thread-handoff"));
    if (this.idle > 0) {
      this.idle--;
      return 0;
    }
    if (this.workers.length >= this.maxWorkers) return 0;
    const name = `${this.prefix}_${this.workers.length}`;
    const thread = this.rt.addThread(this.process, name, "worker");
    this.workers.push(thread);
    const cost = this.rt.world.draw(p.threadStart, "thread-start");
    // The new thread starts once the submitter's Thread.start() has created it.
    this.rt.later(cost, () => thread.start(this.worker(thread)));
    return cost;
  }

  private *worker(thread: SimThread): Generator<Op, void, boolean | undefined> {
    for (;;) {
      while (this.queue.size === 0) yield { op: "wait", on: this.getters, state: "idle" };
      const job = this.queue.shift() as Job;
      if (job.whole) job.task.markStarted(this.rt);
      yield* runSteps(this.rt, thread, job.steps, job.task);
      job.done();
      this.idle++;
    }
  }
}
