/** Messages between the page and its worker (worker.ts). */
import type { Outcome } from "./run.js";

export type ToWorker =
  /** Run the scenario with its trace; answer with progress and an outcome. */
  | { id: number; kind: "run"; input: unknown }
  /** Run the scenario with `workers` workers, trace off; answer with its p99. */
  | { id: number; kind: "point"; input: unknown; workers: number };

export type FromWorker =
  | { id: number; kind: "progress"; done: number; total: number }
  | { id: number; kind: "outcome"; outcome: Outcome }
  | { id: number; kind: "point"; workers: number; p99: number; throughput: number }
  | { id: number; kind: "error"; message: string };
