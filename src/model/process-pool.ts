import { Fifo } from "./fifo.js";
import type { Job, Pool } from "./job.js";
import type { Op } from "./ops.js";
import { block, overhead } from "./ops.js";
import type { SimProcess } from "./process.js";
import { ipcBytesCost, type StartMethod } from "./profiles.js";
import type { Runtime } from "./runtime.js";
import { runSteps } from "./task.js";
import type { SimThread } from "./thread.js";
import { bootstrapped, startThread } from "./thread-step.js";
import { OneShot, WaitQueue } from "./wait-queue.js";

/** Linux's default pipe capacity (16 pages): a longer message crosses it in several pieces. */
export const PIPE_CAPACITY = 65_536;
/** Bytes a pickled call or result item and its length header add to the payload (about). */
export const MESSAGE_FRAMING = 128;

/**
 * How many pipe-fulls a message of `payload` bytes takes. Each one after the first costs a
 * wake-up of the writer (room again) and of the reader (data again): the two sides alternate.
 */
export function pipeChunks(payload: number): number {
  return Math.max(1, Math.ceil((payload + MESSAGE_FRAMING) / PIPE_CAPACITY));
}

/** The pipeWakeup draws one message of `payload` bytes costs: the writer's and the reader's per further piece. */
export function pipeWakeups(payload: number): number {
  return 2 * (pipeChunks(payload) - 1);
}

/**
 * concurrent.futures.ProcessPoolExecutor: a manager thread in the submitting process moves work
 * into a call queue of max_workers + 1 items, a multiprocessing.Queue whose feeder thread (a third
 * thread of the submitting process, started at the first put) pickles each item and writes it to
 * the pipe; each worker process (its own interpreter and GIL) unpickles, runs, pickles the result
 * back on a SimpleQueue (no feeder); the manager unpickles it and sets the future. Each of the
 * three threads of the submitting process needs its GIL in turn.
 * With fork every worker starts at the first submit, before the manager thread: the submitting
 * thread forks them one after the other (os.fork, GIL held: forkCost each, the parent's page
 * tables copied), and each child runs its whole start-up (processStart, timed from the start of
 * its fork) beside the parent's further forks; with forkserver and spawn they start on demand. Pickling costs a fixed part plus a part by the payload's size (ipcBytesCost), on each side.
 *
 * Both directions cross a pipe of PIPE_CAPACITY bytes. A longer message goes in pieces: the
 * writer blocks until the reader has drained the pipe, and the reader, in
 * multiprocessing.Connection's read loop, drops the GIL around each os.read and takes it back
 * after. Each further piece costs the reader a wait (the writer's wake-up and its own), a CPU to
 * run on and the GIL; the writer stays blocked until the last piece fits in the pipe. The call
 * queue's pipe carries one message at a time (multiprocessing.Queue's feeder thread writes them
 * in turn); a worker sending its result is blocked until the manager has read all but the last
 * piece.
 */
export class ProcessPool implements Pool {
  private readonly pending = new Fifo<Job>();
  private readonly callQueue = new Fifo<Job>();
  private readonly results = new Fifo<Job>();
  private readonly managerWake = new WaitQueue("manager");
  private readonly callGetters = new WaitQueue("call-queue");
  private manager: SimThread | null = null;
  /** multiprocessing.Queue's feeder thread, for the call queue: pickles and writes each call. */
  private feeder: SimThread | null = null;
  private readonly feedBuffer = new Fifo<Job>();
  private readonly feederWake = new WaitQueue("feeder");
  /** Calls put on the call queue (in the feeder's buffer, or in the pipe) not yet taken by a worker. */
  private queuedCalls = 0;
  private readonly workers: SimThread[] = [];
  private idleWorkers = 0;
  private started = false;
  /** Set by the first submit with fork: the submitter forks the workers next (startedWait). */
  private launching = false;
  /** Per call message longer than the pipe: set when it is in the pipe to its last piece (the feeder's write returns). */
  private readonly callWritten = new Map<Job, OneShot>();
  /** Per result still crossing the result pipe: set when its worker may go on. */
  private readonly resultSent = new Map<Job, OneShot>();

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
    if (!this.started && this.startMethod === "fork") {
      // _start_executor_manager_thread: _launch_processes, then the manager thread.
      this.started = true;
      this.launching = true;
      return 0;
    }
    let cost = 0;
    if (!this.manager) {
      // _start_executor_manager_thread: Thread.start() of the manager (startedWait).
      cost = this.rt.world.draw(this.rt.world.params.threadStart, "thread-start");
      const started = new OneShot("manager-started");
      this.justStarted = started;
      this.manager = this.rt.addThread(this.parent, `${this.prefix}-manager`, "manager");
      const manager = this.manager;
      this.rt.later(cost, () => manager.start(bootstrapped(this.rt, started, this.managerProgram())));
    }
    if (this.idleWorkers > 0) {
      this.idleWorkers--;
    } else if (this.workers.length < this.maxWorkers) {
      this.spawnWorker();
    }
    this.started = true;
    this.notifyManager();
    return cost;
  }

  /** The manager thread the last submit started, for the submitter's Thread.start() to wait on. */
  private justStarted: OneShot | null = null;

  /** A submit wakes the manager through its wake-up pipe (a thread hand-off). */
  private notifyManager(): void {
    this.managerWake.wakeOne(this.rt.world.draw(this.rt.world.params.threadHandoff, "thread-handoff"));
  }

  /**
   * The submitter's wait after a submit: after the first with fork, it forks every worker and
   * starts the manager (launch); after the first with spawn or forkserver, Thread.start() of the
   * manager that submit() started waits for it to run; otherwise null.
   */
  startedWait(): Generator<Op, void, boolean | undefined> | null {
    if (this.launching) {
      this.launching = false;
      return this.launch();
    }
    const started = this.justStarted;
    if (started === null) return null;
    this.justStarted = null;
    return started.waitSet();
  }

  private *launch(): Generator<Op, void, boolean | undefined> {
    const p = this.rt.world.params;
    let forks = 0;
    for (let i = 0; i < this.maxWorkers; i++) {
      const fork = this.rt.world.draw(p.forkCost, "fork");
      forks += fork;
      // The child's start-up is timed from the start of its fork, as the calibrated processStart
      // is (from the submit): it overlaps the parent's fork and the rest of its launch. (A real
      // child exists only once fork() returns; the fork's CPU is the parent's.)
      this.spawnWorker();
      yield overhead(fork, "hold", false);
    }
    // The forks left the parent's pages shared with the children: its next writes copy them
    // (runtime.forkCow). Each fork shares them anew; the faults of the launch's own code between
    // forks are part of the measured forkCost, so the debt starts after the last one.
    const debt = Math.round((p.forkCow.share * forks) / Math.max(1, this.maxWorkers));
    this.parent.cowDebt = Math.max(this.parent.cowDebt, debt);
    // Beside a busy thread both the submitter and the new manager wait for the GIL.
    this.manager = yield* startThread(
      this.rt,
      this.parent,
      "manager",
      () => {
        // The first submit's wake-up (its pipe write came before the pool started) is there for it.
        this.notifyManager();
        return this.managerProgram();
      },
      `${this.prefix}-manager`,
      "manager-started",
    );
  }

  private ipc(payload: number): number {
    const p = this.rt.world.params;
    return p.ipcBase + ipcBytesCost(p, payload);
  }

  private latency(): number {
    return this.rt.world.draw(this.rt.world.params.ipcLatency, "ipc-latency");
  }

  /**
   * The reader's side of a message of `chunks` pieces after the first: for each, the GIL dropped
   * around os.read while the writer wakes and refills the pipe and the reader wakes again. Runs
   * `beforeLast` when the last piece is in the pipe (the writer is free).
   */
  private *readPieces(chunks: number, beforeLast: () => void): Generator<Op, void, boolean | undefined> {
    const p = this.rt.world.params;
    for (let i = 1; i < chunks; i++) {
      if (i === chunks - 1) beforeLast();
      yield block(this.rt.world.draw(p.pipeWakeup, "pipe-wakeup") + this.rt.world.draw(p.pipeWakeup, "pipe-wakeup"));
    }
  }

  private *managerProgram(): Generator<Op, void, boolean | undefined> {
    for (;;) {
      const result = this.results.shift();
      if (result) {
        const sent = this.resultSent.get(result);
        if (sent) {
          this.resultSent.delete(result);
          yield* this.readPieces(pipeChunks(result.payload), () => sent.set(this.latency()));
        }
        yield overhead(this.ipc(result.payload), "hold");
        result.done();
        continue;
      }
      if (this.pending.size > 0 && this.queuedCalls < this.maxWorkers + 1) {
        // add_call_item_to_queue: call_queue.put() appends to the feeder's buffer and notifies it.
        const job = this.pending.shift() as Job;
        this.queuedCalls++;
        if (!this.feeder) {
          // The call queue's first put starts its feeder thread (Queue._start_thread), and waits.
          this.feeder = yield* startThread(
            this.rt,
            this.parent,
            "manager",
            () => this.feederProgram(),
            `${this.prefix}-feeder`,
            "feeder-started",
          );
        }
        this.feedBuffer.push(job);
        this.feederWake.wakeOne(this.rt.world.draw(this.rt.world.params.threadHandoff, "thread-handoff"));
        continue;
      }
      yield { op: "wait", on: this.managerWake, state: "idle" };
    }
  }

  /**
   * multiprocessing.Queue._feed: takes each call from its buffer, pickles it (GIL held) and writes
   * it to the pipe; a message longer than the pipe keeps it in send_bytes until the worker has read
   * all but its last piece, so the call pipe carries one message at a time.
   */
  private *feederProgram(): Generator<Op, void, boolean | undefined> {
    for (;;) {
      while (this.feedBuffer.size === 0) yield { op: "wait", on: this.feederWake, state: "idle" };
      const job = this.feedBuffer.shift() as Job;
      yield overhead(this.ipc(job.payload), "hold");
      const written = pipeChunks(job.payload) > 1 ? new OneShot("call-pipe") : null;
      if (written) this.callWritten.set(job, written);
      this.rt.later(this.latency(), () => {
        this.callQueue.push(job);
        this.callGetters.wakeOne(0);
      });
      if (written) yield* written.waitSet();
    }
  }

  /** A new worker process, which starts up (processStart) before it takes calls. */
  private spawnWorker(): void {
    const index = this.workers.length;
    const proc = this.rt.addProcess(`${this.prefix}-${index}`);
    const thread = this.rt.addThread(proc, `${proc.name}/MainThread`, "process-worker");
    this.workers.push(thread);
    thread.start(this.workerProgram(thread));
  }

  private *workerProgram(thread: SimThread): Generator<Op, void, boolean | undefined> {
    // Interpreter start-up (fork: copy-on-write set-up; spawn/forkserver: a fresh interpreter and imports).
    const start = this.rt.world.draw(this.rt.world.params.processStart, "process-start");
    yield overhead(start, "hold", false);
    // Start-up ran the interpreter's own code: its glue starts warm.
    thread.process.glueAt = this.rt.now;
    for (;;) {
      while (this.callQueue.size === 0) yield { op: "wait", on: this.callGetters, state: "idle" };
      const job = this.callQueue.shift() as Job;
      // Room in the call queue: the manager can feed another item.
      this.queuedCalls--;
      this.managerWake.wakeOne(this.latency());
      const chunks = pipeChunks(job.payload);
      if (chunks > 1) {
        const written = this.callWritten.get(job);
        this.callWritten.delete(job);
        yield* this.readPieces(chunks, () => {
          // The feeder's write returns: the next call message may go.
          written?.set(this.latency());
        });
      }
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
      const sent = chunks > 1 ? new OneShot("result-pipe") : null;
      if (sent) this.resultSent.set(job, sent);
      this.rt.later(this.latency(), () => {
        this.results.push(job);
        this.managerWake.wakeOne(0);
      });
      // Blocked in the pipe's write until the manager has read all but the last piece.
      if (sent) yield* sent.waitSet();
      this.idleWorkers++;
    }
  }
}
