import type { Random } from "../engine/random.js";
import type { SwitchReason } from "../trace/types.js";
import type { Runtime } from "./runtime.js";
import type { SimThread } from "./thread.js";

interface Waiter {
  thread: SimThread;
  resume: () => void;
  /** switch_number when this timed wait began. */
  saved: number;
  /** The pending timeout event, or -1 while being woken. */
  timeout: number;
}

/**
 * One process's GIL, as Python/ceval_gil.c runs it (FORCE_SWITCHING): a waiter sleeps on a
 * condition for one switch interval; when the interval passes with no switch it sets the drop
 * request and waits again; the holder drops at its next check point, wakes one waiter (which
 * one is up to the OS) and, when forced, waits until another thread has taken the GIL.
 */
export class Gil {
  locked = false;
  holder: SimThread | null = null;
  private lastHolder: SimThread | null = null;
  switchNumber = 0;
  dropRequest = false;
  private readonly waiters: Waiter[] = [];
  private readonly waking = new Map<number, Waiter>();
  private readonly byThread = new Map<number, Waiter>();
  private switchWaiters: { thread: SimThread; resume: () => void }[] = [];
  private holdStart = 0;
  private readonly rng: Random;
  private readonly wakeupRng: Random;
  private readonly handoffRng: Random;
  switches = 0;
  forced = 0;
  convoys = 0;

  constructor(
    private readonly rt: Runtime,
    readonly process: number,
  ) {
    this.rng = rt.world.rng(`gil:${process}`);
    this.wakeupRng = rt.world.rng(`gil-wakeup:${process}`);
    this.handoffRng = rt.world.rng(`gil-handoff:${process}`);
  }

  /** Threads asleep waiting for this GIL (timed waits and those being woken). */
  get waiting(): number {
    return this.waiters.length + this.waking.size;
  }

  /** take_gil: acquire now if free, else sleep in timed waits until it is ours; then run `then`. */
  take(thread: SimThread, then: () => void, afterRelease: boolean): void {
    if (!this.locked) {
      this.acquire(thread, then);
      return;
    }
    if (afterRelease) {
      this.convoys++;
      this.rt.recorder.marker(this.rt.now, thread.id, this.process, "convoy");
    }
    thread.setState("wait-gil");
    const w: Waiter = { thread, resume: then, saved: this.switchNumber, timeout: -1 };
    this.byThread.set(thread.id, w);
    this.sleep(w);
  }

  /** drop_gil. A forced drop leaves the dropper waiting until another thread has taken the GIL. */
  release(thread: SimThread, reason: SwitchReason, afterForced?: () => void): void {
    if (this.holder !== thread) throw new Error(`thread ${thread.name} drops a GIL it does not hold`);
    this.locked = false;
    this.holder = null;
    thread.hasGil = false;
    this.rt.recorder.gilHold(this.process, thread.id, this.holdStart, this.rt.now, reason);
    if (reason === "forced" && afterForced) {
      this.forced++;
      this.rt.recorder.marker(this.rt.now, thread.id, this.process, "forced-switch");
      thread.setState("wait-gil");
      this.switchWaiters.push({ thread, resume: afterForced });
    }
    this.signal();
  }

  /** Records the hold still open when the run ends (its reason is "end"). */
  closeHold(): void {
    if (this.holder) this.rt.recorder.gilHold(this.process, this.holder.id, this.holdStart, this.rt.now, "end");
  }

  /** A timed wait ran out (handler of the kernel's GIL_TIMEOUT event). */
  onTimeout(thread: SimThread): void {
    const w = this.byThread.get(thread.id);
    if (!w) return;
    w.timeout = -1;
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
    if (!this.locked) {
      this.byThread.delete(thread.id);
      this.acquire(thread, w.resume);
      return;
    }
    const noSwitch = this.switchNumber === w.saved;
    // The waiter is back on the condition before the holder reaches its next check point.
    w.saved = this.switchNumber;
    this.sleep(w);
    if (noSwitch) this.requestDrop(thread);
  }

  /** A signalled waiter is awake (handler of the kernel's GIL_WAKE event). */
  onWake(thread: SimThread): void {
    const w = this.waking.get(thread.id);
    if (!w) return;
    this.waking.delete(thread.id);
    if (!this.locked) {
      this.byThread.delete(thread.id);
      this.acquire(thread, w.resume);
      return;
    }
    w.saved = this.switchNumber;
    this.sleep(w);
  }

  private sleep(w: Waiter): void {
    const p = this.rt.world.params;
    this.waiters.push(w);
    w.timeout = this.rt.schedule(p.switchInterval + p.timerSlack, this.rt.GIL_TIMEOUT, w.thread.id);
  }

  private signal(): void {
    if (this.waiters.length === 0) return;
    const policy = this.rt.world.params.gilWinner;
    const i =
      policy === "fifo"
        ? 0
        : policy === "lifo"
          ? this.waiters.length - 1
          : Math.floor(this.rng.next() * this.waiters.length);
    const [w] = this.waiters.splice(i, 1) as [Waiter];
    this.rt.cancel(w.timeout);
    w.timeout = -1;
    this.waking.set(w.thread.id, w);
    const latency = this.rt.world.draw(this.rt.world.params.gilWakeup, this.wakeupRng);
    this.rt.schedule(latency, this.rt.GIL_WAKE, w.thread.id);
  }

  private requestDrop(requester: SimThread): void {
    this.rt.recorder.marker(this.rt.now, requester.id, this.process, "drop-request");
    if (this.dropRequest) return;
    this.dropRequest = true;
    this.holder?.onDropRequest();
  }

  private acquire(thread: SimThread, then: () => void): void {
    this.locked = true;
    this.holder = thread;
    thread.hasGil = true;
    this.dropRequest = false;
    this.holdStart = this.rt.now;
    const switched = this.lastHolder !== null && this.lastHolder !== thread;
    this.lastHolder = thread;
    if (switched) {
      this.switchNumber++;
      this.switches++;
      const waiting = this.switchWaiters;
      this.switchWaiters = [];
      for (const s of waiting) s.thread.takeGil(s.resume, false);
      const p = this.rt.world.params;
      const cost = this.rt.world.draw(p.gilHandoff, this.handoffRng) + p.gilHandoffPerWaiter * this.waiting;
      thread.runOverhead(cost, then);
      return;
    }
    then();
  }
}
