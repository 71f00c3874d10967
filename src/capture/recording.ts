import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Nanos } from "../engine/time.js";
import { readFailure } from "../io/read-failure.js";
import { UsageError } from "../io/usage-error.js";

/*
 * A recording: JSON lines written by the recorder (src/capture/py/gilsim_record.py) or by
 * `gilsim import otel`. Per process, a header line ({"gilsim": "recording", ...}), its task lines
 * ({"task": ...}) and a footer ({"recorded": ...}). Lines of several processes may interleave.
 * See the recorder's docstring for the meaning of each field.
 */

/**
 * How a recorded call treats the GIL: "r" C code that releases it while it computes, "h" C code
 * that holds it without check points, "w" a call that waits (socket, select), "s" time.sleep;
 * "run" one callback run of an asyncio task's coroutine, "off" a call it offloaded to a thread.
 */
export const SEGMENT_CLASSES = ["r", "h", "w", "s", "run", "off"] as const;
export type SegmentClass = (typeof SEGMENT_CLASSES)[number];

/** One recorded call (or callback run, or offload) of a task. Times in ns. */
export interface Segment {
  cls: SegmentClass;
  /** What was called: "sqlite", "hashlib", "socket", "json", the offloaded function's name, ... */
  label: string;
  /** Start, from the task's start. */
  t: Nanos;
  wall: Nanos;
  /** Thread CPU time used in the call; -1 when it was not read. */
  cpu: Nanos;
  /** Native calls it stands for (rows fetched); for "s", the requested sleep in ns. */
  n: number;
  /**
   * Thread CPU time at entry, from the start of the task (threads) or of the callback run
   * (asyncio); for "off", when it was submitted, from the task's start. -1 when not read.
   */
  c0: Nanos;
  /** 0: the task's own thread; k > 0: its k-th offload. */
  track: number;
}

/** The executor a task ran on, as the recorder saw it. */
export type RecordedExecutor =
  | { kind: "threads"; workers: number }
  | { kind: "asyncio"; offload: { kind: "threads"; workers: number } }
  | { kind: "sync" }
  | { kind: "thread" }
  | { kind: "thread-per-request" }
  | { kind: "unknown"; workers?: number };

export interface RecordedTask {
  id: number;
  pid: number;
  /** The task's class: a route ("GET /items"), or the name it was given. */
  name: string;
  /** Times in ns from the process's t0: when it arrived, started running, and ended. */
  arrival: Nanos;
  start: Nanos;
  end: Nanos;
  thread: string;
  exec: RecordedExecutor;
  /** Thread CPU time on its own thread (asyncio: in its callback runs). */
  cpu: Nanos;
  /** CPU the submitting thread spent per submission (accept, wrap, submit), when known. */
  sub: Nanos | null;
  /**
   * Of that, the CPU the same thread spent inside its previous submit call (written with sub;
   * recordings from before it was recorded lack it).
   */
  subp?: Nanos;
  segs: Segment[];
  /** The exception it ended with, by type name. */
  error?: string;
}

export interface ProcessHeader {
  pid: number;
  /** "3.11.7", or null when unknown (an OpenTelemetry import without process.runtime.version). */
  python: string | null;
  implementation: string;
  freeThreaded: boolean;
  gil: boolean;
  /** sys.getswitchinterval(), seconds. */
  switchInterval: number;
  /** CPUs the process could run on; null when unknown. */
  cpus: number | null;
  argv: string[];
  /** Unix time of t0, ns. */
  t0Unix: number;
  /** Where the recording came from. */
  source: "recorder" | "otel";
}

export interface RecordedProcess {
  header: ProcessHeader;
  tasks: RecordedTask[];
  /** Tasks the recorder left out beyond its limit (GILSIM_RECORD_MAX); null without a footer. */
  dropped: number | null;
  /** The process's CPU time at the end (ns), when it ended cleanly. */
  processCpu: number | null;
  /** From t0 to the footer, ns. */
  duration: number | null;
}

export interface Recording {
  processes: RecordedProcess[];
}

const int = z.number().int();
const segmentSchema = z
  .tuple([z.enum(SEGMENT_CLASSES), z.string(), int, int.nonnegative(), int, z.number(), int, int.nonnegative()])
  .transform(([cls, label, t, wall, cpu, n, c0, track]): Segment => ({ cls, label, t, wall, cpu, n, c0, track }));

const executorSchema = z.union([
  z.object({ kind: z.literal("threads"), workers: int.positive() }),
  z.object({
    kind: z.literal("asyncio"),
    offload: z.object({ kind: z.literal("threads"), workers: int.positive() }),
  }),
  z.object({ kind: z.enum(["sync", "thread", "thread-per-request"]) }),
  z.object({ kind: z.literal("unknown"), workers: int.positive().optional() }),
]);

const taskSchema = z.object({
  task: int,
  pid: int,
  name: z.string(),
  arrival: int,
  start: int,
  end: int,
  thread: z.string(),
  exec: executorSchema,
  cpu: int.nonnegative(),
  sub: int.nullable(),
  subp: int.nonnegative().optional(),
  segs: z.array(segmentSchema),
  error: z.string().optional(),
});

const headerSchema = z.object({
  gilsim: z.literal("recording"),
  format: z.literal(1),
  pid: int,
  python: z.string().nullable(),
  implementation: z.string().default("cpython"),
  free_threaded: z.boolean().default(false),
  gil: z.boolean().default(true),
  switch_interval: z.number().positive().default(0.005),
  cpus: int.positive().nullable(),
  argv: z.array(z.string()).default([]),
  t0_unix: z.number(),
  source: z.enum(["recorder", "otel"]).default("recorder"),
});

const footerSchema = z.object({
  recorded: int,
  pid: int,
  dropped: int,
  end: int,
  process_cpu: int.optional(),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `${path}${issue.message}`;
}

/**
 * Parses a recording's text. Throws a UsageError naming the file, the line and what is wrong
 * (a recording with no header line, a task of a process with no header, a malformed line).
 */
export function parseRecording(text: string, file = "recording"): Recording {
  const byPid = new Map<number, RecordedProcess>();
  const lines = text.split("\n");
  const where = (i: number): string => `${file}:${i + 1}`;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // The last line of a recording cut off mid-write (a killed program) is dropped, not fatal.
      if (i >= lines.length - 2) continue;
      throw new UsageError(`${where(i)}: not a JSON line: ${JSON.stringify(line.slice(0, 60))}`);
    }
    const obj = value as Record<string, unknown>;
    if (obj !== null && typeof obj === "object" && "gilsim" in obj) {
      const h = headerSchema.safeParse(obj);
      if (!h.success) throw new UsageError(`${where(i)}: bad header: ${firstIssue(h.error)}`);
      const d = h.data;
      byPid.set(d.pid, {
        header: {
          pid: d.pid,
          python: d.python,
          implementation: d.implementation,
          freeThreaded: d.free_threaded,
          gil: d.gil,
          switchInterval: d.switch_interval,
          cpus: d.cpus,
          argv: d.argv,
          t0Unix: d.t0_unix,
          source: d.source,
        },
        tasks: [],
        dropped: null,
        processCpu: null,
        duration: null,
      });
    } else if (obj !== null && typeof obj === "object" && "task" in obj) {
      const t = taskSchema.safeParse(obj);
      if (!t.success) throw new UsageError(`${where(i)}: bad task: ${firstIssue(t.error)}`);
      const p = byPid.get(t.data.pid);
      if (!p) throw new UsageError(`${where(i)}: a task of process ${t.data.pid}, which has no header line before it`);
      const { task: id, ...rest } = t.data;
      const task: RecordedTask = { id, ...rest, segs: [...rest.segs].sort((a, b) => a.t - b.t) };
      if (task.error === undefined) delete task.error;
      p.tasks.push(task);
    } else if (obj !== null && typeof obj === "object" && "recorded" in obj) {
      const f = footerSchema.safeParse(obj);
      if (!f.success) throw new UsageError(`${where(i)}: bad footer: ${firstIssue(f.error)}`);
      const p = byPid.get(f.data.pid);
      if (p) {
        p.dropped = f.data.dropped;
        p.duration = f.data.end;
        p.processCpu = f.data.process_cpu ?? null;
      }
    } else {
      throw new UsageError(`${where(i)}: expected a header, task or footer line of a gilsim recording`);
    }
  }
  if (byPid.size === 0) throw new UsageError(`${file}: not a gilsim recording (no header line)`);
  return { processes: [...byPid.values()] };
}

/** Reads and parses a recording file; a UsageError for a missing or malformed file. */
export function readRecording(path: string): Recording {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the recording ${path} (${readFailure(error)})`);
  }
  return parseRecording(text, path);
}

/** The process with the most tasks: the program's server, not its helpers. */
export function mainProcess(rec: Recording): RecordedProcess {
  return rec.processes.reduce((a, b) => (b.tasks.length > a.tasks.length ? b : a));
}
