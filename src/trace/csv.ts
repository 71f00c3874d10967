import type { Trace } from "./types.js";

/*
 * A trace as CSV for spreadsheets and data frames (RFC 4180: comma-separated, fields with a
 * comma, quote or line break quoted, quotes doubled; "\n" line ends). Times are integer
 * nanoseconds, as in the trace.
 */

/** One CSV field. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(header: readonly string[], rows: Iterable<readonly (string | number)[]>): string {
  const lines = [header.join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return `${lines.join("\n")}\n`;
}

/** One row per state interval: thread,thread_name,process,state,start_ns,end_ns. */
export function intervalsCsv(trace: Trace): string {
  const byId = new Map(trace.threads.map((t) => [t.id, t]));
  return csv(
    ["thread", "thread_name", "process", "state", "start_ns", "end_ns"],
    trace.intervals.map((iv) => {
      const t = byId.get(iv.thread);
      return [iv.thread, t?.name ?? "", t?.process ?? "", iv.state, iv.start, iv.end];
    }),
  );
}

/**
 * One row per task: id,class,arrival_ns,start_ns,end_ns,wait_ns,latency_ns,steps, where wait is
 * start - arrival, latency is end - arrival, and steps is how many steps it ran.
 */
export function tasksCsv(trace: Trace): string {
  return csv(
    ["id", "class", "arrival_ns", "start_ns", "end_ns", "wait_ns", "latency_ns", "steps"],
    trace.tasks.map((t) => [
      t.id,
      t.class,
      t.arrival,
      t.start,
      t.end,
      t.start - t.arrival,
      t.end - t.arrival,
      t.steps.length,
    ]),
  );
}
