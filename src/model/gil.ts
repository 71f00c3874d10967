import type { Random } from "../engine/random.js";
import type { SwitchReason } from "../trace/types.js";
import { removeAt, removeItem } from "./list.js";
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
  /** Signalled again while awake (the condition's futex moved): it goes round again instead of sleeping. */
  resignalled: boolean;
  /** In take_gil, between take and acquire (the waiter is reused by the thread's next wait). */
  active: boolean;
  // Continuations bound once per waiter, so a wake-up allocates no closure.
  readonly afterTimeout: () => void;
  readonly afterSignal: () => void;
  readonly settle: () => void;
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
  /**
   * Each thread's waiter, by thread id, made on its first wait and reused (a thread is in at most
   * one take_gil at a time): no Map lookup and no allocation per wait.
   */
  private readonly byThread: (Waiter | undefined)[] = [];
  /** Woken waiters not yet back asleep (they may catch the next release). */
  private readonly awake: Waiter[] = [];
  /** The thread the last forced drop displaced (for the recency-biased winner). */
  private displaced: SimThread | null = null;
  /** The waiter whose timed-out wait set the pending drop request (runtime.gilRequesterWins). */
  private requester: SimThread | null = null;
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
    const w = this.waiterOf(thread);
    w.resume = then;
    w.saved = this.switchNumber;
    w.timeout = -1;
    w.afterRelease = afterRelease;
    w.resignalled = false;
    w.active = true;
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
    // The waiter that set the request this drop answers; a later request sets its own.
    const requester = this.requester;
    this.requester = null;
    if (waitForSwitch) {
      if (reason === "forced") {
        this.forced++;
        this.rt.recorder.marker(this.rt.now, thread.id, this.process, "forced-switch");
      }
      thread.setState("wait-gil");
      this.switchWaiters.push({ thread, resume: then as () => void });
      // The drop that answers a request: the waiter that asked may still be on its CPU.
      this.signal(reason === "forced" ? requester : null);
      // Signalled first: the thread displaced before this one may win; this one is next.
      if (reason === "forced") this.displaced = thread;
      thread.leaveCore();
      return;
    }
    this.signal();
    then?.();
  }

  private waiterOf(thread: SimThread): Waiter {
    const known = this.byThread[thread.id];
    if (known) return known;
    const w: Waiter = {
      thread,
      resume: noop,
      saved: 0,
      timeout: -1,
      afterRelease: false,
      resignalled: false,
      active: false,
      afterTimeout: () => this.afterTimeout(w),
      afterSignal: () => this.afterSignal(w),
      settle: () => this.settle(w),
    };
    this.byThread[thread.id] = w;
    return w;
  }

  /** Records the hold still open when the run ends (its reason is "end"). */
  closeHold(): void {
    if (this.holder) this.rt.recorder.gilHold(this.process, this.holder.id, this.holdStart, this.rt.now, "end");
  }

  /** A timed wait ran out (the kernel's GIL_TIMEOUT event): the waiter is runnable. */
  onTimeout(thread: SimThread): void {
    const w = this.byThread[thread.id];
    if (!w?.active || w.timeout < 0) return;
    w.timeout = -1;
    this.unsleep(w);
    this.runnable++;
    this.awake.push(w);
    thread.needCore(w.afterTimeout, 0);
  }

  /**
   * The timed-out waiter runs: when no switch happened during its wait it sets the drop request,
   * and it waits again; the holder sees the request at its next check point, by when the waiter
   * is asleep again (a signal then wakes it).
   */
  private afterTimeout(w: Waiter): void {
    if (!this.locked || w.resignalled) {
      this.settle(w);
      return;
    }
    const noSwitch = this.switchNumber === w.saved;
    this.settle(w);
    if (noSwitch) this.requestDrop(w.thread);
  }

  /** A signalled waiter runs: it looks at the GIL (settle). */
  private afterSignal(w: Waiter): void {
    this.settle(w);
  }

  /**
   * An awake waiter, on its CPU, looks at the GIL: it takes it if free. Else, when a signal came
   * while it was awake (the condition's futex moved, so its next wait returns at once), it goes
   * round take_gil's loop again; otherwise it sleeps a whole new interval.
   */
  private settle(w: Waiter): void {
    if (!this.locked) {
      this.runnable--;
      this.dropAwake(w);
      w.active = false;
      const resume = w.resume;
      w.resume = noop;
      this.acquire(w.thread, resume);
      return;
    }
    if (w.resignalled) {
      w.resignalled = false;
      w.thread.spin(this.rt.world.params.syscallCost, w.settle);
      return;
    }
    this.runnable--;
    this.dropAwake(w);
    w.saved = this.switchNumber;
    this.sleep(w);
  }

  private dropAwake(w: Waiter): void {
    removeItem(this.awake, w);
  }

  private sleep(w: Waiter): void {
    const p = this.rt.world.params;
    w.thread.setState("wait-gil");
    this.waiters.push(w);
    w.timeout = this.rt.schedule(p.switchInterval + p.timerSlack, this.rt.GIL_TIMEOUT, w.thread.id);
    w.thread.leaveCore();
  }

  private unsleep(w: Waiter): void {
    removeItem(this.waiters, w);
  }

  /**
   * COND_SIGNAL: one sleeping waiter wakes (the OS picks which) and becomes runnable. With none
   * asleep, a waiter that is awake but has not looked yet sees the signal (it goes round again).
   */
  private signal(requester: SimThread | null = null): void {
    if (this.waiters.length === 0) {
      const w = this.awake[0];
      if (w) w.resignalled = true;
      return;
    }
    const p = this.rt.world.params;
    const policy = p.gilWinner;
    let i =
      policy === "fifo"
        ? 0
        : policy === "lifo"
          ? this.waiters.length - 1
          : Math.floor(this.rng.next() * this.waiters.length);
    if (p.gilRecency > 0 && this.displaced) {
      // The thread displaced last wins more often than FIFO would have it (glibc's condition
      // groups: it waits in the newer group, which a signal reaches when the older one is empty
      // or its waiters are in the middle of timing out).
      const d = this.waiters.findIndex((x) => x.thread === this.displaced);
      if (d >= 0 && this.rng.next() < p.gilRecency) i = d;
    }
    if (requester !== null && p.gilRequesterWins > 0) {
      // The waiter that asked for this drop went back to wait a moment ago: when it has not yet
      // slept, it takes the signal before the one the OS would wake (runtime.gilRequesterWins).
      const r = this.waiters.findIndex((x) => x.thread === requester);
      if (r >= 0 && this.rng.next() < p.gilRequesterWins) i = r;
    }
    const w = this.waiters[i] as Waiter;
    removeAt(this.waiters, i);
    this.rt.cancel(w.timeout);
    w.timeout = -1;
    this.runnable++;
    this.awake.push(w);
    const latency = this.rt.world.draw(this.rt.world.params.gilWakeup, this.wakeupRng);
    w.thread.needCore(w.afterSignal, latency);
  }

  private requestDrop(requester: SimThread): void {
    this.rt.recorder.marker(this.rt.now, requester.id, this.process, "drop-request");
    if (this.dropRequest) return;
    this.dropRequest = true;
    this.requester = requester;
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

function noop(): void {}
