/**
 * The lanes of a timeline, top to bottom: for each process in id order, its GIL track (when the
 * process has GIL holds) and then its threads in id order. Thread names repeated across processes
 * ("MainThread" of each worker process) get the process number added.
 */
import type { ThreadInfo, Trace } from "../trace/types.js";
import type { LaneMap } from "./timeline-aggregate.js";

export interface Lane {
  label: string;
  kind: "gil" | "thread";
  process: number;
}

export interface LaneLayout {
  lanes: Lane[];
  /** Lane of each thread id; -1 for hidden threads. */
  threadLane: LaneMap;
  /** Lane of each shown process's GIL track. */
  gilLane: Map<number, number>;
}

/** `shown`: thread ids to keep (null keeps all); `gil`: whether to add GIL tracks. */
export function layoutLanes(trace: Trace, shown: ReadonlySet<number> | null, gil: boolean): LaneLayout {
  const threads = trace.threads
    .filter((t) => shown === null || shown.has(t.id))
    .sort((a, b) => a.process - b.process || a.id - b.id);
  const processes = [...new Set(threads.map((t) => t.process))];
  const holders = new Set(trace.gil.map((h) => h.process));
  const uses = new Map<string, number>();
  for (const t of threads) uses.set(t.name, (uses.get(t.name) ?? 0) + 1);
  const label = (t: ThreadInfo): string => ((uses.get(t.name) ?? 0) > 1 ? `${t.name} (process ${t.process})` : t.name);
  const lanes: Lane[] = [];
  const threadLane = new Int32Array(Math.max(0, ...trace.threads.map((t) => t.id + 1))).fill(-1);
  const gilLane = new Map<number, number>();
  for (const process of processes) {
    if (gil && holders.has(process)) {
      gilLane.set(process, lanes.length);
      lanes.push({ label: processes.length > 1 ? `GIL, process ${process}` : "GIL", kind: "gil", process });
    }
    for (const t of threads) {
      if (t.process !== process) continue;
      threadLane[t.id] = lanes.length;
      lanes.push({ label: label(t), kind: "thread", process });
    }
  }
  return { lanes, threadLane, gilLane };
}
