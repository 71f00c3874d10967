import type { RecordedExecutor, Recording } from "./recording.js";

/** How an executor reads in a summary: "threads (4 workers)". */
export function describeExecutor(e: RecordedExecutor): string {
  switch (e.kind) {
    case "threads":
      return `a thread pool of ${e.workers}`;
    case "asyncio":
      return `asyncio, offloading to ${e.offload.workers} threads`;
    case "sync":
      return "the main thread";
    case "thread":
      return "a thread of its own";
    case "thread-per-request":
      return "a new thread per request";
    case "unknown":
      return "an unknown executor";
  }
}

/** A few lines about a recording: tasks by class, per process, and the executor. */
export function recordingSummary(rec: Recording): string[] {
  const out: string[] = [];
  for (const p of rec.processes) {
    const counts = new Map<string, number>();
    for (const t of p.tasks) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const classes = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const first = p.tasks[0];
    const on = first ? `, on ${describeExecutor(first.exec)}` : "";
    const python = p.header.python ? `Python ${p.header.python}` : "an unknown Python";
    out.push(`process ${p.header.pid} (${python}): ${p.tasks.length} tasks${on}`);
    for (const [name, n] of classes.slice(0, 12)) out.push(`  ${String(n).padStart(7)}  ${name}`);
    if (classes.length > 12) out.push(`  ... and ${classes.length - 12} more classes`);
    if (p.dropped) out.push(`  ${p.dropped} tasks past the recorder's limit were left out`);
  }
  return out;
}
