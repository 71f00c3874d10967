import type { Op } from "./ops.js";
import type { SimThread } from "./thread.js";

/**
 * Threads asleep on something (a condition, a queue, a selector). Waking is not immediate: the
 * waker picks the first sleeper and it runs after an OS wake-up latency.
 */
export class WaitQueue {
  private readonly sleepers: SimThread[] = [];

  constructor(readonly name: string) {}

  get size(): number {
    return this.sleepers.length;
  }

  add(thread: SimThread): void {
    this.sleepers.push(thread);
  }

  remove(thread: SimThread): boolean {
    const i = this.sleepers.indexOf(thread);
    if (i < 0) return false;
    this.sleepers.splice(i, 1);
    return true;
  }

  /**
   * Wakes the longest sleeper after `latency` ns (`timer`: woken by a timer's expiry, which
   * machine.timerTail may delay further). Returns false when nobody sleeps.
   */
  wakeOne(latency: number, timer = false): boolean {
    const t = this.sleepers.shift();
    if (!t) return false;
    t.wake(latency, timer);
    return true;
  }
}

/**
 * An event set once (threading.Event as Thread.start() and join() use it): a waiter sleeps, GIL
 * released, until it is set, or goes straight on after.
 */
export class OneShot {
  isSet = false;
  private readonly sleepers: WaitQueue;

  constructor(name: string) {
    this.sleepers = new WaitQueue(name);
  }

  /** Sets it, waking the longest sleeper after `latency` ns. */
  set(latency: number): void {
    this.isSet = true;
    this.sleepers.wakeOne(latency);
  }

  *waitSet(): Generator<Op, void, boolean | undefined> {
    while (!this.isSet) yield { op: "wait", on: this.sleepers, state: "idle" };
  }
}
