import type { Random } from "../engine/random.js";
import type { SwitchReason } from "../trace/types.js";
import type { Runtime } from "./runtime.js";
import type { SimThread } from "./thread.js";

interface Waiter {
  thread: SimThread;
  resume: () => void;
  /** switch_number when this timed wait began. */
  saved: number;
  /** The pending timeout event while asleep on the condition, else -1. */
  timeout: number;
  /** Back from a GIL release (IO, C code): finding the GIL taken then is a convoy. */
  afterRelease: boolean;
}

/**
 * One process's GIL, as Python/ceval_gil.c runs it (FORCE_SWITCHING).
 *
 * take_gil: a thread finding the GIL locked sleeps on a condition for one switch interval. When
 * the interval passes with no switch it sets the drop request and waits again; a wait that a
 * signal or a switch ended starts a whole new interval. drop_gil: unlock, signal one waiter (which
 * one is up to the OS), and when a drop request is pending (a forced drop, or any drop while one
 * is pending), wait on switch_cond until another thread has taken the GIL.
 *
 * Every step of this runs on a CPU: a signalled or timed-out waiter is only runnable, and it
 * checks the GIL (and sets the drop request) once the machine gives it a CPU. A thread that
 * released the GIL briefly and is still on its CPU usually takes it back first.
 */
export class Gil {
  locked = false;
  holder: SimThread | null = null;
  private lastHolder: SimThread | null = null;
  switchNumber = 0;
  dropRequest = false;
  /** Asleep on the condition. */
  private readonly waiters: Waiter[] = [];
  /** Woken (signalled or timed out), not yet back on a CPU to look at the GIL. */
  private runnable = 0;
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

  /** Threads waiting for this GIL (asleep on it, or woken and about to look again). */
  get waiting(): number {
    return this.waiters.length + this.runnable;
  }

  /** take_gil, on a CPU: acquire now if free, else sleep in timed waits until it is ours; then run `then`. */
  take(thread: SimThread, then: () => void, afterRelease: boolean): void {
    if (!this.locked) {
      this.acquire(thread, then);
      return;
    }
    if (afterRelease) {
      this.convoys++;
      this.rt.recorder.marker(this.rt.now, thread.id, this.process, "convoy");
    }
    const w: Waiter = { thread, resume: then, saved: this.switchNumber, timeout: -1, afterRelease };
    this.byThread.set(thread.id, w);
    this.sleep(w);
  }

  /**
   * drop_gil. `then` runs on a CPU after it; with a drop request pending (always so for a forced
   * drop) only once another thread has taken the GIL. `then` null: the thread exits.
   */
  release(thread: SimThread, reason: SwitchReason, then: (() => void) | null): void {
    if (this.holder !== thread) throw new Error(`thread ${thread.name} drops a GIL it does not hold`);
    this.locked = false;
    this.holder = null;
    thread.hasGil = false;
    this.rt.recorder.gilHold(this.process, thread.id, this.holdStart, this.rt.now, reason);
    const waitForSwitch = this.dropRequest && then !== null;
    this.dropRequest = false;
    if (waitForSwitch) {
      if (reason === "forced") {
        this.forced++;
        this.rt.recorder.marker(this.rt.now, thread.id, this.process, "forced-switch");
      }
      thread.setState("wait-gil");
      this.switchWaiters.push({ thread, resume: then as () => void });
      this.signal();
      thread.leaveCore();
      return;
    }
    this.signal();
    then?.();
  }

  /** Records the hold still open when the run ends (its reason is "end"). */
  closeHold(): void {
    if (this.holder) this.rt.recorder.gilHold(this.process, this.holder.id, this.holdStart, this.rt.now, "end");
  }

  /** A timed wait ran out (the kernel's GIL_TIMEOUT event): the waiter is runnable. */
  onTimeout(thread: SimThread): void {
    const w = this.byThread.get(thread.id);
    if (!w || w.timeout < 0) return;
    w.timeout = -1;
    this.unsleep(w);
    this.runnable++;
    thread.needCore(() => this.afterTimeout(w), 0);
  }

  /** The timed-out waiter runs: take the GIL if free, else ask for a drop when no switch happened. */
  private afterTimeout(w: Waiter): void {
    this.runnable--;
    if (!this.locked) {
      this.byThread.delete(w.thread.id);
      this.acquire(w.thread, w.resume);
      return;
    }
    const noSwitch = this.switchNumber === w.saved;
    // Back on the condition before the holder reaches its next check point.
    w.saved = this.switchNumber;
    this.sleep(w);
    if (noSwitch) this.requestDrop(w.thread);
  }

  /** A signalled waiter runs: the GIL is its if still free, else a whole new interval of waiting. */
  private afterSignal(w: Waiter): void {
    this.runnable--;
    if (!this.locked) {
      this.byThread.delete(w.thread.id);
      this.acquire(w.thread, w.resume);
      return;
    }
    w.saved = this.switchNumber;
    this.sleep(w);
  }

  private sleep(w: Waiter): void {
    const p = this.rt.world.params;
    w.thread.setState("wait-gil");
    this.waiters.push(w);
    w.timeout = this.rt.schedule(p.switchInterval + p.timerSlack, this.rt.GIL_TIMEOUT, w.thread.id);
    w.thread.leaveCore();
  }

  private unsleep(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** COND_SIGNAL: one sleeping waiter wakes (the OS picks which) and becomes runnable. */
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
    this.runnable++;
    const latency = this.rt.world.draw(this.rt.world.params.gilWakeup, this.wakeupRng);
    w.thread.needCore(() => this.afterSignal(w), latency);
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
    this.holdStart = this.rt.now;
    const switched = this.lastHolder !== null && this.lastHolder !== thread;
    this.lastHolder = thread;
    if (switched) {
      this.switchNumber++;
      this.switches++;
      // COND_SIGNAL(switch_cond): a forced dropper waiting for the switch wakes and takes its turn.
      const waiting = this.switchWaiters;
      this.switchWaiters = [];
      const p = this.rt.world.params;
      for (const s of waiting) {
        const latency = this.rt.world.draw(p.gilWakeup, this.wakeupRng);
        s.thread.needCore(s.resume, latency);
      }
      const cost = this.rt.world.draw(p.gilHandoff, this.handoffRng) + p.gilHandoffPerWaiter * this.waiting;
      thread.runOverhead(cost, then);
      return;
    }
    then();
  }
}
