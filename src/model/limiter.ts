import type { Op } from "./ops.js";
import { WaitQueue } from "./wait-queue.js";

/**
 * A concurrency limit for threads (a threading.BoundedSemaphore around submission): a thread
 * that finds no permit sleeps until a finishing task hands one back.
 */
export class ThreadLimiter {
  private used = 0;
  private readonly sleepers = new WaitQueue("limit");

  constructor(
    readonly limit: number,
    private readonly wakeLatency: () => number,
  ) {}

  *acquire(): Generator<Op, void, boolean | undefined> {
    while (this.used >= this.limit) yield { op: "wait", on: this.sleepers };
    this.used++;
  }

  release(): void {
    this.used--;
    this.sleepers.wakeOne(this.wakeLatency());
  }
}
