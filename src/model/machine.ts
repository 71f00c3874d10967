import type { Nanos } from "../engine/time.js";
import { Fifo } from "./fifo.js";
import type { SimThread } from "./thread.js";
import type { World } from "./world.js";

/**
 * The cores and the OS scheduler. A thread that has CPU work asks for a core; when all are busy
 * it waits in a FIFO run queue. A thread on a core runs until its work is done, it blocks, or
 * its time slice ends while others are waiting, when it goes to the back of the queue.
 */
export class Machine {
  private readonly running: (SimThread | null)[];
  private readonly runQueue = new Fifo<SimThread>();
  /** Busy nanoseconds per core. */
  readonly busy: Float64Array;

  private readonly warmup: Nanos;

  constructor(
    private readonly world: World,
    readonly cores: number,
    readonly slice: Nanos,
  ) {
    this.running = new Array<SimThread | null>(cores).fill(null);
    this.busy = new Float64Array(cores);
    this.warmup = world.scenario.run.warmup;
  }

  /** Adds a core's busy time since `since`, counting only the measured window (after warm-up). */
  private addBusy(core: number, since: Nanos): void {
    const from = Math.max(since, this.warmup);
    if (this.world.now > from) this.busy[core] = (this.busy[core] as number) + (this.world.now - from);
  }

  get waiting(): number {
    return this.runQueue.size;
  }

  /** Threads on a core right now. */
  get runningCount(): number {
    let n = 0;
    for (const t of this.running) if (t) n++;
    return n;
  }

  /** The thread wants a core for its current CPU work. */
  request(thread: SimThread): void {
    const core = this.running.indexOf(null);
    if (core >= 0) {
      this.dispatch(thread, core);
      return;
    }
    thread.setState("wait-core");
    this.runQueue.push(thread);
    if (this.waiting === 1) {
      // Someone waits now: every running thread must stop at the end of its slice.
      for (const t of this.running) t?.limitToSlice();
    }
  }

  /** The thread leaves its core (its work is done, it blocks, or it was preempted). */
  release(thread: SimThread): void {
    const core = thread.core;
    if (core < 0) return;
    this.addBusy(core, thread.coreSince);
    this.running[core] = null;
    thread.core = -1;
    const next = this.nextWaiting();
    if (next) this.dispatch(next, core);
  }

  /** Slice over with others waiting: back of the run queue, next thread on this core. */
  preempt(thread: SimThread): void {
    const core = thread.core;
    this.addBusy(core, thread.coreSince);
    this.running[core] = null;
    thread.core = -1;
    thread.setState("wait-core");
    this.runQueue.push(thread);
    const next = this.nextWaiting() as SimThread;
    this.dispatch(next, core);
  }

  /** A thread in the run queue that no longer needs a core (it was told to drop the GIL while waiting). */
  withdraw(thread: SimThread): boolean {
    return this.runQueue.remove(thread);
  }

  /** Adds the time of threads still on a core at the end of the run. */
  closeBusy(): void {
    for (const t of this.running) {
      if (t) this.addBusy(t.core, t.coreSince);
    }
  }

  private nextWaiting(): SimThread | undefined {
    return this.runQueue.shift();
  }

  private dispatch(thread: SimThread, core: number): void {
    this.running[core] = thread;
    thread.core = core;
    thread.coreSince = this.world.now;
    thread.onCore(this.waiting > 0);
  }
}
