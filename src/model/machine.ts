import type { Nanos } from "../engine/time.js";
import { removeItem } from "./list.js";
import type { SimThread } from "./thread.js";
import type { World } from "./world.js";

/** Linux's scheduler class the model follows. */
export type KernelScheduler = "eevdf" | "cfs";

/** A CPU: the thread on it, a thread waking onto it, and its own run queue (Linux keeps one per CPU). */
interface Cpu {
  readonly index: number;
  current: SimThread | null;
  /** A thread on its way onto this CPU (waking onto it idle, or picked from its queue). */
  incoming: SimThread | null;
  /** The incoming thread was picked from the queue (it keeps its virtual runtime), not woken onto an idle CPU. */
  keepV: boolean;
  /** Runnable threads waiting for this CPU. */
  readonly queue: SimThread[];
  /** Sleeping threads still counted on this CPU until their debt is paid (DELAY_DEQUEUE). */
  readonly delayed: SimThread[];
  /** Sum of the virtual runtimes of `queue` and `delayed` (the current thread is counted apart). */
  sumV: number;
  /** When the current thread started its stretch on the CPU, and its virtual runtime then. */
  curStart: Nanos;
  curV0: number;
  /** RUN_TO_PARITY: an eligible current thread keeps the CPU until its virtual runtime reaches this. */
  vprot: number;
  /** The CPU's virtual time when it went idle: a thread placed on it alone starts there. */
  idleV: number;
  tickEvent: number;
  balanceEvent: number;
  /** Periodic balance passes in a row on this CPU that found a thread waiting and moved none (sd->nr_balance_failed). */
  balanceFailed: number;
  reschedEvent: number;
  /** cfs: the thread whose wake-up asked for the pending resched; it runs next if still queued here. */
  wokenFor: SimThread | null;
  /** When the CPU last went idle (nothing running, queued or incoming). */
  idleSince: Nanos;
}

const EPS = 1e-6;
/** sd->cache_nice_tries of a cache or package domain: failed balance passes after which hot threads move too. */
const CACHE_NICE_TRIES = 1;

/**
 * The cores and the Linux scheduler, as far as a Python program can feel it (docs/model.md,
 * "Cores and the scheduler").
 *
 * Placement (select_task_rq_fair): with a shared cache domain (sharedCache), a waking thread goes
 * to its previous CPU if idle, else to any idle CPU, else it queues on its previous CPU; without
 * one, a thread that ran before goes to its previous CPU, idle or not, and only a new thread looks
 * for an idle CPU. A thread runs only once it has a
 * CPU: take_gil, setting a drop request, returning from a sleep, all need one. A thread woken onto
 * an idle CPU runs after a wake-up latency (the caller's distribution: an interprocessor interrupt
 * and a context switch; in a virtual machine, the host waking the vCPU).
 *
 * Each CPU's queue is scheduled by EEVDF (Linux 6.6+), with equal weights: every thread has a
 * virtual runtime (the CPU it received) and a virtual deadline one slice after it; the CPU runs the
 * eligible thread (virtual runtime at most the queue's average V) with the earliest deadline.
 * - A thread keeps its lag (V minus its virtual runtime, clamped to two slices or a tick) across a
 *   sleep and is placed that far from V when it wakes (place_entity, PLACE_LAG): one that mostly
 *   sleeps (an event loop, a thread back from IO) preempts a CPU-bound one at once.
 * - A thread going to sleep in debt (negative lag) stays counted on its CPU until the others have
 *   run it off (DELAY_DEQUEUE); woken before that, it is back in that CPU's queue, in debt.
 * - RUN_TO_PARITY: an eligible current thread is not preempted before its deadline. The tick
 *   (1/HZ) renews a used-up slice and re-picks; a wake-up re-picks at once.
 * With `cfs` a waking thread preempts the current one at once (its sleeper credit).
 *
 * Balancing: a CPU going idle pulls a waiting thread from another CPU unless it is cache-hot (it
 * ran less than migration_cost ago), every time or (Linux 6.18.5+) as often as that has lately
 * succeeded. An idle CPU, kicked when a thread queues elsewhere, balances at its next tick: it
 * pulls a thread that is not cache-hot, or any once its passes failed more than cache_nice_tries
 * times in a row, and tries again each tick while a thread waits.
 */
export class Machine {
  private readonly cpus: Cpu[];
  /** Busy nanoseconds per core. */
  readonly busy: Float64Array;
  private readonly since: Float64Array;
  private readonly warmup: Nanos;
  private queued = 0;
  /**
   * The root domain's "overloaded" flag: set when a thread queues behind another, and set anew by
   * each balance pass to what its scan of the CPUs saw, before it pulls anything: a pass that finds
   * no thread waiting clears it, one that pulls the last waiting thread leaves it set.
   */
  private overloaded = false;
  /** Newidle balancing's record (sched_domain.newidle_call / _success / _ratio); the kernel starts it at 50%. */
  private readonly newidleStats = { call: 512, success: 256, ratio: 512 };
  private readonly DISPATCH: number;
  private readonly TICK: number;
  private readonly BALANCE: number;
  private readonly RESCHED: number;
  /** Largest lag kept: max(2 slices, a tick). */
  private readonly lagLimit: number;

  constructor(
    private readonly world: World,
    readonly cores: number,
    /** The scheduler's base slice: the virtual time between a thread's pick and its deadline. */
    readonly slice: Nanos,
    /** The scheduler tick (1/HZ): when a used-up slice is noticed, and when idle CPUs balance. */
    readonly tick: Nanos,
    readonly kernel: KernelScheduler,
    /** "always": a CPU going idle always tries to pull; "proportional": Linux 6.18.5+'s NI_RANDOM (see newidlePull). */
    readonly newidle: "always" | "proportional",
    /** sched_migration_cost: a thread that ran this recently is cache-hot and not pulled when a CPU goes idle. */
    readonly migrationCost: Nanos,
    /**
     * A thread woken onto an idle CPU runs this much later on top of its wake-up latency, growing
     * with how long its sleeps have lasted lately, which is about how long the CPU it wakes on was
     * idle (deeper idle states chosen for longer idles; in a virtual machine, KVM's halt polling
     * shrinking, so the host must schedule the halted vCPU again): max x (1 - exp(-s / tau)), s an
     * average of the thread's recent sleeps, the last one weighing half.
     */
    private readonly idleWake: { max: Nanos; tau: Nanos } = { max: 0, tau: 1 },
    /**
     * A process none of whose threads has been on a CPU for s owes up to this much extra CPU time
     * when one of them wakes: its code and data left the caches meanwhile (on a virtual machine
     * the host ran other work on the core), and its next CPU work runs `slowdown` times slower
     * until max x (1 - exp(-(s / tau)^2)) has been paid.
     */
    private readonly coldStart: { max: Nanos; tau: Nanos; slowdown: number } = { max: 0, tau: 1, slowdown: 1 },
    /**
     * A timer's thread woken onto an idle CPU runs later still, by an amount spread evenly on a log
     * scale from min to max, in `share` of cases (a virtual machine's host running other work when
     * the halted vCPU's timer fires); see timerLate.
     */
    private readonly timerTail: { share: number; min: Nanos; max: Nanos } = { share: 0, min: 1, max: 1 },
    /**
     * Whether the CPUs share a cache domain the kernel knows of (sd_llc). Without one,
     * select_idle_sibling has nowhere to search: a woken thread that has run before goes to its
     * previous CPU, idle or not, and only a new thread is placed on an idle CPU (fork balancing).
     */
    private readonly sharedCache = true,
  ) {
    this.cpus = [];
    for (let i = 0; i < cores; i++) {
      this.cpus.push({
        index: i,
        current: null,
        incoming: null,
        keepV: false,
        queue: [],
        delayed: [],
        sumV: 0,
        curStart: 0,
        curV0: 0,
        vprot: 0,
        idleV: 0,
        tickEvent: -1,
        balanceEvent: -1,
        balanceFailed: 0,
        reschedEvent: -1,
        wokenFor: null,
        idleSince: 0,
      });
    }
    this.busy = new Float64Array(cores);
    this.since = new Float64Array(cores);
    this.warmup = world.scenario.run.warmup;
    this.lagLimit = Math.max(2 * slice, tick);
    const sim = world.sim;
    this.DISPATCH = sim.register((cpu) => this.onDispatch(cpu));
    this.TICK = sim.register((cpu) => this.onTick(cpu));
    this.BALANCE = sim.register((cpu) => this.onBalance(cpu));
    this.RESCHED = sim.register((cpu) => this.onResched(cpu));
  }

  /** Threads runnable but waiting for a CPU. */
  get waiting(): number {
    return this.queued;
  }

  /** Threads on a core right now. */
  get runningCount(): number {
    let n = 0;
    for (const c of this.cpus) if (c.current) n++;
    return n;
  }

  /**
   * The thread is runnable (woken, or new): it gets a CPU, after `latency` when that CPU was idle,
   * and then runs its `onCore` continuation.
   */
  wake(thread: SimThread, latency: Nanos, timer = false): void {
    this.coldCheck(thread);
    if (thread.delayedOn >= 0) {
      // Still counted on its CPU (in debt): back in that queue, where it stands.
      const cpu = this.cpus[thread.delayedOn] as Cpu;
      removeItem(cpu.delayed, thread);
      cpu.sumV -= thread.v;
      thread.delayedOn = -1;
      this.renew(cpu, true);
      this.enqueueKept(thread, cpu);
      this.wakeupPreempt(cpu, thread);
      return;
    }
    const idle = this.idleCpuFor(thread);
    if (idle) {
      // How long this thread's sleeps have lasted lately: the CPU it wakes on was idle about that
      // long. A new thread has no sleeps yet: the CPU it is placed on has been idle since it last ran something.
      // (A thread that ran before keeps its own sleeps even on another idle CPU: every wake-up keyed
      // on the CPU's idle time made the random sets' latencies shorter still; docs/model.md, section 2.)
      const recent =
        thread.lastCpu < 0 ? this.world.now - idle.idleSince : (this.world.now - thread.sleptAt + thread.avgSleep) / 2;
      thread.avgSleep = recent;
      let delay = Math.max(0, latency);
      delay += idleWakeExtra(this.idleWake, recent);
      // A timer that fires on a halted CPU is sometimes far late (machine.timerTail).
      if (timer) delay += this.timerLate();
      this.handTo(thread, idle, delay, false);
      return;
    }
    const cpu = this.cpus[thread.lastCpu >= 0 ? thread.lastCpu : this.shortestQueue()] as Cpu;
    this.renew(cpu, true);
    this.place(thread, cpu);
    this.enqueueKept(thread, cpu);
    this.wakeupPreempt(cpu, thread);
  }

  /**
   * How much later a timer's thread woken onto an idle CPU runs (machine.timerTail): 0, or in
   * `share` of such wake-ups a draw spread evenly on a log scale from min to max. Each draws twice
   * from a stream of its own, so other streams' draws do not depend on how many timers ran.
   */
  private timerLate(): Nanos {
    const t = this.timerTail;
    if (t.share <= 0) return 0;
    const r = this.world.rng("timer-tail");
    const hit = r.next() < t.share;
    const u = r.next();
    return hit ? Math.round(t.min * Math.exp(Math.log(t.max / t.min) * u)) : 0;
  }

  /** How many times slower a process's CPU work runs while it owes cold-start time. */
  get coldSlowdown(): number {
    return this.coldStart.slowdown;
  }

  /** The extra CPU time the runtime's glue code owes when the process last ran it `since` ns ago (machine.coldStart's curve). */
  glueColdExtra(since: Nanos): Nanos {
    return coldStartExtra(this.coldStart, since);
  }

  /**
   * A thread of a process with no thread on a CPU wakes: the process's code and data have been
   * leaving the caches for as long as it was idle, and its next CPU work runs slower until the
   * extra time coldStart gives for that idle is paid (SimThread.runCpu).
   */
  private coldCheck(thread: SimThread): void {
    const proc = thread.process;
    if (proc.active === 0 && this.coldStart.max > 0) {
      proc.coldDebt = coldStartExtra(this.coldStart, this.world.now - proc.idleSince);
      // The idle debt covers the glue that went cold meanwhile, paid or not by what runs first.
      proc.coldCharged = proc.coldDebt;
      proc.glueDebt = 0;
    }
  }

  /** The thread gives up its CPU: it sleeps (a wait, a blocking call, the GIL) or exits. */
  leave(thread: SimThread): void {
    const cpu = this.cpus[thread.core];
    if (!cpu || cpu.current !== thread) return;
    const v = this.vNow(cpu);
    const lag = this.avg(cpu) - v;
    this.stopCurrent(cpu, thread);
    thread.sleptAt = this.world.now;
    thread.v = v;
    if (lag < -EPS && this.kernel === "eevdf" && !thread.finished) {
      // Not eligible: it stays counted here until the others have run its debt off.
      cpu.delayed.push(thread);
      cpu.sumV += v;
      thread.delayedOn = cpu.index;
    } else {
      thread.vlag = this.clampLag(lag);
    }
    this.next(cpu);
  }

  /** Adds the time of threads still on a core at the end of the run. */
  closeBusy(): void {
    for (const c of this.cpus) if (c.current) this.addBusy(c.index);
  }

  // ---------------------------------------------------------------- virtual time

  private vNow(cpu: Cpu): number {
    return cpu.curV0 + (this.world.now - cpu.curStart);
  }

  /**
   * update_curr's deadline renewals for the current thread up to now: each time its virtual
   * runtime crosses its deadline, the next tick (or any scheduler event on the CPU) gives it a new
   * one a slice later. Done lazily, as no tick event runs while a thread is alone on its CPU.
   * Returns true when the deadline was crossed (a reschedule is due).
   */
  private renew(cpu: Cpu, atEvent: boolean): boolean {
    const cur = cpu.current;
    if (!cur) return false;
    const now = this.world.now;
    const T = this.tick;
    let crossed = false;
    for (let guard = 0; guard < 4; guard++) {
      const crossAt = cpu.curStart + (cur.deadline - cpu.curV0);
      if (crossAt > now) return crossed;
      crossed = true;
      const tickAt = Math.ceil(crossAt / T) * T;
      if (tickAt > now) break;
      // Renewed at that tick; later renewals come once per period while alone: jump over them.
      const period = Math.max(T, Math.ceil(this.slice / T) * T);
      const k = Math.max(0, Math.floor((now - tickAt) / period) - 1);
      const at = tickAt + k * period;
      cur.deadline = cpu.curV0 + (at - cpu.curStart) + this.slice;
    }
    if (atEvent && this.vNow(cpu) >= cur.deadline - EPS) cur.deadline = this.vNow(cpu) + this.slice;
    return crossed;
  }

  private count(cpu: Cpu): number {
    return cpu.queue.length + cpu.delayed.length + (cpu.current ? 1 : 0);
  }

  /** V: the average virtual runtime of the threads counted on this CPU. */
  private avg(cpu: Cpu): number {
    const n = this.count(cpu);
    if (n === 0) return cpu.idleV;
    return (cpu.sumV + (cpu.current ? this.vNow(cpu) : 0)) / n;
  }

  private clampLag(lag: number): number {
    return Math.max(-this.lagLimit, Math.min(this.lagLimit, lag));
  }

  /** place_entity: the thread's virtual runtime keeps its lag against this CPU's average. */
  private place(thread: SimThread, cpu: Cpu): void {
    const n = this.count(cpu);
    const V = this.avg(cpu);
    const lag = n > 0 ? (thread.vlag * (n + 1)) / n : 0;
    thread.v = V - lag;
    thread.deadline = thread.v + this.slice;
  }

  // ---------------------------------------------------------------- placement

  private isIdle(c: Cpu): boolean {
    return c.current === null && c.incoming === null && c.queue.length === 0;
  }

  /**
   * select_idle_sibling: the previous CPU if idle, else the first idle CPU after it. Without a
   * shared cache domain only a new thread (one that never ran) searches; one that ran before gets
   * its previous CPU if that is idle, else none (it queues there).
   */
  private idleCpuFor(thread: SimThread): Cpu | null {
    const n = this.cores;
    if (!this.sharedCache && thread.lastCpu >= 0) {
      const prev = this.cpus[thread.lastCpu] as Cpu;
      return this.isIdle(prev) ? prev : null;
    }
    const prev = Math.max(thread.lastCpu, 0);
    for (let k = 0; k < n; k++) {
      const c = this.cpus[(prev + k) % n] as Cpu;
      if (this.isIdle(c)) return c;
    }
    return null;
  }

  private shortestQueue(): number {
    let best = 0;
    for (const c of this.cpus) if (c.queue.length < (this.cpus[best] as Cpu).queue.length) best = c.index;
    return best;
  }

  /** Into the CPU's queue with the virtual runtime and deadline it has. */
  private enqueueKept(thread: SimThread, cpu: Cpu): void {
    thread.setState("wait-core");
    cpu.queue.push(thread);
    cpu.sumV += thread.v;
    thread.queuedOn = cpu.index;
    this.queued++;
    this.overloaded = true;
    this.armTick(cpu);
    // nohz_balancer_kick: a CPU with a thread waiting kicks an idle CPU at its tick to balance.
    for (const c of this.cpus) if (c !== cpu && this.isIdle(c)) this.armBalance(c);
  }

  // ---------------------------------------------------------------- running

  /** The thread runs on `cpu` after `delay`, through an event: no handler runs inside another. */
  private handTo(thread: SimThread, cpu: Cpu, delay: Nanos, keepV: boolean): void {
    cpu.incoming = thread;
    thread.process.active++;
    cpu.keepV = keepV;
    thread.queuedOn = -1;
    this.cancelBalance(cpu);
    this.world.sim.schedule(delay, this.DISPATCH, cpu.index);
  }

  private onDispatch(index: number): void {
    const cpu = this.cpus[index] as Cpu;
    const t = cpu.incoming;
    if (!t) return;
    t.process.active--;
    cpu.incoming = null;
    if (!cpu.keepV) {
      // Woken onto an idle CPU: no lag to keep there; it starts at the CPU's virtual time.
      t.v = cpu.idleV;
      t.deadline = t.v + this.slice;
    }
    this.cancelBalance(cpu);
    cpu.current = t;
    t.process.active++;
    cpu.curStart = this.world.now;
    cpu.curV0 = t.v;
    cpu.vprot = t.deadline;
    this.since[cpu.index] = this.world.now;
    t.core = cpu.index;
    t.queuedOn = -1;
    this.armTick(cpu);
    t.onCore();
  }

  private stopCurrent(cpu: Cpu, thread: SimThread): void {
    this.addBusy(cpu.index);
    cpu.current = null;
    if (--thread.process.active === 0) thread.process.idleSince = this.world.now;
    thread.core = -1;
    thread.lastCpu = cpu.index;
    thread.lastRanAt = this.world.now;
  }

  /**
   * pick_eevdf over the threads counted on `cpu` (queued and delayed; the current one apart):
   * the eligible one with the earliest deadline.
   */
  private bestWaiting(cpu: Cpu, V: number): SimThread | null {
    // Queued, then delayed, as one list would be (no array of the two built per call).
    let best: SimThread | null = null;
    for (const t of cpu.queue) if (t.v <= V + EPS && (!best || t.deadline < best.deadline)) best = t;
    for (const t of cpu.delayed) if (t.v <= V + EPS && (!best || t.deadline < best.deadline)) best = t;
    return best;
  }

  /** pick_eevdf with the current thread in the running; null: the current one stays. */
  private pick(cpu: Cpu, protect: boolean): SimThread | null {
    const V = this.avg(cpu);
    const cur = cpu.current;
    const v = cur ? this.vNow(cpu) : 0;
    const curEligible = cur !== null && v <= V + EPS;
    if (curEligible && protect && v < cpu.vprot) return null;
    const best = this.bestWaiting(cpu, V);
    if (!best) return null;
    if (curEligible && (cur as SimThread).deadline <= best.deadline) return null;
    return best;
  }

  /** The CPU is free: the best thread counted on it runs, else one pulled from another CPU, else idle. */
  private next(cpu: Cpu): void {
    for (;;) {
      const V = this.avg(cpu);
      let best = this.bestWaiting(cpu, V);
      if (!best && cpu.queue.length + cpu.delayed.length > 0) best = earliest(cpu);
      if (!best) break;
      if (best.delayedOn >= 0) {
        // A delayed thread picked: its debt is paid; it leaves the CPU with no lag (DELAY_ZERO).
        this.finishDelay(best, cpu);
        continue;
      }
      this.takeFromQueue(best, cpu);
      this.handTo(best, cpu, 0, true);
      return;
    }
    cpu.idleV = this.avg(cpu);
    this.cancelTick(cpu);
    const pulled = this.newidle === "always" ? this.pull(cpu, true) : this.newidlePull(cpu);
    if (pulled) {
      this.handTo(pulled, cpu, 0, false);
      return;
    }
    cpu.idleSince = this.world.now;
    if (this.queued > 0) this.armBalance(cpu);
  }

  private finishDelay(t: SimThread, cpu: Cpu): void {
    removeItem(cpu.delayed, t);
    cpu.sumV -= t.v;
    t.delayedOn = -1;
    t.vlag = 0;
  }

  private takeFromQueue(t: SimThread, cpu: Cpu): void {
    removeItem(cpu.queue, t);
    cpu.sumV -= t.v;
    t.queuedOn = -1;
    this.queued--;
  }

  /**
   * sched_balance_newidle with NI_RANDOM (Linux 6.18.5+): with the root domain overloaded, the CPU
   * going idle throws a 1024-sided die and tries to pull only if it shows at most 1 + ratio, the
   * ratio being the share (of 1024) of recent tries that pulled a thread; a success after such a
   * draw counts about 1024 / (1 + ratio) times, so the ratio stays an unbiased estimate. A skipped
   * try counts as a failure. A try sets the overloaded flag to what it found before pulling
   * (update_sd_lb_stats scans before detach_tasks): cleared when nothing was waiting.
   */
  private newidlePull(cpu: Cpu): SimThread | null {
    if (!this.overloaded) return null;
    const die = Math.floor(this.world.rng("newidle").next() * 1024);
    const weight = 1 + this.newidleStats.ratio;
    if (die > weight) {
      recordNewidle(this.newidleStats, 0);
      return null;
    }
    this.overloaded = this.queued > 0;
    const pulled = this.pull(cpu, true);
    recordNewidle(this.newidleStats, pulled ? Math.floor((1024 + Math.floor(weight / 2)) / weight) : 0);
    return pulled;
  }

  /** Takes a waiting thread off another CPU's queue (only a cache-cold one when `coldOnly`). */
  private pull(cpu: Cpu, coldOnly: boolean): SimThread | null {
    const now = this.world.now;
    for (const other of this.cpus) {
      if (other === cpu || other.queue.length === 0) continue;
      for (const t of other.queue) {
        if (coldOnly && now - t.lastRanAt < this.migrationCost) continue;
        t.vlag = this.clampLag(this.avg(other) - t.v);
        this.takeFromQueue(t, other);
        return t;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- preemption

  /**
   * check_preempt_wakeup_fair: the woken thread runs at once when EEVDF would pick it now; and a
   * current thread past its protected slice is re-picked (update_curr's resched). The switch
   * happens at the CPU's next event (a resched interrupt), never inside the waker's handler.
   */
  private wakeupPreempt(cpu: Cpu, woken: SimThread): void {
    const cur = cpu.current;
    if (!cur) return;
    const go = this.kernel === "cfs" || this.pick(cpu, true) === woken || this.vNow(cpu) >= cpu.vprot - EPS;
    // CFS's check_preempt_wakeup: the woken thread (the smallest vruntime, by its sleeper credit)
    // is the one that preempts, not the oldest queued.
    if (go && this.kernel === "cfs") cpu.wokenFor = woken;
    if (go && cpu.reschedEvent < 0) cpu.reschedEvent = this.world.sim.schedule(0, this.RESCHED, cpu.index);
  }

  private onResched(index: number): void {
    const cpu = this.cpus[index] as Cpu;
    cpu.reschedEvent = -1;
    const woken = cpu.wokenFor;
    cpu.wokenFor = null;
    this.repick(cpu, this.kernel !== "cfs", woken !== null && cpu.queue.includes(woken) ? woken : null);
  }

  /** schedule() on a CPU with a current thread: it goes on, or gives way to the thread EEVDF picks. */
  private repick(cpu: Cpu, protect: boolean, prefer: SimThread | null = null): void {
    const cur = cpu.current;
    if (!cur || cpu.queue.length + cpu.delayed.length === 0) return;
    let first = prefer;
    for (;;) {
      const best = first ?? (this.kernel === "cfs" && !protect ? this.firstQueued(cpu) : this.pick(cpu, protect));
      first = null;
      if (!best) return;
      if (best.delayedOn >= 0) {
        this.finishDelay(best, cpu);
        continue;
      }
      // The current thread goes back to this queue, keeping its virtual runtime and deadline.
      cur.v = this.vNow(cpu);
      this.stopCurrent(cpu, cur);
      cur.onPreempted();
      this.enqueueKept(cur, cpu);
      this.takeFromQueue(best, cpu);
      this.handTo(best, cpu, 0, true);
      return;
    }
  }

  private firstQueued(cpu: Cpu): SimThread | null {
    return cpu.queue[0] ?? null;
  }

  /** The scheduler tick: a used-up slice is renewed, and a current thread past its protection is re-picked. */
  private onTick(index: number): void {
    const cpu = this.cpus[index] as Cpu;
    cpu.tickEvent = -1;
    const cur = cpu.current;
    if (!cur || cpu.queue.length + cpu.delayed.length === 0) return;
    const v = this.vNow(cpu);
    const resched = this.renew(cpu, true);
    if (resched || v >= cpu.vprot - EPS) {
      if (this.kernel === "cfs") {
        // CFS: the tick preempts a current thread that ran its slice.
        this.repick(cpu, false);
      } else {
        this.repick(cpu, true);
      }
    }
    this.armTick(cpu);
  }

  private armTick(cpu: Cpu): void {
    if (cpu.tickEvent >= 0 || !cpu.current || cpu.queue.length + cpu.delayed.length === 0) return;
    const now = this.world.now;
    const at = (Math.floor(now / this.tick) + 1) * this.tick;
    cpu.tickEvent = this.world.sim.at(at, this.TICK, cpu.index);
  }

  private cancelTick(cpu: Cpu): void {
    if (cpu.tickEvent >= 0) {
      this.world.sim.cancel(cpu.tickEvent);
      cpu.tickEvent = -1;
    }
  }

  // ---------------------------------------------------------------- balancing

  private armBalance(cpu: Cpu): void {
    if (cpu.balanceEvent >= 0) return;
    const now = this.world.now;
    const at = (Math.floor(now / this.tick) + 1) * this.tick;
    cpu.balanceEvent = this.world.sim.at(at, this.BALANCE, cpu.index);
  }

  private cancelBalance(cpu: Cpu): void {
    if (cpu.balanceEvent >= 0) {
      this.world.sim.cancel(cpu.balanceEvent);
      cpu.balanceEvent = -1;
    }
  }

  /**
   * The tick of an idle CPU (a periodic balance, or one a CPU with a thread waiting kicked): it
   * pulls a waiting thread that is not cache-hot, or any once two passes in a row have moved
   * nothing (sd->nr_balance_failed > cache_nice_tries, 1); moving nothing, it tries again at the
   * next tick while a thread waits.
   */
  private onBalance(index: number): void {
    const cpu = this.cpus[index] as Cpu;
    cpu.balanceEvent = -1;
    if (!this.isIdle(cpu)) return;
    // The pass's scan, before any pull, sets the overloaded flag (newidlePull).
    this.overloaded = this.queued > 0;
    if (this.queued === 0) {
      // Balanced: nothing to move, the failure count starts over (load_balance's out_balanced).
      cpu.balanceFailed = 0;
      return;
    }
    const t = this.pull(cpu, cpu.balanceFailed <= CACHE_NICE_TRIES);
    if (t) {
      cpu.balanceFailed = 0;
      this.handTo(t, cpu, 0, false);
    } else {
      cpu.balanceFailed++;
      this.armBalance(cpu);
    }
  }

  /** Adds a core's busy time since its current thread started, counting only after warm-up. */
  private addBusy(core: number): void {
    const from = Math.max(this.since[core] as number, this.warmup);
    if (this.world.now > from) this.busy[core] = (this.busy[core] as number) + (this.world.now - from);
    this.since[core] = this.world.now;
  }
}

/** The thread with the earliest deadline among those counted on the CPU (none eligible: rounding). */
function earliest(cpu: Cpu): SimThread | null {
  let best: SimThread | null = null;
  for (const t of cpu.queue) if (!best || t.deadline < best.deadline) best = t;
  for (const t of cpu.delayed) if (!best || t.deadline < best.deadline) best = t;
  return best;
}

/**
 * update_newidle_stats: one more newidle try, worth `success` (0 for a failure or a skipped try);
 * every 1024 tries the ratio becomes the successes counted and both counts are halved.
 */
export function recordNewidle(stats: { call: number; success: number; ratio: number }, success: number): void {
  stats.call++;
  stats.success += success;
  if (stats.call >= 1024) {
    stats.ratio = stats.success;
    stats.call = Math.floor(stats.call / 2);
    stats.success = Math.floor(stats.success / 2);
  }
}

/** The extra CPU time machine.coldStart charges a process idle `idle` ns: max x (1 - exp(-(idle / tau)^2)). */
export function coldStartExtra(coldStart: { max: Nanos; tau: Nanos }, idle: Nanos): Nanos {
  if (coldStart.max <= 0 || idle <= 0) return 0;
  const r = idle / coldStart.tau;
  return Math.round(coldStart.max * (1 - Math.exp(-r * r)));
}

/** The wake-up latency machine.idleWake adds for a CPU idle about `idle` ns: max x (1 - exp(-idle / tau)). */
export function idleWakeExtra(idleWake: { max: Nanos; tau: Nanos }, idle: Nanos): Nanos {
  return idleWake.max > 0 ? Math.round(idleWake.max * (1 - Math.exp(-idle / idleWake.tau))) : 0;
}
