import { z } from "zod";

/*
 * The JSON lines the harness writes (format 1). Times are integer nanoseconds from t0, the moment
 * the first task could be dispatched. A thread is named by the key "<pid>:<ident>".
 */

const ns = z.number().int();
const rates = {
  pythonItersPerUs: z.number().positive(),
  releaseBytesPerUs: z.number().positive(),
  holdUnitsPerUs: z.number().positive(),
};
const ratesSchema = z.object(rates);
const driftSchema = z.object({
  pythonItersPerUs: z.number(),
  releaseBytesPerUs: z.number(),
  holdUnitsPerUs: z.number(),
});

const hello = z.object({
  type: z.literal("hello"),
  format: z.literal(1),
  python: z.string(),
  implementation: z.string(),
  freeThreaded: z.boolean(),
  gilEnabled: z.boolean(),
  pid: z.number().int(),
  platform: z.string(),
  /** CPUs the run may use: the scenario's cores when the machine has more (Linux affinity), else all. */
  cores: z.number().int().positive(),
  availableCores: z.number().int().positive(),
  /** sys.getswitchinterval() in ns after the harness set it from the scenario. */
  switchInterval: ns,
  echoPort: z.number().int().nullable(),
  /** The niceness it runs at when GILSIM_PRIORITY asked for a raise; null or absent when not asked. */
  nice: z.number().int().nullable().optional(),
});

const calibration = z.object({
  type: z.literal("calibration"),
  phase: z.enum(["start", "end"]),
  ...rates,
  /** (max - min) / median of the trials, per rate. */
  spread: ratesSchema,
  /** The same rates timed in wall time (lower than the CPU-time rates when the machine is busy). */
  wall: ratesSchema.optional(),
  /** The rates the run used: the measured ones, or the fixed ones the job gave. Start only. */
  used: ratesSchema.optional(),
  trials: z.number().int().optional(),
  probeNs: ns.optional(),
  releaseChunk: z.number().int().optional(),
  /** What the trials were timed with: the thread's CPU time, or wall time where that is too coarse (Windows). */
  clock: z.enum(["thread", "wall"]).optional(),
});

const progress = z.object({
  type: z.literal("progress"),
  completed: z.number().int(),
  total: z.number().int(),
  time: ns,
});

const thread = z.object({
  type: z.literal("thread"),
  thread: z.string(),
  pid: z.number().int(),
  native: z.number().int().nullable(),
  name: z.string(),
  role: z.enum(["main", "loop", "worker", "process-worker", "background"]),
  /** When it registered (thread start, or pool initializer), from t0; negative if before t0. */
  start: ns,
});

const step = z.object({
  type: z.literal("step"),
  /** The task id, or null for a background thread's step. */
  task: z.number().int().nullable(),
  /** The background thread's index, or null for a task's step. */
  background: z.number().int().nullable(),
  /** Index of the step in the task's steps; [i, j] for step j offloaded by step i. */
  path: z.array(z.number().int()),
  kind: z.enum(["cpu", "io", "block", "offload"]),
  gil: z.enum(["python", "release", "hold"]).optional(),
  thread: z.string(),
  start: ns,
  end: ns,
  /** The planned duration in ns (for offload: the sum of its steps). */
  demand: ns,
  /** Work units run: loop iterations, bytes hashed or sum() items; 0 for waits. */
  units: z.number().int(),
  /**
   * CPU time the thread used during the step (time.thread_time_ns), in ns: below the wall time when
   * the thread waited for the GIL or for a core. Null for awaited io, offload and partial steps.
   */
  cpu: ns.nullable(),
  /** An io step awaited in a coroutine: the loop thread was free meanwhile. */
  awaited: z.boolean().optional(),
  /** Still running when the run ended: end is the run's end. */
  partial: z.boolean().optional(),
});

const task = z.object({
  type: z.literal("task"),
  id: z.number().int(),
  class: z.string(),
  /** Planned arrival (open arrivals, batch) or issue time (closed: completion + think). */
  arrival: ns,
  /** When the dispatcher handed it to the executor (can lag the arrival). */
  dispatched: ns,
  /** When its first step began. */
  start: ns,
  /** When the submitter saw it complete (future callback, or the coroutine's end). */
  end: ns,
});

const done = z.object({
  type: z.literal("done"),
  end: ns,
  completed: z.number().int(),
  total: z.number().int(),
  truncated: z.boolean(),
  /** Percent change of each rate from the start calibration to the end one; null when skipped. */
  drift: driftSchema.nullable(),
});

const error = z.object({ type: z.literal("error"), message: z.string() });

export const recordSchema = z.discriminatedUnion("type", [
  hello,
  calibration,
  progress,
  thread,
  step,
  task,
  done,
  error,
]);

export type HarnessRecord = z.output<typeof recordSchema>;
export type HelloRecord = z.output<typeof hello>;
export type CalibrationRecord = z.output<typeof calibration>;
export type ProgressRecord = z.output<typeof progress>;
export type ThreadRecord = z.output<typeof thread>;
export type StepRecordLine = z.output<typeof step>;
export type TaskRecordLine = z.output<typeof task>;
export type DoneRecord = z.output<typeof done>;
/** The three work rates, in units per microsecond. */
export type CalibrationRates = z.output<typeof ratesSchema>;

/** Parses one line of harness output; a line that is not a record gives an Error naming it. */
export function parseRecord(line: string): HarnessRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`harness wrote a line that is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
  }
  const result = recordSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join(".") || "(record)";
    throw new Error(`harness wrote an unreadable record: ${where}: ${issue?.message} in ${line.slice(0, 80)}`);
  }
  return result.data;
}

/** Everything a successful run wrote, sorted by kind. */
export interface HarnessOutput {
  hello: HelloRecord;
  calibration: CalibrationRecord;
  calibrationEnd: CalibrationRecord | null;
  threads: ThreadRecord[];
  steps: StepRecordLine[];
  tasks: TaskRecordLine[];
  done: DoneRecord;
}

/** Sorts a run's records; throws an Error when one it needs is missing. */
export function collectRecords(records: readonly HarnessRecord[]): HarnessOutput {
  let hello: HelloRecord | undefined;
  let calibration: CalibrationRecord | undefined;
  let calibrationEnd: CalibrationRecord | null = null;
  let done: DoneRecord | undefined;
  const threads: ThreadRecord[] = [];
  const steps: StepRecordLine[] = [];
  const tasks: TaskRecordLine[] = [];
  for (const r of records) {
    switch (r.type) {
      case "hello":
        hello = r;
        break;
      case "calibration":
        if (r.phase === "start") calibration = r;
        else calibrationEnd = r;
        break;
      case "thread":
        threads.push(r);
        break;
      case "step":
        steps.push(r);
        break;
      case "task":
        tasks.push(r);
        break;
      case "done":
        done = r;
        break;
      case "progress":
      case "error":
        break;
    }
  }
  if (!hello) throw new Error('harness output has no "hello" record');
  if (!calibration) throw new Error('harness output has no "calibration" record');
  if (!done) throw new Error('harness output has no "done" record');
  return { hello, calibration, calibrationEnd, threads, steps, tasks, done };
}
