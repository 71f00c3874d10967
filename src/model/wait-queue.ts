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

  /** Wakes the longest sleeper after `latency` ns. Returns false when nobody sleeps. */
  wakeOne(latency: number): boolean {
    const t = this.sleepers.shift();
    if (!t) return false;
    t.wake(latency);
    return true;
  }
}
