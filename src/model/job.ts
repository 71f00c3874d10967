import type { Op } from "./ops.js";
import type { ConcreteStep } from "./plan.js";
import type { TaskRun } from "./task.js";

/** Work handed to a pool: a whole task, or the steps a coroutine offloaded. */
export interface Job {
  steps: readonly ConcreteStep[];
  /** The task it belongs to (marked started when a whole task begins here). */
  task: TaskRun;
  /** Whether this job is the whole task (not an offloaded part). */
  whole: boolean;
  /** Bytes pickled each way (process pools). */
  payload: number;
  /**
   * A chunk of Executor.map(chunksize): the tasks it runs one after another in the worker, each
   * with its own steps (then `steps` is empty and `task` is the first of them).
   */
  parts?: readonly TaskRun[];
  /** Called on the worker right after the last step (sets the future's result). */
  done: () => void;
}

/** Anything a task or a coroutine can submit work to. */
export interface Pool {
  /** Queues the job; returns extra CPU the submitting thread pays (creating a thread), in ns. */
  submit(job: Job): number;
  /**
   * After a submit that created a thread: the program the submitter runs next, Thread.start()
   * waiting until the new thread has run (null when no thread was created).
   */
  startedWait?(): Generator<Op, void, boolean | undefined> | null;
}
