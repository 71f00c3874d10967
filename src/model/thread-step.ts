import { type Op, overhead } from "./ops.js";
import type { ConcreteStep } from "./plan.js";
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
  const p = rt.world.params;
  const started: OneShot[] = [];
  for (const steps of children) {
    yield overhead(rt.world.draw(p.threadStart, "thread-start"));
    const thread = rt.addThread(caller.process, `Thread-${rt.threads.length}`, "worker");
    const life = { started: new OneShot("thread-started"), ended: new OneShot("thread-join") };
    thread.start(childProgram(rt, thread, steps, task, life));
    yield* life.started.waitSet();
    started.push(life.ended);
  }
  for (const ended of started) yield* ended.waitSet();
}

function* childProgram(
  rt: Runtime,
  thread: SimThread,
  steps: readonly ConcreteStep[],
  task: TaskRun | null,
  life: { started: OneShot; ended: OneShot },
): Generator<Op, void, boolean | undefined> {
  const p = rt.world.params;
  // _bootstrap_inner: the new thread takes the GIL, then sets _started (waking the starter).
  yield overhead(p.syscallCost);
  life.started.set(rt.world.draw(p.threadHandoff, "thread-handoff"));
  yield* runSteps(rt, thread, steps, task);
  // The thread's end releases the join lock (a futex wake of the joiner).
  life.ended.set(rt.world.draw(p.threadHandoff, "thread-handoff"));
}
