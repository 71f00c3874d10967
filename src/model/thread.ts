import type { Nanos } from "../engine/time.js";
import type { ThreadRole, ThreadState } from "../trace/types.js";
import type { Op, Program } from "./ops.js";
import type { SimProcess } from "./process.js";
import type { Runtime } from "./runtime.js";
import type { WaitQueue } from "./wait-queue.js";

type CpuState = "gil" | "nogil";

/**
 * A thread of a simulated process. It runs a program (a generator of ops), takes and drops its
 * process's GIL around them as CPython does, and runs only on a CPU the machine gives it.
 *
 * A thread keeps its CPU while it has work, from one op to the next, and gives it up only when
 * it sleeps: on a wait queue, in a blocking call, waiting for the GIL, or when it exits. Every
 * wake-up (a signal, a timer, the GIL) makes it runnable, and it goes on (take_gil included) once
 * the machine has given it a CPU again; the OS may also preempt it, GIL held or not.
 */
export class SimThread {
  state: ThreadState = "idle";
  private since: Nanos;
  hasGil = false;
  finished = false;
  /** CPU it runs on, or -1. */
  core = -1;
  /** CPU it ran on last (Linux wakes a thread there when it can), or -1. */
  lastCpu = -1;
  /** When it last left a CPU: within migration_cost of this it is cache-hot. */
  lastRanAt = Number.NEGATIVE_INFINITY;
  /** The CPU whose run queue it waits in, or -1. */
  queuedOn = -1;
  /** EEVDF: virtual runtime, virtual deadline, and the lag kept while asleep (see Machine). */
  v = 0;
  deadline = 0;
  vlag = 0;
  /** Asleep but still counted on this CPU (DELAY_DEQUEUE), or -1. */
  delayedOn = -1;
  /** When it last went to sleep, and how long its sleeps have lasted lately (see Machine). */
  sleptAt = 0;
  avgSleep = 0;

  private program: Program | null = null;
  // The CPU work in progress.
  private cpuLeft = 0;
  private cpuState: CpuState = "gil";
  private checkpoints = false;
  private cpuThen: (() => void) | null = null;
  private segStart = 0;
  private segEvent = -1;
  /** What to do once the machine gives this thread a CPU. */
  private onCoreThen: (() => void) | null = null;
  // A wait in progress.
  private waitingOn: WaitQueue | null = null;
  private waitTimeout = -1;
  private blockEvent = -1;
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

  /** Starts the program: the new thread runs once it has a CPU. */
  start(program: Program): void {
    this.program = program;
    this.needCore(this.resume, 0);
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
        // An op that ended at once: work without an event of its own, which --max-events counts.
        // Once the limit is spent, the thread goes on in an event of its own, so the run can stop
        // between two of its instant ops (never without a limit: results stay the same).
        if (this.rt.world.sim.charge()) {
          const resumeWith = v;
          this.rt.later(0, () => this.advance(resumeWith));
          return;
        }
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
          this.pendingEnd = op.onEnd ?? null;
          this.runCpu(
            this.withCold(ns, op.glue === true),
            "nogil",
            false,
            this.pendingEnd ? this.endThenResume : this.resume,
          );
        } else if (op.mode === "nogil") {
          this.account(op.ns, op.overhead === true);
          this.pendingNs = op.ns;
          this.pendingGlue = op.glue === true;
          this.pendingEnd = op.onEnd ?? null;
          this.releaseGil(this.runNogil);
        } else {
          this.account(op.ns, op.overhead === true);
          this.pendingNs = op.ns;
          this.pendingGlue = op.glue === true;
          this.pendingCheckpoints = op.mode === "python";
          if (this.hasGil) this.runPending();
          else this.takeGil(this.runPending, false);
        }
        return;
      }
      case "block":
        if (op.ns <= 0) {
          // A call that does not sleep (select with a zero timeout): the GIL is dropped for the
          // system call and taken back, and the thread keeps its CPU.
          this.pendingNs = this.rt.world.params.syscallCost;
          this.pendingGlue = false;
          this.rt.world.overheadCpu += this.pendingNs;
          this.releaseGil(this.runNogil);
          return;
        }
        this.pendingNs = op.ns;
        this.blockTimer = op.timer === true;
        this.releaseGil(this.sleepBlock);
        return;
      case "wait":
        this.pendingWait = op;
        this.releaseGil(this.sleepWait);
        return;
    }
  }

  private account(ns: Nanos, isOverhead: boolean): void {
    if (isOverhead) this.rt.world.overheadCpu += ns;
    else this.rt.world.demandCpu += ns;
  }

  /** Runs modeled overhead CPU with the GIL held (no check points), then `then`: the GIL's own code, which every switch runs, so not glue. */
  runOverhead(ns: Nanos, then: () => void): void {
    this.rt.world.overheadCpu += ns;
    this.runCpu(this.withCold(ns), this.process.gil ? "gil" : "nogil", false, then);
  }

  // Continuations bound once per thread: the hot path creates no closures.
  private readonly resume = (): void => this.advance(undefined);
  private readonly resumeWoken = (): void => this.advance(true);
  private readonly resumeTimedOut = (): void => this.advance(false);
  private readonly retakeThenResume = (): void => this.takeGil(this.resume, true);
  private readonly retakeThenWoken = (): void => this.takeGil(this.resumeWoken, false);
  private readonly retakeThenTimedOut = (): void => this.takeGil(this.resumeTimedOut, false);
  private pendingNs = 0;
  private blockTimer = false;
  private pendingGlue = false;
  private pendingCheckpoints = false;
  private pendingWait: (Op & { op: "wait" }) | null = null;
  /** Runs the CPU op waiting for the GIL, now that the thread holds it. */
  private readonly runPending = (): void => {
    const ns = this.withCold(this.pendingNs, this.pendingGlue);
    if (this.pendingCheckpoints && this.process.gil?.dropRequest) {
      // Asked to drop before the first check point: the eval breaker runs at once.
      this.cpuLeft = ns;
      this.cpuState = "gil";
      this.checkpoints = true;
      this.cpuThen = this.resume;
      this.forcedDrop();
      return;
    }
    this.runCpu(ns, "gil", this.pendingCheckpoints, this.resume);
  };
  private readonly runNogil = (): void =>
    this.runCpu(
      this.withCold(this.pendingNs, this.pendingGlue),
      "nogil",
      false,
      this.pendingEnd ? this.endThenRetake : this.retakeThenResume,
    );
  /** A system call's effect (op.onEnd), as the call returns: before the GIL is taken back. */
  private pendingEnd: (() => void) | null = null;
  private runEnd(): void {
    const end = this.pendingEnd;
    this.pendingEnd = null;
    end?.();
  }
  private readonly endThenRetake = (): void => {
    this.runEnd();
    this.takeGil(this.resume, true);
  };
  private readonly endThenResume = (): void => {
    this.runEnd();
    this.advance(undefined);
  };
  private readonly sleepBlock = (): void => {
    this.setState("io");
    this.blockEvent = this.rt.schedule(this.pendingNs, this.rt.BLOCK_DONE, this.id);
    this.leaveCore();
  };
  private readonly sleepWait = (): void => {
    const op = this.pendingWait as Op & { op: "wait" };
    this.pendingWait = null;
    this.setState(op.state ?? "idle");
    this.waitingOn = op.on;
    op.on.add(this);
    if (op.timeout !== undefined && Number.isFinite(op.timeout)) {
      this.waitTimeout = this.rt.schedule(op.timeout, this.rt.WAIT_TIMEOUT, this.id);
    }
    this.leaveCore();
  };

  /**
   * Becomes runnable: `then` runs once the machine gives this thread a CPU (after `latency` on an
   * idle one; `timer`: woken by a timer's expiry, which machine.timerTail may delay further).
   */
  needCore(then: () => void, latency: Nanos, timer = false): void {
    this.onCoreThen = then;
    this.rt.machine.wake(this, latency, timer);
  }

  /** Gives up the CPU to sleep. */
  leaveCore(): void {
    if (this.core >= 0) this.rt.machine.leave(this);
  }

  /** The machine gave this thread a CPU. */
  onCore(): void {
    const then = this.onCoreThen;
    this.onCoreThen = null;
    if (then) then();
  }

  /** The OS took the CPU away (its slice ended and others wait): the CPU work goes on later. */
  onPreempted(): void {
    if (this.segEvent < 0) throw new Error(`thread ${this.name} preempted outside CPU work`);
    this.rt.cancel(this.segEvent);
    this.segEvent = -1;
    this.stopSegment();
    this.onCoreThen = this.resumeCpu;
  }

  /** Back on a CPU after a preemption: a drop request that came meanwhile is seen at once. */
  private readonly resumeCpu = (): void => {
    if (this.checkpoints && this.hasGil && this.process.gil?.dropRequest) {
      this.forcedDrop();
      return;
    }
    this.runCpu(this.cpuLeft, this.cpuState, this.checkpoints, this.cpuThen as () => void);
  };

  /** A blocking call ended (BLOCK_DONE; a timer's slack is in the duration): run, take the GIL back, go on. */
  onBlockDone(): void {
    this.blockEvent = -1;
    this.needCore(this.retakeThenResume, 0, this.blockTimer);
  }

  /** Woken from a wait queue: runnable, running after `latency` on an idle CPU (`timer`: by a timer). */
  wake(latency: Nanos, timer = false): void {
    this.waitingOn = null;
    if (this.waitTimeout >= 0) {
      this.rt.cancel(this.waitTimeout);
      this.waitTimeout = -1;
    }
    this.needCore(this.retakeThenWoken, latency, timer);
  }

  /** A timed wait's timer expired (the event loop's select): a timer wake-up. */
  onWaitTimeout(): void {
    this.waitTimeout = -1;
    this.waitingOn?.remove(this);
    this.waitingOn = null;
    this.needCore(this.retakeThenTimedOut, 0, true);
  }

  /** take_gil (on a CPU), or straight on when the process has no GIL or this thread holds it. */
  takeGil(then: () => void, afterRelease: boolean): void {
    const gil = this.process.gil;
    if (gil === null || this.hasGil) {
      then();
      return;
    }
    gil.take(this, then, afterRelease);
  }

  /** drop_gil before a blocking call or C code that releases it; `then` runs after (on a CPU). */
  private releaseGil(then: () => void): void {
    const gil = this.process.gil;
    if (gil && this.hasGil) gil.release(this, "voluntary", then);
    else then();
  }

  /**
   * `ns` of new CPU work, slowed by the cold start its process still owes (machine.coldStart):
   * it runs `slowdown` times as long until the debt is paid; and, after a fork, by the
   * copy-on-write debt (runtime.forkCow), at its own slowdown, on top. Only new work: a piece
   * resumed after a preemption or a forced switch was charged when it began.
   *
   * Glue (the runtime's own code, `glue` ops) also goes cold while the process runs other code: a
   * long step's kernel keeps only itself in the caches. Glue run `since` after the process last
   * ran glue owes the same curve's value at `since`, less the idle debt charged at the last wake
   * (which covers the same span, whether or not other work has paid it yet); only glue pays that
   * part, within the same slowdown as the idle debt.
   */
  private withCold(ns: Nanos, glue = false): Nanos {
    const proc = this.process;
    if (ns <= 0) return ns;
    const now = this.rt.world.now;
    if (glue) {
      const owed = this.rt.machine.glueColdExtra(now - proc.glueAt) - proc.coldCharged;
      proc.coldCharged = 0;
      if (owed > proc.glueDebt) proc.glueDebt = owed;
    }
    let total = ns;
    if (proc.cowDebt > 0) {
      // Copy-on-write after a fork (runtime.forkCow): any of its work, glue or not, pays it.
      const cow = Math.min(proc.cowDebt, Math.round(ns * (this.rt.world.params.forkCow.slowdown - 1)));
      proc.cowDebt -= cow;
      this.rt.world.overheadCpu += cow;
      total += cow;
    }
    if (proc.coldDebt > 0 || (glue && proc.glueDebt > 0)) {
      let room = Math.round(ns * (this.rt.machine.coldSlowdown - 1));
      const idle = Math.min(proc.coldDebt, room);
      proc.coldDebt -= idle;
      room -= idle;
      const cold = glue ? Math.min(proc.glueDebt, room) : 0;
      proc.glueDebt -= cold;
      this.rt.world.overheadCpu += idle + cold;
      total += idle + cold;
    }
    if (glue) proc.glueAt = now + total;
    return total;
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
    this.setState(state);
    this.segStart = this.rt.now;
    this.segEvent = this.rt.schedule(ns, this.rt.CPU_DONE, this.id);
  }

  private stopSegment(): void {
    const ran = this.rt.now - this.segStart;
    this.cpuLeft -= ran;
    this.cpuUsed += ran;
    this.segStart = this.rt.now;
  }

  /** The current CPU work is done (CPU_DONE). */
  onCpuDone(): void {
    this.segEvent = -1;
    this.stopSegment();
    this.cpuLeft = 0;
    const gil = this.process.gil;
    if (this.hasGil && gil?.dropRequest && (this.checkpoints || this.cpuState === "gil")) {
      // The eval breaker runs right after the work (the end of a C call holding the GIL).
      this.forcedDrop();
      return;
    }
    const then = this.cpuThen as () => void;
    this.cpuThen = null;
    then();
  }

  /** A waiter asked for the GIL. Python code running now drops it at its next check point. */
  onDropRequest(): void {
    if (!this.checkpoints || this.segEvent < 0 || this.cpuState !== "gil") return;
    this.rt.cancel(this.segEvent);
    this.segEvent = -1;
    this.stopSegment();
    this.forcedDrop();
  }

  /**
   * Forced drop: wait until another thread holds the GIL, take it back, then go on with the CPU
   * work. The work left is pushed on a stack rather than captured in closures (no allocation per
   * drop): the hand-off overhead run on taking the GIL back can itself end in a forced drop,
   * whose work (none left, then go on with this one) is pushed above and taken first.
   */
  private forcedDrop(): void {
    this.droppedLeft.push(this.cpuLeft);
    this.droppedState.push(this.cpuState);
    this.droppedCheckpoints.push(this.checkpoints);
    this.droppedThen.push(this.cpuThen as () => void);
    this.cpuThen = null;
    this.process.gil?.release(this, "forced", this.retakeAfterDrop);
  }
  private readonly droppedLeft: Nanos[] = [];
  private readonly droppedState: CpuState[] = [];
  private readonly droppedCheckpoints: boolean[] = [];
  private readonly droppedThen: (() => void)[] = [];
  private readonly retakeAfterDrop = (): void => this.takeGil(this.runAfterDrop, false);
  /** Back with the GIL after a forced drop: the CPU work the latest drop cut short goes on. */
  private readonly runAfterDrop = (): void => {
    const left = this.droppedLeft.pop() as Nanos;
    const state = this.droppedState.pop() as CpuState;
    const checkpoints = this.droppedCheckpoints.pop() as boolean;
    const then = this.droppedThen.pop() as () => void;
    this.runCpu(left, state, checkpoints, then);
  };

  private exit(): void {
    this.finished = true;
    this.program = null;
    if (this.hasGil) this.process.gil?.release(this, "exit", null);
    this.setState("idle");
    this.leaveCore();
  }

  /** CPU without the GIL, then `then` (a waiter going round its condition variable again). */
  spin(ns: Nanos, then: () => void): void {
    this.rt.world.overheadCpu += ns;
    this.runCpu(this.withCold(ns), "nogil", false, then);
  }

  /** True while CPU work or a blocking call is pending (for invariants). */
  get busy(): boolean {
    return this.blockEvent >= 0 || this.segEvent >= 0;
  }
}
