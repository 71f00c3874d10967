import { Fifo } from "./fifo.js";
import type { Job, Pool } from "./job.js";
import { type Op, overhead } from "./ops.js";
import type { SimProcess } from "./process.js";
import type { Runtime } from "./runtime.js";
import { runSteps } from "./task.js";
import type { SimThread } from "./thread.js";
import { OneShot, WaitQueue } from "./wait-queue.js";

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
    // The new thread starts once the submitter's Thread.start() has created it; Thread.start()
    // then waits (GIL released) on the thread's _started event, which the new thread sets only
    // once it holds the GIL: beside a CPU-bound thread both sides wait for the GIL.
    const event = new OneShot("thread-started");
    this.justStarted = event;
    this.rt.later(cost, () => thread.start(this.worker(thread, event)));
    return cost;
  }

  /** The event of the thread the last submit created, for the submitter's Thread.start() to wait on. */
  private justStarted: OneShot | null = null;

  startedWait(): Generator<Op, void, boolean | undefined> | null {
    const event = this.justStarted;
    if (event === null) return null;
    this.justStarted = null;
    return event.waitSet();
  }

  private *worker(thread: SimThread, event: OneShot): Generator<Op, void, boolean | undefined> {
    // _bootstrap_inner: the new thread takes the GIL, then sets _started (waking the starter).
    yield overhead(this.rt.world.params.syscallCost);
    event.set(this.rt.world.draw(this.rt.world.params.threadHandoff, "thread-handoff"));
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
