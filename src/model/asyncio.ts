import { EventQueue } from "../engine/queue.js";
import { MS, type Nanos } from "../engine/time.js";
import { ChildTask, SpawnGroup } from "./child-task.js";
import { Fifo } from "./fifo.js";
import type { Job, Pool } from "./job.js";
import { block, type Op, overhead } from "./ops.js";
import type { FlatStep } from "./plan.js";
import type { Runtime } from "./runtime.js";
import { drawStepOverhead, stepOps, type TaskRun } from "./task.js";
import type { SimThread } from "./thread.js";
import { WaitQueue } from "./wait-queue.js";
import type { ArrivalVia, Intake } from "./workload.js";

type Body = () => Generator<Op, void, boolean | undefined>;

/**
 * What a queued callback does when the loop runs it. The common ones are data, run by the loop
 * itself (no closure and no coroutine object made per callback):
 * - step: the task's coroutine runs until it awaits or returns (Task.__step);
 * - resume: the future the task awaited is done: its step ends now, and the coroutine goes on;
 * - wake: a timer or a posted result set the future; its done callback (call_soon) resumes the
 *   task in the next iteration;
 * - accept: the reader callback of an arrived request creates its task (create_task);
 * - done: a finished task's done callback (the harness's set bookkeeping, gather's counter);
 * - call: any other that runs no op of its own, a plain function;
 * - body: any other, as its own coroutine.
 */
type CallbackKind = "step" | "resume" | "wake" | "accept" | "done" | "call" | "body";

interface Callback {
  readyAt: Nanos;
  kind: CallbackKind;
  task: TaskRun | null;
  /** resume and wake: the step the task awaited, and when it began. */
  step: FlatStep | null;
  start: Nanos;
  /** call: the function; body: the function that makes the coroutine. */
  body: Body | (() => void) | null;
}

/**
 * An asyncio event loop (Lib/asyncio/base_events.py, _run_once) on one thread. Each iteration:
 * select (timeout 0 when callbacks are ready, else until the next timer, rounded up to the
 * millisecond as epoll does; select releases the GIL), queue what the selector delivered and the
 * due timers, then run exactly the callbacks that were ready when the iteration began, FIFO.
 * Each callback costs loop CPU with the GIL held; a coroutine runs until it awaits.
 */
export class EventLoop implements Intake {
  private readonly ready = new Fifo<Callback>();
  private readonly posted: Callback[] = [];
  private readonly timers = new EventQueue(64);
  private readonly timerFns: (Callback | null)[] = [];
  private readonly freeTimers: number[] = [];
  private readonly selector = new WaitQueue("selector");
  private completed = 0;
  private permits: number;
  private readonly limited: boolean;
  private readonly semWaiters = new Fifo<TaskRun>();
  private readonly permitted = new WeakSet<TaskRun>();
  thread: SimThread | null = null;

  constructor(
    private readonly rt: Runtime,
    readonly processId: number,
    private readonly expected: () => number,
    private readonly pool: Pool | null,
    limit: number | null,
    private readonly onTaskDone: (task: TaskRun) => void,
  ) {
    this.limited = limit !== null;
    this.permits = limit ?? 0;
  }

  /** gather(*tasks): every task's first step is ready in the first iteration. */
  /**
   * A batch, as the harness's dispatcher coroutine (or asyncio.gather) starts it: one step
   * creates every task (create_task each), and their first steps run in the next iteration.
   */
  initial(tasks: TaskRun[]): void {
    if (tasks.length === 0) return;
    this.callSoon(callback("body", 0, null, null, 0, () => this.createAll(tasks)));
  }

  private *createAll(tasks: TaskRun[]): Generator<Op, void, boolean | undefined> {
    const p = this.rt.world.params;
    let cost = 0;
    for (const task of tasks) {
      cost += this.rt.world.draw(p.createTaskCost, "create-task");
      this.spawned.add(task);
      this.callSoon(callback("step", this.rt.now, task));
    }
    if (cost > 0) yield overhead(cost);
  }

  /** Tasks made by create_task: when one ends, its done callback runs as one more step. */
  private readonly spawned = new WeakSet<TaskRun>();

  /**
   * A request arrives on a socket: the selector reports it at the next select (waking the loop
   * when it sleeps in one, as a pipe written by another process does), its reader callback
   * creates the task.
   */
  arrive(task: TaskRun, via: ArrivalVia): void {
    if (via === "inline") {
      // The client coroutine goes straight on to its next request, in the same step.
      this.inlineNext = task;
      return;
    }
    if (via === "timer") {
      const fired = this.clientFired.get(task.client);
      if (fired) {
        this.clientFired.delete(task.client);
        this.callSoon(callback("step", this.rt.now, task));
      } else this.clientTask.set(task.client, task);
      return;
    }
    this.posted.push(callback("accept", this.rt.now, task));
    this.selector.wakeOne(this.rt.world.draw(this.rt.world.params.threadsafeWakeup, "arrival-wakeup"));
  }

  /**
   * A closed-loop client coroutine sleeps until its next request (asyncio.sleep: a loop timer,
   * rounded up to epoll's millisecond); when it fires, the future's result wakes the coroutine in
   * the next iteration, which runs the request inline.
   */
  expect(client: number, when: Nanos): void {
    this.callAt(
      when,
      callback("call", when, null, null, 0, () => this.clientTimer(client)),
    );
  }

  private clientTimer(client: number): void {
    const task = this.clientTask.get(client);
    if (task) {
      this.clientTask.delete(client);
      this.callSoon(callback("step", this.rt.now, task));
    } else this.clientFired.set(client, true);
  }

  private inlineNext: TaskRun | null = null;
  private readonly clientTask = new Map<number, TaskRun>();
  private readonly clientFired = new Map<number, boolean>();

  private *accept(task: TaskRun): Generator<Op, void, boolean | undefined> {
    // The reader callback reads the request (os.read, socket.recv): the GIL released for the call.
    yield block(0);
    // create_task: the coroutine's first step runs in the next iteration.
    yield overhead(this.rt.world.draw(this.rt.world.params.createTaskCost, "create-task"));
    this.spawned.add(task);
    this.callSoon(callback("step", this.rt.now, task));
  }

  private callSoon(cb: Callback): void {
    this.ready.push(cb);
  }

  /** call_soon_threadsafe: queue for the next select and wake the selector (a self-pipe write). */
  private post(cb: Callback): void {
    this.posted.push(cb);
    this.selector.wakeOne(this.rt.world.draw(this.rt.world.params.threadsafeWakeup, "threadsafe-wakeup"));
  }

  /** call_at: `cb` (ready at `when`) joins the ready callbacks in the first iteration at or after `when`. */
  private callAt(when: Nanos, cb: Callback): void {
    const slot = this.freeTimers.pop();
    const index = slot ?? this.timerFns.length;
    if (slot === undefined) this.timerFns.push(cb);
    else this.timerFns[slot] = cb;
    this.timers.push(when, 0, 0, index);
  }

  *program(): Generator<Op, void, boolean | undefined> {
    const p = this.rt.world.params;
    for (;;) {
      if (
        this.completed >= this.expected() &&
        this.ready.size === 0 &&
        this.posted.length === 0 &&
        this.timers.size === 0
      ) {
        return;
      }
      const start = this.rt.now;
      // The measured iteration cost includes the select() call. A zero-timeout poll is charged as
      // the system call it is (block(0): syscallCost with the GIL dropped); a select that waited
      // is charged syscallCost here, with the rest of the iteration, so both cost the same.
      let waited = false;
      if (this.ready.size > 0 || this.posted.length > 0) {
        yield block(0);
      } else if (this.timers.size > 0) {
        const wait = this.timers.peekTime() - this.rt.now;
        if (wait <= 0) yield block(0);
        else {
          yield { op: "wait", on: this.selector, timeout: Math.ceil(wait / MS) * MS + p.timerSlack, state: "idle" };
          waited = true;
        }
      } else {
        yield { op: "wait", on: this.selector, state: "idle" };
        waited = true;
      }
      const iteration = this.rt.world.draw(p.loopIterationCost, "loop-iteration");
      yield overhead(waited ? iteration + p.syscallCost : iteration);
      for (const cb of this.posted) this.ready.push(cb);
      this.posted.length = 0;
      while (this.timers.size > 0 && this.timers.peekTime() <= this.rt.now) {
        const slot = this.timers.pop();
        const index = this.timers.argOf(slot);
        const cb = this.timerFns[index] as Callback;
        this.timerFns[index] = null;
        this.freeTimers.push(index);
        this.ready.push(cb);
      }
      const n = this.ready.size;
      for (let i = 0; i < n; i++) {
        const cb = this.ready.shift() as Callback;
        this.rt.recorder.loopLag(this.processId, cb.readyAt, this.rt.now);
        yield overhead(this.rt.world.draw(p.loopStepCost, "loop-step"));
        switch (cb.kind) {
          case "step":
            yield* this.runTask(cb.task as TaskRun);
            break;
          case "resume":
            (cb.task as TaskRun).record(cb.step as FlatStep, this.thread as SimThread, cb.start, this.rt.now);
            yield* this.runTask(cb.task as TaskRun);
            break;
          case "wake":
            this.callSoon(callback("resume", this.rt.now, cb.task, cb.step, cb.start));
            break;
          case "accept":
            yield* this.accept(cb.task as TaskRun);
            break;
          case "done":
            break;
          case "call":
            (cb.body as () => void)();
            break;
          case "body":
            yield* (cb.body as Body)();
            break;
        }
      }
      this.rt.recorder.loopIteration(this.processId, this.thread?.id ?? -1, start, this.rt.now, n);
    }
  }

  /**
   * One step of a task's coroutine: run until it awaits or returns. A closed client with no think
   * time goes on to its next request in the same step: a loop, not a nested generator per task,
   * so a long chain of requests that never await neither grows the stack nor slows down.
   */
  private *runTask(first: TaskRun): Generator<Op, void, boolean | undefined> {
    let task = first;
    for (;;) {
      yield* this.stepTask(task);
      const next = this.inlineNext;
      if (!next) return;
      this.inlineNext = null;
      task = next;
    }
  }

  private *stepTask(task: TaskRun): Generator<Op, void, boolean | undefined> {
    if (this.limited && !this.permitted.has(task) && !(task instanceof ChildTask)) {
      // async with semaphore: wait FIFO for a permit.
      if (this.permits <= 0) {
        this.semWaiters.push(task);
        return;
      }
      this.permits--;
      this.permitted.add(task);
    }
    task.markStarted(this.rt);
    const thread = this.thread as SimThread;
    for (let step = task.nextStep(); step !== undefined; step = task.nextStep()) {
      const bookkeeping = drawStepOverhead(this.rt);
      if (bookkeeping > 0) yield overhead(bookkeeping);
      const start = this.rt.now;
      if (step.kind === "io") {
        if (step.ns <= 0) {
          // asyncio.sleep(0): a bare yield; the task's next step is scheduled with call_soon.
          this.callSoon(callback("resume", this.rt.now, task, step, start));
          return;
        }
        // await asyncio.sleep(d) / a socket read: a timer, the loop runs others meanwhile.
        // The timer sets the sleep's future; its done callback (call_soon) resumes the coroutine
        // in the iteration after.
        const when = this.rt.now + step.ns;
        this.callAt(when, callback("wake", when, task, step, start));
        return;
      }
      if (step.kind === "offload") {
        yield overhead(this.rt.world.draw(this.rt.world.params.submitCost, "submit"));
        const job: Job = {
          steps: step.steps,
          task,
          whole: false,
          payload: task.plan.payload,
          // The future's result comes back through call_soon_threadsafe; set_result then wakes the task.
          done: () => this.post(callback("wake", this.rt.now, task, step, start)),
        };
        const extra = (this.pool as Pool).submit(job);
        if (extra > 0) yield overhead(extra);
        const starting = (this.pool as Pool).startedWait?.();
        if (starting) yield* starting;
        yield overhead(this.rt.world.draw(this.rt.world.params.submitReturn, "submit-return"));
        return;
      }
      if (step.kind === "spawn") {
        yield* this.spawn(task, step, start);
        return;
      }
      yield* stepOps(this.rt, step, thread, task);
      task.record(step, thread, start, this.rt.now);
    }
    this.finish(task);
  }

  /**
   * A spawn step: create_task() of each child (its first step queued with call_soon for the next
   * iteration; the creation costs the parent CPU), then `for t in tasks: await t`. Awaiting a task
   * not done yet suspends the parent with one done callback on that task; a done task's await
   * returns at once, so the parent wakes once per child still running when it reached it.
   */
  private *spawn(
    task: TaskRun,
    step: FlatStep & { kind: "spawn" },
    start: Nanos,
  ): Generator<Op, void, boolean | undefined> {
    const group = new SpawnGroup(task, step, start);
    let cost = 0;
    for (const steps of step.children) {
      cost += this.rt.world.draw(this.rt.world.params.createTaskCost, "create-task");
      const child = new ChildTask(task, steps, group);
      group.children.push(child);
      this.callSoon(callback("step", this.rt.now, child));
    }
    if (cost > 0) yield overhead(cost);
    yield* this.awaitChildren(group);
  }

  private *awaitChildren(group: SpawnGroup): Generator<Op, void, boolean | undefined> {
    if (!group.skipDone()) {
      group.waiting = true;
      return;
    }
    group.parent.record(group.step, this.thread as SimThread, group.start, this.rt.now);
    yield* this.runTask(group.parent);
  }

  /** A child ended: if its parent awaits it, the done callback wakes the parent in the next iteration. */
  private childDone(child: ChildTask): void {
    child.done = true;
    const group = child.group;
    if (group.waiting && group.children[group.next] === child) {
      group.waiting = false;
      this.callSoon(callback("body", this.rt.now, null, null, 0, () => this.awaitChildren(group)));
    }
  }

  private finish(task: TaskRun): void {
    if (task instanceof ChildTask) {
      this.childDone(task);
      return;
    }
    this.completed++;
    if (this.permitted.has(task)) {
      const next = this.semWaiters.shift();
      if (next) {
        // Semaphore.release wakes the first waiter; its task resumes in the next iteration.
        this.permitted.add(next);
        this.callSoon(callback("step", this.rt.now, next));
      } else this.permits++;
    }
    task.end(this.rt);
    if (this.spawned.has(task)) this.callSoon(callback("done", this.rt.now, null));
    this.onTaskDone(task);
  }
}

function callback(
  kind: CallbackKind,
  readyAt: Nanos,
  task: TaskRun | null,
  step: FlatStep | null = null,
  start: Nanos = 0,
  body: Body | (() => void) | null = null,
): Callback {
  return { readyAt, kind, task, step, start, body };
}
