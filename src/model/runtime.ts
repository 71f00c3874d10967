import type { Simulation } from "../engine/simulation.js";
import type { Nanos } from "../engine/time.js";
import type { ThreadRole } from "../trace/types.js";
import { Machine } from "./machine.js";
import type { Program } from "./ops.js";
import { SimProcess } from "./process.js";
import type { Recorder } from "./recorder.js";
import { SimThread } from "./thread.js";
import type { World } from "./world.js";

/**
 * The simulated machine and its interpreters: cores, processes, threads, and the kernel events
 * that drive them. Events carry a thread id; the handlers below route them.
 */
export class Runtime {
  readonly machine: Machine;
  readonly processes: SimProcess[] = [];
  readonly threads: SimThread[] = [];
  readonly recorder: Recorder;
  private readonly sim: Simulation;

  readonly CPU_DONE: number;
  readonly BLOCK_DONE: number;
  readonly WAIT_TIMEOUT: number;
  readonly GIL_TIMEOUT: number;
  private readonly LATER: number;

  constructor(readonly world: World) {
    this.sim = world.sim;
    this.recorder = world.recorder;
    const m = world.scenario.machine;
    this.machine = new Machine(
      world,
      m.cores,
      m.slice,
      m.tick,
      m.scheduler,
      m.newidle,
      m.migrationCost,
      m.idleWake,
      m.coldStart,
      m.timerTail,
      m.sharedCache,
    );
    const t = (id: number): SimThread => this.threads[id] as SimThread;
    this.CPU_DONE = this.sim.register((id) => t(id).onCpuDone());
    this.BLOCK_DONE = this.sim.register((id) => t(id).onBlockDone());
    this.WAIT_TIMEOUT = this.sim.register((id) => t(id).onWaitTimeout());
    this.GIL_TIMEOUT = this.sim.register((id) => {
      const thread = t(id);
      thread.process.gil?.onTimeout(thread);
    });
    this.LATER = this.sim.register((slot) => {
      const fn = this.laterFns[slot] as () => void;
      this.laterFns[slot] = noop;
      this.freeLater.push(slot);
      fn();
    });
  }

  get now(): Nanos {
    return this.sim.now;
  }

  schedule(delay: Nanos, handler: number, arg: number): number {
    return this.sim.schedule(delay, handler, arg);
  }

  cancel(id: number): void {
    if (id >= 0) this.sim.cancel(id);
  }

  /** Runs `fn` after `delay` (for model-level events that are not a thread's). Slots are reused. */
  later(delay: Nanos, fn: () => void): void {
    const slot = this.freeLater.pop() ?? this.laterFns.length;
    this.laterFns[slot] = fn;
    this.sim.schedule(delay, this.LATER, slot);
  }
  private readonly laterFns: (() => void)[] = [];
  private readonly freeLater: number[] = [];

  addProcess(name: string): SimProcess {
    const p = new SimProcess(this, this.processes.length, name);
    this.processes.push(p);
    return p;
  }

  /** Creates a thread; start it with `thread.start(program)`. */
  addThread(process: SimProcess, name: string, role: ThreadRole): SimThread {
    const thread = new SimThread(this, this.threads.length, name, process, role);
    this.threads.push(thread);
    this.recorder.thread({ id: thread.id, name, process: process.id, role });
    return thread;
  }

  spawn(process: SimProcess, name: string, role: ThreadRole, program: Program): SimThread {
    const thread = this.addThread(process, name, role);
    thread.start(program);
    return thread;
  }
}

function noop(): void {}
