import type { PoolConfig } from "../scenario/scenario.js";
import { EventLoop } from "./asyncio.js";
import { Dispatcher } from "./dispatcher.js";
import type { Pool } from "./job.js";
import { ThreadLimiter } from "./limiter.js";
import type { Op } from "./ops.js";
import { overhead } from "./ops.js";
import type { TaskPlanner } from "./plan.js";
import type { SimProcess } from "./process.js";
import { ProcessPool } from "./process-pool.js";
import type { Runtime } from "./runtime.js";
import { runSteps, type TaskRun } from "./task.js";
import { ThreadPool } from "./thread-pool.js";
import type { Intake } from "./workload.js";
import { ArrivalSource } from "./workload.js";

function makePool(rt: Runtime, process: SimProcess, config: PoolConfig, prefix: string): Pool {
  return config.kind === "threads"
    ? new ThreadPool(rt, process, config.workers, prefix)
    : new ProcessPool(rt, process, config.workers, config.startMethod, prefix);
}

/**
 * Builds the scenario's executor in the main process (and in more processes for several
 * loops), wires arrivals to it, and returns a function that starts everything at time 0.
 */
export function buildExecutor(rt: Runtime, main: SimProcess, planner: TaskPlanner): () => void {
  const scenario = rt.world.scenario;
  const executor = scenario.executor;
  const limit = scenario.workload.concurrency;
  let source: ArrivalSource | null = null;
  const ended = (task: TaskRun): void => {
    task.end(rt);
    source?.completed(task);
  };
  const intakes: Intake[] = [];
  const starts: (() => void)[] = [];

  if (executor.kind === "asyncio") {
    for (let i = 0; i < executor.loops; i++) {
      const process = i === 0 ? main : rt.addProcess(`loop-${i}`);
      const pool = executor.offload
        ? makePool(rt, process, executor.offload, i === 0 ? "asyncio" : `loop-${i}/asyncio`)
        : null;
      const loop = new EventLoop(
        rt,
        process.id,
        () => source?.expectedFor(i) ?? 0,
        pool,
        limit,
        (task) => source?.completed(task),
      );
      const thread = rt.addThread(process, i === 0 ? "MainThread" : `loop-${i}/MainThread`, "loop");
      loop.thread = thread;
      intakes.push(loop);
      starts.push(() => thread.start(loop.program()));
    }
  } else {
    const thread = rt.addThread(main, "MainThread", "main");
    const handoff = () => rt.world.draw(rt.world.params.threadHandoff, "thread-handoff");
    const limiter = limit === null || executor.kind === "sync" ? null : new ThreadLimiter(limit, handoff);
    let handle: (task: TaskRun) => Generator<Op, void, boolean | undefined>;
    if (executor.kind === "sync") {
      handle = function* (task) {
        task.markStarted(rt);
        yield* runSteps(rt, thread, task.plan.steps, task);
        ended(task);
        yield overhead(rt.world.draw(rt.world.params.acceptCost, "accept"));
      };
    } else {
      const pool = makePool(
        rt,
        main,
        executor,
        executor.kind === "threads" ? "ThreadPoolExecutor-0" : "ProcessPoolExecutor-0",
      );
      const chunksize = executor.kind === "processes" ? (scenario.workload.chunksize ?? 1) : 1;
      if (chunksize > 1) {
        handle = chunkedMap(rt, pool, chunksize, () => source?.expectedFor(0) ?? 0, ended);
      } else
        handle = function* (task) {
          if (limiter) yield* limiter.acquire();
          yield overhead(rt.world.draw(rt.world.params.submitCost, "submit"));
          const extra = pool.submit({
            steps: task.plan.steps,
            task,
            whole: true,
            payload: task.plan.payload,
            done: () => {
              ended(task);
              limiter?.release();
            },
          });
          if (extra > 0) yield overhead(extra);
          const starting = pool.startedWait?.();
          if (starting) yield* starting;
          // The rest of submit and of the accept loop, GIL held: the woken worker may find the GIL taken.
          const p = rt.world.params;
          yield overhead(rt.world.draw(p.submitReturn, "submit-return") + rt.world.draw(p.acceptCost, "accept"));
        };
    }
    const d = new Dispatcher(rt, () => source?.expectedFor(0) ?? 0, handle);
    d.thread = thread;
    intakes.push(d);
    starts.push(() => thread.start(d.program()));
  }
  source = new ArrivalSource(rt, planner, intakes);
  const src = source;
  return () => {
    src.start();
    for (const s of starts) s();
  };
}

/**
 * Executor.map(fn, items, chunksize=c) on a process pool (Lib/concurrent/futures/process.py):
 * the items are cut into chunks of c, and each chunk is one submit of _process_chunk, so one work
 * item pickled to a worker, its calls run one after another there, and one list of results pickled
 * back. The dispatcher holds tasks until a chunk is full (or the last task has come).
 */
function chunkedMap(
  rt: Runtime,
  pool: Pool,
  chunksize: number,
  expected: () => number,
  ended: (task: TaskRun) => void,
): (task: TaskRun) => Generator<Op, void, boolean | undefined> {
  let held: TaskRun[] = [];
  let seen = 0;
  return function* (task) {
    held.push(task);
    seen++;
    if (held.length < chunksize && seen < expected()) return;
    const parts = held;
    held = [];
    const p = rt.world.params;
    yield overhead(rt.world.draw(p.submitCost, "submit"));
    const extra = pool.submit({
      steps: [],
      task: parts[0] as TaskRun,
      whole: true,
      payload: parts.reduce((a, t) => a + t.plan.payload, 0),
      parts,
      done: () => {
        for (const t of parts) ended(t);
      },
    });
    if (extra > 0) yield overhead(extra);
    const starting = pool.startedWait?.();
    if (starting) yield* starting;
    yield overhead(rt.world.draw(p.submitReturn, "submit-return"));
  };
}
