import { z } from "zod";
import { MS, US } from "../engine/time.js";
import { PYTHON_VERSIONS } from "../model/profiles.js";
import { type DistSpec, distributionSchema } from "./distribution.js";
import { durationSchema, positiveDurationSchema, rateSchema, sizeSchema } from "./duration.js";
import { integerIn, numberIn } from "./limits.js";
import { type ReplayArrivals, replayTimesSchema } from "./replay.js";

/*
 * The scenario file format. Every default is written here, once; the runtime defaults that depend
 * on the Python version live in the version profiles (src/model/profiles.ts).
 */

/** A discriminated union's message: a wrong type asks for the object, a wrong "kind" lists the kinds. */
function kindError(what: string, kinds: string) {
  return (issue: { code: string }) =>
    issue.code === "invalid_type"
      ? `expected ${what} object with "kind" one of ${kinds}`
      : `expected "kind" to be one of ${kinds}`;
}

const seedSchema = z
  .number({ error: "expected a non-negative integer" })
  .int({ error: "expected a non-negative integer" })
  .nonnegative({ error: "expected a non-negative integer" })
  .max(Number.MAX_SAFE_INTEGER, { error: "expected a non-negative integer" });

/** How a CPU step treats the GIL. */
export const GIL_MODES = ["python", "release", "hold"] as const;
export type GilMode = (typeof GIL_MODES)[number];

/** A step of a task, after parsing. */
export type Step =
  | { kind: "cpu"; duration: DistSpec; gil: GilMode }
  | { kind: "io"; duration: DistSpec }
  | { kind: "block"; duration: DistSpec }
  | { kind: "offload"; steps: Step[] }
  | { kind: "spawn"; count: number; steps: Step[] }
  | { kind: "threads"; count: number; steps: Step[] }
  | { kind: "socket"; peer: DistSpec }
  | { kind: "repeat"; times: number | "forever"; steps: Step[] };

const cpuStep = z
  .strictObject({
    cpu: distributionSchema.meta({ description: "CPU time of the step." }),
    gil: z.enum(GIL_MODES, { error: 'expected "python", "release" or "hold"' }).default("python").meta({
      description:
        "python: pure-Python code, GIL held with check points; release: C code that releases the GIL (hashing, compression) with a short GIL-held entry and exit; hold: a C call that holds the GIL with no check points (json, re, pickle).",
    }),
  })
  .transform((s): Step => ({ kind: "cpu", duration: s.cpu, gil: s.gil }));

const ioStep = z
  .strictObject({
    io: distributionSchema.meta({
      description: "Wait for IO: awaited in a coroutine, a blocking call that releases the GIL in a thread.",
    }),
  })
  .transform((s): Step => ({ kind: "io", duration: s.io }));

const blockStep = z
  .strictObject({
    block: distributionSchema.meta({
      description: "A blocking call (time.sleep, a sync driver): inside a coroutine it blocks the whole loop.",
    }),
  })
  .transform((s): Step => ({ kind: "block", duration: s.block }));

const socketStep = z
  .strictObject({
    socket: z
      .strictObject({
        peer: distributionSchema.meta({
          description: "CPU the peer process spends on each message before it replies.",
        }),
      })
      .meta({
        description:
          "One exchange over a socket with a peer in another process (a client, a server): send (the system call drops the GIL and takes it back), then recv, which drops the GIL and sleeps until the peer's reply wakes it (no timer, no timer slack), then takes the GIL back. Each thread that makes socket steps has its own peer process (its own interpreter and GIL), which needs a CPU to reply.",
      }),
  })
  .transform((s): Step => ({ kind: "socket", peer: s.socket.peer }));

export const stepSchema: z.ZodType<Step, unknown> = z.union(
  [
    cpuStep,
    ioStep,
    blockStep,
    socketStep,
    z
      .strictObject({
        get offload() {
          return z.array(stepSchema).min(1, { error: "expected at least one step" }).meta({
            description: "Steps run on the asyncio loop's executor (run_in_executor / asyncio.to_thread).",
          });
        },
      })
      .transform((s): Step => ({ kind: "offload", steps: s.offload })),
    z
      .strictObject({
        spawn: integerIn("spawn").meta({
          description:
            "asyncio only: create_task() this many child tasks from the running coroutine, each running `steps`, then await each in turn.",
        }),
        get steps() {
          return z.array(stepSchema).min(1, { error: "expected at least one step" });
        },
      })
      .transform((s): Step => ({ kind: "spawn", count: s.spawn, steps: s.steps })),
    z
      .strictObject({
        threads: integerIn("threads").meta({
          description:
            "Start this many threads (threading.Thread(...).start(), one after another), each running `steps`, then join() each in turn.",
        }),
        get steps() {
          return z.array(stepSchema).min(1, { error: "expected at least one step" });
        },
      })
      .transform((s): Step => ({ kind: "threads", count: s.threads, steps: s.steps })),
    z
      .strictObject({
        repeat: z.union([integerIn("repeat"), z.literal("forever")], {
          error: 'expected a positive integer or "forever"',
        }),
        get steps() {
          return z.array(stepSchema).min(1, { error: "expected at least one step" });
        },
      })
      .transform((s): Step => ({ kind: "repeat", times: s.repeat, steps: s.steps })),
  ],
  {
    error:
      'expected a step: {"cpu": ...}, {"io": ...}, {"block": ...}, {"socket": {"peer": ...}}, {"offload": [...]}, {"spawn": N, "steps": [...]}, {"threads": N, "steps": [...]} or {"repeat": N, "steps": [...]}',
  },
);

const taskClassSchema = z.strictObject({
  name: z.string().min(1, { error: "expected a non-empty name" }).default("task"),
  weight: numberIn("weight", "expected a weight above 0").default(1),
  payload: sizeSchema
    .default(1024)
    .meta({ description: "Bytes pickled to and from a worker process per task (process pools only)." }),
  steps: z.array(stepSchema).min(1, { error: "expected at least one step" }),
});
export type TaskClass = z.output<typeof taskClassSchema>;

const arrivalsSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("batch"), count: integerIn("count") }),
    z.strictObject({ kind: z.literal("poisson"), rate: rateSchema, count: integerIn("count") }),
    z.strictObject({ kind: z.literal("fixed"), rate: rateSchema, count: integerIn("count") }),
    z.strictObject({
      kind: z.literal("closed"),
      clients: integerIn("clients"),
      think: distributionSchema.prefault(0),
      count: integerIn("count"),
    }),
    z
      .strictObject({ kind: z.literal("replay"), times: replayTimesSchema })
      .transform((a): ReplayArrivals => ({ kind: "replay", times: a.times, count: a.times.length })),
  ],
  { error: kindError("an arrivals", "batch, poisson, fixed, closed, replay") },
);
export type Arrivals = z.output<typeof arrivalsSchema>;

const poolSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("threads"), workers: integerIn("workers").optional() }),
    z.strictObject({
      kind: z.literal("processes"),
      workers: integerIn("workers").optional(),
      startMethod: z.enum(["fork", "forkserver", "spawn"]).optional(),
    }),
  ],
  { error: kindError("a pool", "threads, processes") },
);

const executorSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("sync") }),
    z.strictObject({
      kind: z.literal("asyncio"),
      offload: z
        .union([poolSchema, z.literal("none")], {
          error: 'expected a pool like {"kind": "threads", "workers": 8} or {"kind": "processes"}, or "none"',
        })
        .default({ kind: "threads" })
        .meta({ description: 'The executor behind run_in_executor; "none" forbids offload steps.' }),
      loops: integerIn("loops").default(1).meta({ description: "Processes, each running one event loop." }),
    }),
    z.strictObject({ kind: z.literal("threads"), workers: integerIn("workers").optional() }),
    z.strictObject({
      kind: z.literal("processes"),
      workers: integerIn("workers").optional(),
      startMethod: z.enum(["fork", "forkserver", "spawn"]).optional(),
    }),
  ],
  { error: kindError("an executor", "sync, asyncio, threads, processes") },
);

const runtimeSchema = z.strictObject({
  python: z.enum(PYTHON_VERSIONS, { error: `expected one of ${PYTHON_VERSIONS.join(", ")}` }).default("3.12"),
  gil: z.enum(["on", "off"], { error: 'expected "on" or "off"' }).optional().meta({
    description: "Default: on, or off on free-threaded builds (3.13t, 3.14t). Off needs a free-threaded build.",
  }),
  switchInterval: positiveDurationSchema.optional(),
  gilWakeup: distributionSchema.optional(),
  gilHandoff: distributionSchema.optional(),
  gilHandoffPerWaiter: durationSchema.optional(),
  gilWinner: z.enum(["random", "fifo", "lifo"], { error: 'expected "random", "fifo" or "lifo"' }).optional(),
  gilRecency: numberIn("gilRecency", "expected a share from 0 to 1").optional(),
  gilRequesterWins: numberIn("gilRequesterWins", "expected a share from 0 to 1").optional(),
  syscallCost: durationSchema.optional(),
  socketSend: distributionSchema.optional().meta({
    description:
      "CPU of a small send() on a socket to a peer waiting in recv(), with the GIL released (loopback TCP: the kernel delivers and wakes the peer in the sender's context). Default 10 µs.",
  }),
  socketWakeup: distributionSchema.optional().meta({
    description:
      "From a peer's send() returning to the reader's recv() returning, for a reader that went idle a moment before (machine.idleWake adds more after longer idles). Default 2 µs.",
  }),
  socketRecv: distributionSchema.optional().meta({
    description: "CPU of a recv() that finds its message already there, with the GIL released. Default 3 µs.",
  }),
  pythonSlowdown: numberIn("pythonSlowdown", "expected a factor of at least 1").optional(),
  cCallEdge: distributionSchema.optional(),
  loopStepCost: distributionSchema.optional(),
  loopIterationCost: distributionSchema.optional(),
  createTaskCost: distributionSchema.optional(),
  submitCost: distributionSchema.optional(),
  submitReturn: distributionSchema.optional(),
  acceptCost: distributionSchema.optional(),
  stepOverhead: distributionSchema.optional().meta({
    description:
      "CPU (GIL held) spent on each step of a task besides the step itself: the real harness's bookkeeping by default (8.3 to 11.4 µs by version); an application's code between its calls may cost more. \"0us\" leaves it out.",
  }),
  forkCost: distributionSchema.optional().meta({
    description:
      "Process pools with fork: the submitting thread's CPU (GIL held) to fork one worker; the first submit forks them all in turn. Default 2.3 ms (a small program; more for a bigger one).",
  }),
  processStartBy: z
    .strictObject({
      fork: distributionSchema.optional(),
      forkserver: distributionSchema.optional(),
      spawn: distributionSchema.optional(),
    })
    .optional()
    .meta({ description: "Start-up of one worker process per start method (a machine profile's measurements)." }),
  threadHandoff: distributionSchema.optional(),
  threadStart: distributionSchema.optional(),
  threadsafeWakeup: distributionSchema.optional(),
  ipcBase: durationSchema.optional(),
  ipcPerByte: numberIn("ipcPerByte", "expected nanoseconds per byte, at least 0").optional(),
  ipcBySize: z
    .array(z.strictObject({ size: sizeSchema, cost: durationSchema }))
    .superRefine((points, ctx) => {
      for (let i = 1; i < points.length; i++) {
        if ((points[i] as { size: number }).size <= (points[i - 1] as { size: number }).size)
          ctx.addIssue({ code: "custom", message: "expected sizes in increasing order", path: [i, "size"] });
      }
    })
    .optional()
    .meta({
      description:
        'Process pools: what pickling and copying a message of each size costs on each side beyond ipcBase, e.g. [{"size": "64KiB", "cost": "50us"}, {"size": "1MiB", "cost": "5ms"}]: linear between sizes (from 0 at 0 bytes), ipcPerByte per byte past the last. A machine profile measures it.',
    }),
  ipcLatency: distributionSchema.optional(),
  pipeWakeup: distributionSchema.optional(),
  forkCow: z
    .strictObject({
      share: numberIn("forkCowShare", "expected a number, at least 0"),
      slowdown: numberIn("forkCowSlowdown", "expected a number, at least 1"),
    })
    .optional()
    .meta({
      description:
        "Process pools with fork: copy-on-write. After its forks the parent's pages are shared with the children, and its first write to each copies it. The parent owes `share` x forkCost of extra CPU (both grow with what the machine's page tables and page faults cost), paid by its threads' next CPU work, which runs `slowdown` times slower until it is. Default {share: 0.57, slowdown: 11.3}, measured by scripts/fork-cow.py on a 2-vCPU VM; {share: 0, slowdown: 1} turns it off.",
    }),
  processStart: distributionSchema.optional(),
  timerSlack: durationSchema.optional(),
});

/** machine.idleWake's default: up to 130 µs more after idle periods of several times 4 ms. */
export const DEFAULT_IDLE_WAKE = { max: 130 * US, tau: 4 * MS } as const;

/** machine.coldStart's default: measured on the development VM (docs/model.md, "Cold starts"). */
export const DEFAULT_COLD_START = { max: 215 * US, tau: 3 * MS, slowdown: 4.3 } as const;

/** machine.timerTail's default: measured on the development VM (docs/model.md, "Late timers"). */
export const DEFAULT_TIMER_TAIL = { share: 0.027, min: 200 * US, max: 1.8 * MS } as const;

const machineSchema = z.strictObject({
  cores: integerIn("cores").default(4),
  kernel: z
    .enum(["eevdf", "eevdf-6.15", "eevdf-6.18", "cfs"], {
      error: 'expected "eevdf", "eevdf-6.15", "eevdf-6.18" or "cfs"',
    })
    .default("eevdf")
    .meta({
      description:
        'Linux scheduler: "eevdf" (6.6 to 6.14), "eevdf-6.15" (6.15 to 6.18.4: a shorter default slice), "eevdf-6.18" (6.18.5 and later, and stable kernels with the January 2026 backport: as 6.15, and a CPU going idle tries to pull waiting work only as often as such tries have lately succeeded) or "cfs" (before 6.6).',
    }),
  slice: positiveDurationSchema
    .optional()
    .meta({ description: "The scheduler's base time slice; default from the kernel and the cores." }),
  tick: positiveDurationSchema
    .default(4 * MS)
    .meta({ description: "The scheduler tick, 1/HZ (4 ms with HZ=250, Debian's kernels; 1 ms with HZ=1000)." }),
  idleWake: z.strictObject({ max: durationSchema, tau: positiveDurationSchema }).default(DEFAULT_IDLE_WAKE).meta({
    description:
      "A thread woken onto an idle CPU runs up to max x (1 - exp(-idle / tau)) later than its wake-up latency, idle being how long that CPU's recent idle periods lasted: deeper idle states, or a halted vCPU the host schedules again.",
  }),
  coldStart: z
    .strictObject({
      max: durationSchema,
      tau: positiveDurationSchema,
      slowdown: z
        .number({ error: "expected a number, at least 1" })
        .min(1, { error: "expected a number, at least 1" })
        .meta({
          description: "How many times slower the process's CPU work runs while it owes the extra time (1: none).",
        }),
    })
    .default(DEFAULT_COLD_START)
    .meta({
      description:
        'A process none of whose threads ran for s owes max x (1 - exp(-(s / tau)^2)) of extra CPU time when one of them wakes, paid by its next CPU work, which runs `slowdown` times slower until it is: its code and data left the caches while it was idle (in a virtual machine, while the host ran other work there). The runtime\'s own code (the event loop, an executor, the accept loop, pickling, a step\'s bookkeeping) also goes cold while the process runs other code: glue run s after the process last ran glue owes the same curve at s (less the idle debt), paid by glue alone. The default is a 2-vCPU VM\'s (215us, 3ms, 4.3); {max: "0us", tau: "1ms", slowdown: 1} turns both off.',
    }),
  timerTail: z
    .strictObject({
      share: z
        .number({ error: "expected a number from 0 to 1" })
        .min(0, { error: "expected a number from 0 to 1" })
        .max(1, { error: "expected a number from 0 to 1" }),
      min: positiveDurationSchema.default(DEFAULT_TIMER_TAIL.min),
      max: positiveDurationSchema.default(DEFAULT_TIMER_TAIL.max),
    })
    .superRefine((t, ctx) => {
      if (t.max < t.min) ctx.addIssue({ code: "custom", path: ["max"], message: "expected at least min" });
    })
    .default(DEFAULT_TIMER_TAIL)
    .meta({
      description:
        "Timers that fire late: when a timer (a sleep in an io or block step, the event loop's timeout, a closed client's think time) wakes its thread onto an idle CPU, in `share` of cases the thread runs later still, by an amount spread evenly on a log scale from min to max (in a virtual machine, the host running other work when the halted vCPU's timer fires). The default is a 2-vCPU VM's; {share: 0} turns it off.",
    }),
  sharedCache: z.boolean({ error: "expected true or false" }).default(true).meta({
    description:
      "Whether the CPUs share a last-level cache domain the kernel knows of (Linux's sd_llc). Without one (a virtual machine that exposes no cache topology, as Firecracker's do), a woken thread that has run before goes back to its previous CPU even when another CPU is idle, and waits there until that CPU is free or an idle CPU's balancing pulls it; new threads still go to an idle CPU. A machine profile detects it (no shared cache listed under /sys/devices/system/cpu).",
  }),
  migrationCost: durationSchema.default(500 * US).meta({
    description:
      "Linux's sched_migration_cost: a thread that ran this recently is cache-hot and not pulled to an idle CPU.",
  }),
});

const backgroundSchema = z.strictObject({
  name: z.string().min(1, { error: "expected a non-empty name" }),
  steps: z.array(stepSchema).min(1, { error: "expected at least one step" }),
});

const runSchema = z.strictObject({
  until: positiveDurationSchema.optional().meta({ description: "Stop the simulation at this time." }),
  warmup: durationSchema
    .default(0)
    .meta({ description: "Tasks that arrive before this time are left out of the metrics." }),
  replications: integerIn("replications").default(1),
  confidence: z
    .number()
    .gt(0, { error: "expected a level between 0 and 1" })
    .lt(1, { error: "expected a level between 0 and 1" })
    .default(0.95),
  trace: z.boolean().default(true).meta({ description: "Record the trace (off for big runs; results unchanged)." }),
});

export const scenarioObjectSchema = z.strictObject(
  {
    $schema: z.string().optional(),
    name: z.string().min(1, { error: "expected a non-empty name" }).default("scenario"),
    description: z.string().default(""),
    seed: seedSchema.default(1),
    machine: machineSchema.prefault({}),
    runtime: runtimeSchema.prefault({}),
    executor: executorSchema,
    workload: z.strictObject({
      arrivals: arrivalsSchema,
      concurrency: integerIn("concurrency").optional().meta({
        description: "At most this many tasks in progress (asyncio.Semaphore, bounded submission).",
      }),
      chunksize: integerIn("chunksize").optional().meta({
        description:
          "Process pools with batch arrivals: submit the tasks as Executor.map(chunksize=c) does, c tasks per work item (one pickle and one pipe round trip per item, the results sent back together).",
      }),
      classes: z.array(taskClassSchema).min(1, { error: "expected at least one task class" }),
    }),
    background: z.array(backgroundSchema).default([]).meta({
      description: "Threads started at time 0 in the main process beside the executor, each running its steps.",
    }),
    run: runSchema.prefault({}),
  },
  { error: "expected a scenario object" },
);

/** A scenario as written in a file or a notebook, before parsing. */
export type ScenarioInput = z.input<typeof scenarioObjectSchema>;
/** A scenario after parsing, before the runtime profile is resolved. */
export type ParsedScenario = z.output<typeof scenarioObjectSchema>;
