import type { ThreadRole } from "../trace/types.js";
import { type Op, overhead, type Program } from "./ops.js";
import type { ConcreteStep } from "./plan.js";
import type { SimProcess } from "./process.js";
import type { Runtime } from "./runtime.js";
import { runSteps, type TaskRun } from "./task.js";
import type { SimThread } from "./thread.js";
import { OneShot } from "./wait-queue.js";

/**
 * A threads step: threading.Thread(target=...).start() for each child, one after another, then
 * join() of each in turn (Lib/threading.py).
 *
 * - start(): the caller creates the OS thread with the GIL held (threadStart), then waits, with
 *   the GIL released, on the thread's _started event; the new thread sets it in _bootstrap_inner,
 *   so only once it has taken the GIL. Beside a CPU-bound thread both sides wait for the GIL.
 * - join(): waits, with the GIL released, on the lock the thread's C state releases when the
 *   thread ends (_tstate_lock; a PyEvent from 3.13): the joiner is woken by the exit, then takes
 *   the GIL back. So a join never returns before the thread's last step.
 *
 * The new threads belong to the caller's process; their steps are recorded in the caller's task.
 */
export function* startAndJoin(
  rt: Runtime,
  caller: SimThread,
  children: readonly (readonly ConcreteStep[])[],
  task: TaskRun | null,
): Generator<Op, void, boolean | undefined> {
  const joins: OneShot[] = [];
  for (const steps of children) {
    const ended = new OneShot("thread-join");
    yield* startThread(rt, caller.process, "worker", (thread) => childProgram(rt, thread, steps, task, ended));
    joins.push(ended);
  }
  for (const ended of joins) yield* ended.waitSet();
}

function* childProgram(
  rt: Runtime,
  thread: SimThread,
  steps: readonly ConcreteStep[],
  task: TaskRun | null,
  ended: OneShot,
): Generator<Op, void, boolean | undefined> {
  yield* runSteps(rt, thread, steps, task);
  // The thread's end releases the join lock (a futex wake of the joiner).
  ended.set(rt.world.draw(rt.world.params.threadHandoff, "thread-handoff"));
}

/**
 * threading.Thread.start() called from a running thread: the caller creates the OS thread
 * (threadStart, Python code around _start_new_thread), then waits, with the GIL released, on the
 * thread's _started event; the new thread sets it in _bootstrap_inner once it holds the GIL
 * (syscallCost), waking the caller after threadHandoff, and then runs `program`. The thread is
 * named `name`, or Thread-N as threading names it; `event` names the wait in the trace.
 * Returns the new thread once start() has returned.
 */
export function* startThread(
  rt: Runtime,
  process: SimProcess,
  role: ThreadRole,
  program: (thread: SimThread) => Program,
  name?: string,
  event = "thread-started",
): Generator<Op, SimThread, boolean | undefined> {
  yield overhead(rt.world.draw(rt.world.params.threadStart, "thread-start"));
  const started = new OneShot(event);
  const thread = rt.addThread(process, name ?? `Thread-${rt.threads.length}`, role);
  thread.start(bootstrapped(rt, started, program(thread)));
  yield* started.waitSet();
  return thread;
}

/** A new thread's program: _bootstrap_inner takes the GIL and sets _started (waking the starter), then `program`. */
export function* bootstrapped(
  rt: Runtime,
  started: OneShot,
  program: Program,
): Generator<Op, void, boolean | undefined> {
  yield overhead(rt.world.params.syscallCost);
  started.set(rt.world.draw(rt.world.params.threadHandoff, "thread-handoff"));
  yield* program;
}
