import type { Nanos } from "../engine/time.js";
import type { ThreadRole, ThreadState } from "../trace/types.js";
import type { Op, Program } from "./ops.js";
import type { SimProcess } from "./process.js";
import type { Runtime } from "./runtime.js";
import type { WaitQueue } from "./wait-queue.js";

type CpuState = "gil" | "nogil";

/**
 * A thread of a simulated process. It runs a program (a generator of ops), takes and drops its
 * process's GIL around them as CPython does, and competes for cores through the machine.
 */
export class SimThread {
  state: ThreadState = "idle";
  private since: Nanos;
  hasGil = false;
  finished = false;
  /** Core it runs on, or -1. */
  core = -1;
  coreSince = 0;

  private program: Program | null = null;
  // The CPU work in progress.
  private cpuLeft = 0;
  private cpuState: CpuState = "gil";
  private checkpoints = false;
  private cpuThen: (() => void) | null = null;
  private segStart = 0;
  private segEvent = -1;
  private segEnd = 0;
  private sliceEnd = 0;
  private inRunQueue = false;
  // A wait in progress.
  private waitingOn: WaitQueue | null = null;
  private waitTimeout = -1;
  private wakeEvent = -1;
  /** CPU used, ns. */
  cpuUsed = 0;

  constructor(
    private readonly rt: Runtime,
    readonly id: number,
    readonly name: string,
    readonly process: SimProcess,
    readonly role: ThreadRole,
  ) {
    this.since = rt.now;
  }

  /** Starts the program now. */
  start(program: Program): void {
    this.program = program;
    this.advance(undefined);
  }

  setState(state: ThreadState): void {
    if (state === this.state) return;
    this.rt.recorder.state(this, this.state, this.since, this.rt.now);
    this.state = state;
    this.since = this.rt.now;
  }

  /** Closes the open interval at the end of the run, counting the CPU of a segment cut short. */
  close(): void {
    if (this.segEvent >= 0) this.stopSegment();
    this.rt.recorder.state(this, this.state, this.since, this.rt.now);
    this.since = this.rt.now;
  }

  /** Inside advance(); a resume asked for meanwhile waits in resumeQueued / resumeValue. */
  private advancing = false;
  private resumeQueued = false;
  private resumeValue: boolean | undefined = undefined;

  /**
   * Resumes the program with `value` and carries out the op it yields next. An op that ends at
   * once (zero CPU, a free GIL) resumes the program from inside `perform`; that resume is queued
   * and run by the loop here, so a long run of instant ops cannot overflow the stack.
   */
  advance(value: boolean | undefined): void {
    if (this.advancing) {
      this.resumeQueued = true;
      this.resumeValue = value;
      return;
    }
    this.advancing = true;
    try {
      let v = value;
      for (;;) {
        const program = this.program;
        if (!program) return;
        const next = program.next(v);
        if (next.done) {
          this.exit();
          return;
        }
        this.perform(next.value);
        if (!this.resumeQueued) return;
        this.resumeQueued = false;
        v = this.resumeValue;
      }
    } finally {
      this.advancing = false;
    }
  }

  private perform(op: Op): void {
    const gil = this.process.gil;
    switch (op.op) {
      case "cpu": {
        if (gil === null) {
          const ns = op.mode === "python" ? Math.round(op.ns * this.rt.world.params.pythonSlowdown) : op.ns;
          this.account(ns, op.overhead === true);
          this.runCpu(ns, "nogil", false, this.resume);
        } else if (op.mode === "nogil") {
          this.account(op.ns, op.overhead === true);
          this.releaseGil();
          this.runCpu(op.ns, "nogil", false, this.retakeThenResume);
        } else {
          this.account(op.ns, op.overhead === true);
          this.pendingNs = op.ns;
          this.pendingCheckpoints = op.mode === "python";
          if (this.hasGil) this.runPending();
          else this.takeGil(this.runPending, false);
        }
        return;
      }
      case "block":
        this.releaseGil();
        this.setState("io");
        this.wakeEvent = this.rt.schedule(op.ns, this.rt.BLOCK_DONE, this.id);
        return;
      case "wait":
        this.releaseGil();
        this.setState(op.state ?? "idle");
        this.waitingOn = op.on;
        op.on.add(this);
        if (op.timeout !== undefined && Number.isFinite(op.timeout)) {
          this.waitTimeout = this.rt.schedule(op.timeout, this.rt.WAIT_TIMEOUT, this.id);
        }
        return;
    }
  }

  private account(ns: Nanos, isOverhead: boolean): void {
    if (isOverhead) this.rt.world.overheadCpu += ns;
    else this.rt.world.demandCpu += ns;
  }

  /** Runs modeled overhead CPU with the GIL held (no check points), then `then`. */
  runOverhead(ns: Nanos, then: () => void): void {
    this.rt.world.overheadCpu += ns;
    this.runCpu(ns, this.process.gil ? "gil" : "nogil", false, then);
  }

  // Continuations bound once per thread: the hot path creates no closures.
  private readonly resume = (): void => this.advance(undefined);
  private readonly resumeWoken = (): void => this.advance(true);
  private readonly resumeTimedOut = (): void => this.advance(false);
  private readonly retakeThenResume = (): void => this.takeGil(this.resume, true);
  private pendingNs = 0;
  private pendingCheckpoints = false;
  /** Runs the CPU op waiting for the GIL, now that the thread holds it. */
  private readonly runPending = (): void => this.runCpu(this.pendingNs, "gil", this.pendingCheckpoints, this.resume);

  /** A blocking call ended (BLOCK_DONE): take the GIL back, then go on. */
  onBlockDone(): void {
    this.wakeEvent = -1;
    this.takeGil(this.resume, true);
  }

  /** Woken from a wait queue, after `latency`. */
  wake(latency: Nanos): void {
    this.waitingOn = null;
    if (this.waitTimeout >= 0) {
      this.rt.cancel(this.waitTimeout);
      this.waitTimeout = -1;
    }
    this.wakeEvent = this.rt.schedule(latency, this.rt.WAKE, this.id);
  }

  onWake(): void {
    this.wakeEvent = -1;
    this.takeGil(this.resumeWoken, false);
  }

  onWaitTimeout(): void {
    this.waitTimeout = -1;
    this.waitingOn?.remove(this);
    this.waitingOn = null;
    this.takeGil(this.resumeTimedOut, false);
  }

  /** take_gil, or straight on when the process has no GIL. */
  takeGil(then: () => void, afterRelease: boolean): void {
    const gil = this.process.gil;
    if (gil === null || this.hasGil) {
      then();
      return;
    }
    gil.take(this, then, afterRelease);
  }

  private releaseGil(): void {
    if (this.hasGil) this.process.gil?.release(this, "voluntary");
  }

  private runCpu(ns: Nanos, state: CpuState, checkpoints: boolean, then: () => void): void {
    if (ns <= 0) {
      then();
      return;
    }
    this.cpuLeft = ns;
    this.cpuState = state;
    this.checkpoints = checkpoints;
    this.cpuThen = then;
    this.inRunQueue = true;
    this.rt.machine.request(this);
  }

  /** The machine gave this thread a core. */
  onCore(othersWaiting: boolean): void {
    this.inRunQueue = false;
    const gil = this.process.gil;
    if (this.checkpoints && this.hasGil && gil?.dropRequest) {
      // Told to drop while it waited for a core: it drops at its first check point.
      this.rt.machine.release(this);
      this.forcedDrop();
      return;
    }
    this.setState(this.cpuState);
    this.sliceEnd = this.rt.now + this.rt.machine.slice;
    this.startSegment(othersWaiting);
  }

  private startSegment(othersWaiting: boolean): void {
    const len = othersWaiting ? Math.min(this.cpuLeft, Math.max(0, this.sliceEnd - this.rt.now)) : this.cpuLeft;
    this.segStart = this.rt.now;
    this.segEnd = this.rt.now + len;
    this.segEvent = this.rt.schedule(len, this.rt.CPU_DONE, this.id);
  }

  /** Others wait for a core: stop at the end of this slice at the latest. */
  limitToSlice(): void {
    if (this.segEvent < 0 || this.segEnd <= this.sliceEnd) return;
    this.rt.cancel(this.segEvent);
    const at = Math.max(this.sliceEnd, this.rt.now);
    this.segEnd = at;
    this.segEvent = this.rt.schedule(at - this.rt.now, this.rt.CPU_DONE, this.id);
  }

  private stopSegment(): void {
    const ran = this.rt.now - this.segStart;
    this.cpuLeft -= ran;
    this.cpuUsed += ran;
    this.segStart = this.rt.now;
  }

  /** The current CPU segment ended (CPU_DONE). */
  onCpuDone(): void {
    this.segEvent = -1;
    this.stopSegment();
    if (this.cpuLeft > 0) {
      if (this.rt.machine.waiting > 0) {
        this.inRunQueue = true;
        this.rt.machine.preempt(this);
      } else {
        this.sliceEnd = this.rt.now + this.rt.machine.slice;
        this.startSegment(false);
      }
      return;
    }
    this.rt.machine.release(this);
    const gil = this.process.gil;
    if (this.hasGil && gil?.dropRequest && (this.checkpoints || this.cpuState === "gil")) {
      // The eval breaker runs right after the work (the end of a C call holding the GIL).
      this.cpuLeft = 0;
      this.forcedDrop();
      return;
    }
    const then = this.cpuThen as () => void;
    this.cpuThen = null;
    then();
  }

  /** A waiter asked for the GIL. Python code drops it at its next check point. */
  onDropRequest(): void {
    if (!this.checkpoints || this.cpuThen === null) return;
    if (this.segEvent >= 0) {
      this.rt.cancel(this.segEvent);
      this.segEvent = -1;
      this.stopSegment();
      this.rt.machine.release(this);
      this.forcedDrop();
    } else if (this.inRunQueue && this.rt.machine.withdraw(this)) {
      this.inRunQueue = false;
      this.forcedDrop();
    }
  }

  /** Forced drop: wait until someone else holds the GIL, wait to get it back, then resume the CPU work. */
  private forcedDrop(): void {
    const left = this.cpuLeft;
    const state = this.cpuState;
    const checkpoints = this.checkpoints;
    const then = this.cpuThen as () => void;
    this.cpuThen = null;
    const resume = () => this.runCpu(left, state, checkpoints, then);
    this.process.gil?.release(this, "forced", resume);
  }

  private exit(): void {
    if (this.hasGil) this.process.gil?.release(this, "exit");
    this.finished = true;
    this.program = null;
    this.setState("idle");
  }

  /** True while a wake-up or a block is pending (for invariants). */
  get busy(): boolean {
    return this.wakeEvent >= 0 || this.segEvent >= 0;
  }
}
