import type { Nanos } from "../engine/time.js";
import type { GilHold, LoopIteration, Marker, TaskRecord, ThreadInfo, ThreadState } from "./types.js";

/** What a streamed trace starts with. */
export interface TraceHeader {
  scenario: string;
  seed: number;
  cores: number;
}

/**
 * Where a run's trace records go as they happen, instead of into memory: a file on disk
 * (TraceWriter in stream.ts, for Node), or anything else that takes records. The model depends
 * on this interface only, so it runs where there is no file system (a browser).
 */
export interface TraceSink {
  thread(t: ThreadInfo): void;
  interval(thread: number, state: ThreadState, start: Nanos, end: Nanos): void;
  gilHold(h: GilHold): void;
  marker(m: Marker): void;
  task(t: TaskRecord): void;
  iteration(it: LoopIteration): void;
  /** The run ended at `end`: finish the trace. */
  close(end: Nanos): void;
  /** The run failed: leave nothing behind. */
  abort(): void;
}

/** Opens a sink for a run, given its header (simulate's `traceSink` option). */
export type TraceSinkFactory = (header: TraceHeader) => TraceSink;
