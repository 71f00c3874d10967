import type { Nanos } from "../engine/time.js";
import type { WaitQueue } from "./wait-queue.js";

/**
 * What a thread's program asks its thread to do next. Programs are generators that yield ops;
 * the thread carries each out against the cores and the GIL and resumes the program after.
 *
 * - cpu: run `ns` of CPU. python: Python code, needs the GIL, with check points; hold: a C call
 *   that needs the GIL and has no check points; nogil: code that runs without the GIL (drops it
 *   first, takes it back after). With the GIL off every mode runs without it. `overhead` marks
 *   CPU the runtime spends rather than a step's demand; `glue` marks the runtime's own code (the
 *   event loop, an executor, the accept loop, pickling, a step's bookkeeping), which goes cold
 *   while the process runs other code (machine.coldStart).
 * - block: a blocking call that releases the GIL (sleep, IO) for `ns`, then takes it back;
 *   `timer` when a timer ends it (a sleep), not another process (a pipe): machine.timerTail.
 * - wait: sleep on a wait queue (a lock, a queue get, a selector) with the GIL released until
 *   woken or until the timeout; resumes the program with true when woken, false on timeout.
 */
export type Op =
  | {
      op: "cpu";
      ns: Nanos;
      mode: "python" | "hold" | "nogil";
      overhead?: boolean;
      glue?: boolean;
      /** Runs when the CPU work ends, before the GIL is taken back (a system call's effect: send() delivering). */
      onEnd?: (() => void) | null;
    }
  | { op: "block"; ns: Nanos; timer?: boolean }
  | { op: "wait"; on: WaitQueue; timeout?: Nanos; state?: "idle" | "io" };

export type Program = Generator<Op, void, boolean | undefined>;

/*
 * The op helpers below hand out one reused object per kind: a thread carries an op out the moment
 * its program yields it, before any program runs again, so no op outlives the next one of its
 * kind. This keeps the hot path free of an allocation per op.
 */
const cpuOp: Op & { op: "cpu" } = { op: "cpu", ns: 0, mode: "python", overhead: false, glue: false, onEnd: null };
const blockOp: Op & { op: "block" } = { op: "block", ns: 0, timer: false };

export function cpu(ns: Nanos, mode: "python" | "hold" | "nogil" = "python"): Op {
  cpuOp.ns = ns;
  cpuOp.mode = mode;
  cpuOp.overhead = false;
  cpuOp.glue = false;
  cpuOp.onEnd = null;
  return cpuOp;
}

/**
 * A system call of `ns` CPU with the GIL released whose effect lands as it returns, before the
 * thread takes the GIL back (and perhaps waits for it): `onEnd` runs then.
 */
export function syscall(ns: Nanos, onEnd: () => void): Op {
  cpu(ns, "nogil");
  cpuOp.onEnd = onEnd;
  return cpuOp;
}

/** Overhead CPU; `glue` false for code that is part of a step's own call (a C call's entry and exit). */
export function overhead(ns: Nanos, mode: "python" | "hold" = "python", glue = true): Op {
  cpuOp.ns = ns;
  cpuOp.mode = mode;
  cpuOp.overhead = true;
  cpuOp.glue = glue;
  cpuOp.onEnd = null;
  return cpuOp;
}

export function block(ns: Nanos, timer = false): Op {
  blockOp.ns = ns;
  blockOp.timer = timer;
  return blockOp;
}
