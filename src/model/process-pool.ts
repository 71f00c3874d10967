import { Fifo } from "./fifo.js";
import type { Job, Pool } from "./job.js";
import type { Op } from "./ops.js";
import { overhead } from "./ops.js";
import type { SimProcess } from "./process.js";
import type { StartMethod } from "./profiles.js";
import type { Runtime } from "./runtime.js";
import { runSteps } from "./task.js";
import type { SimThread } from "./thread.js";
import { WaitQueue } from "./wait-queue.js";

/**
 * concurrent.futures.ProcessPoolExecutor: a manager thread in the submitting process pickles
 * work into a call queue of max_workers + 1 items; each worker process (its own interpreter and
 * GIL) unpickles, runs, pickles the result back; the manager unpickles it and sets the future.
 * With fork every worker starts at the first submit; with forkserver and spawn they start on
 * demand. Pickling costs a fixed part plus a part per byte of payload, on each side.
 */
export class ProcessPool implements Pool {
  private readonly pending = new Fifo<Job>();
  private readonly callQueue = new Fifo<Job>();
  private readonly results = new Fifo<Job>();
  private readonly managerWake = new WaitQueue("manager");
  private readonly callGetters = new WaitQueue("call-queue");
  private manager: SimThread | null = null;
  private readonly workers: SimThread[] = [];
  private idleWorkers = 0;
  private started = false;

  constructor(
    private readonly rt: Runtime,
    private readonly parent: SimProcess,
    readonly maxWorkers: number,
    private readonly startMethod: StartMethod,
    private readonly prefix: string,
  ) {}

  get processCount(): number {
    return this.workers.length;
  }

  submit(job: Job): number {
    this.pending.push(job);
    if (!this.manager) {
      this.manager = this.rt.spawn(this.parent, `${this.prefix}-manager`, "manager", this.managerProgram());
    }
    if (!this.started && this.startMethod === "fork") {
      for (let i = 0; i < this.maxWorkers; i++) this.spawnWorker();
    } else if (this.idleWorkers > 0) {
      this.idleWorkers--;
    } else if (this.workers.length < this.maxWorkers) {
      this.spawnWorker();
    }
    this.started = true;
    this.managerWake.wakeOne(this.rt.world.draw(this.rt.world.params.threadHandoff, "thread-handoff"));
    return 0;
  }

  private ipc(payload: number): number {
    const p = this.rt.world.params;
    return p.ipcBase + Math.round(p.ipcPerByte * payload);
  }

  private latency(): number {
    return this.rt.world.draw(this.rt.world.params.ipcLatency, "ipc-latency");
  }

  private *managerProgram(): Generator<Op, void, boolean | undefined> {
    for (;;) {
      const result = this.results.shift();
      if (result) {
        yield overhead(this.ipc(result.payload), "hold");
        result.done();
        continue;
      }
      if (this.pending.size > 0 && this.callQueue.size < this.maxWorkers + 1) {
        const job = this.pending.shift() as Job;
        yield overhead(this.ipc(job.payload), "hold");
        this.rt.later(this.latency(), () => {
          this.callQueue.push(job);
          this.callGetters.wakeOne(0);
        });
        continue;
      }
      yield { op: "wait", on: this.managerWake, state: "idle" };
    }
  }

  private spawnWorker(): void {
    const index = this.workers.length;
    const proc = this.rt.addProcess(`${this.prefix}-${index}`);
    const thread = this.rt.addThread(proc, `${proc.name}/MainThread`, "process-worker");
    this.workers.push(thread);
    thread.start(this.workerProgram(thread));
  }

  private *workerProgram(thread: SimThread): Generator<Op, void, boolean | undefined> {
    // Interpreter start-up (fork: copy-on-write set-up; spawn/forkserver: a fresh interpreter and imports).
    yield overhead(this.rt.world.draw(this.rt.world.params.processStart, "process-start"), "hold");
    for (;;) {
      while (this.callQueue.size === 0) yield { op: "wait", on: this.callGetters, state: "idle" };
      const job = this.callQueue.shift() as Job;
      // Room in the call queue: the manager can feed another item.
      this.managerWake.wakeOne(this.latency());
      yield overhead(this.ipc(job.payload), "hold");
      if (job.parts) {
        // _process_chunk: the chunk's calls one after another, their results pickled back together.
        for (const part of job.parts) {
          part.markStarted(this.rt);
          yield* runSteps(this.rt, thread, part.plan.steps, part);
        }
      } else {
        if (job.whole) job.task.markStarted(this.rt);
        yield* runSteps(this.rt, thread, job.steps, job.task);
      }
      yield overhead(this.ipc(job.payload), "hold");
      this.idleWorkers++;
      this.rt.later(this.latency(), () => {
        this.results.push(job);
        this.managerWake.wakeOne(0);
      });
    }
  }
}
