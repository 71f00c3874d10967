import type { Nanos } from "../engine/time.js";
import type { WaitQueue } from "./wait-queue.js";

/**
 * What a thread's program asks its thread to do next. Programs are generators that yield ops;
 * the thread carries each out against the cores and the GIL and resumes the program after.
 *
 * - cpu: run `ns` of CPU. python: Python code, needs the GIL, with check points; hold: a C call
 *   that needs the GIL and has no check points; nogil: code that runs without the GIL (drops it
 *   first, takes it back after). With the GIL off every mode runs without it.
 * - block: a blocking call that releases the GIL (sleep, IO) for `ns`, then takes it back.
 * - wait: sleep on a wait queue (a lock, a queue get, a selector) with the GIL released until
 *   woken or until the timeout; resumes the program with true when woken, false on timeout.
 */
export type Op =
  | { op: "cpu"; ns: Nanos; mode: "python" | "hold" | "nogil"; overhead?: boolean }
  | { op: "block"; ns: Nanos }
  | { op: "wait"; on: WaitQueue; timeout?: Nanos; state?: "idle" | "io" };

export type Program = Generator<Op, void, boolean | undefined>;

export const cpu = (ns: Nanos, mode: "python" | "hold" | "nogil" = "python"): Op => ({ op: "cpu", ns, mode });
export const overhead = (ns: Nanos, mode: "python" | "hold" = "python"): Op => ({
  op: "cpu",
  ns,
  mode,
  overhead: true,
});
export const block = (ns: Nanos): Op => ({ op: "block", ns });
