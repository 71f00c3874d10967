import { cpus, release } from "node:os";
import { HarnessError, RealSetupError } from "./errors.js";
import { type Summary, summarize } from "./fit.js";
import { busyReasons, type LoadShare, loadAverage } from "./mechanisms/load.js";
import type { MachineProfile, MeasuredQuantity } from "./profile.js";
import { findPython, PROBE_TIMEOUT_MS, type PythonInfo } from "./python.js";
import { runtimeFromMeasurements, TAIL_ABOVE, timerTailOf } from "./runtime-map.js";
import { runScript, scriptPath } from "./script.js";
import { sharedCacheOf } from "./topology.js";

/** The experiments calibrate.py runs, in order. */
export const EXPERIMENTS = [
  "wakeup",
  "gil-handoff",
  "switch-slice",
  "gil-order",
  "asyncio-step",
  "executor-handoff",
  "threadsafe-wakeup",
  "run-in-executor",
  "process-roundtrip",
  "process-start",
  "process-fork",
  "sleep-overshoot",
  "timer-tail",
  "asyncio-timer",
  "thread-start",
  "socket-send",
  "os-slice",
  "cold-start",
  "fresh-page",
] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** What one experiment wrote: samples in ns, or (x, ns) points for a fit, and its extra fields. */
export interface ExperimentRecord {
  name: ExperimentName;
  samples?: number[];
  points?: [number, number][];
  /** executor-handoff: the submit() call durations after idle gaps, and back to back (hot). */
  submit?: number[];
  hot?: number[];
  /** switch-slice: the switch interval it ran with, in ns. */
  interval?: number;
  /** asyncio-timer: the sleep it asked for, in ns. */
  asked?: number;
  /** process-fork: each os.fork() call's own time in the parent, ns. */
  calls?: number[];
  /** process-start: the pool's start method. */
  startMethod?: string | null;
  /** cold-start: a unit of Python right after a 20 ms sleep, and the same at once after it. */
  cold?: number[];
  warm?: number[];
  /** socket-send: each echo's whole round trip, and recv() of a message already there, ns. */
  roundTrip?: number[];
  ready?: number[];
  /** Wall time of the experiment, ns. */
  elapsed: number;
}

export interface CalibrateOptions {
  /** The interpreter: a path or a command name. Default: python3 on PATH. */
  python?: string;
  /** Multiplies the number of rounds of every experiment. Default 1 (about 7 s in all). */
  scale?: number;
  /** Run only these experiments. Default: all. */
  only?: readonly ExperimentName[];
  /** Ask to run at nice -N (see the harness's GILSIM_PRIORITY); 0 leaves the priority alone. Default 0. */
  priority?: number;
  /** Kill the script and its process group after this many milliseconds. Default 120000. */
  timeoutMs?: number;
  /** Called after each experiment. */
  onProgress?: (progress: { experiment: string; completed: number; total: number }) => void;
  signal?: AbortSignal;
  /** Stop on SIGINT or SIGTERM of this process (then throw as interrupted). Default true. */
  handleSignals?: boolean;
}

export interface CalibrationRun {
  python: PythonInfo;
  cores: number;
  platform: string;
  /** The niceness it ran at, when a priority was asked for; null otherwise or when it could not. */
  nice: number | null;
  experiments: Partial<Record<ExperimentName, ExperimentRecord>>;
  /** The 1-minute load average before the run, where /proc/loadavg exists. */
  loadBefore: number | null;
  /** The CPU other processes used during the run (Linux), or null. */
  load: LoadShare | null;
  /** Why the machine counts as busy (mechanisms/load.ts); empty when it was quiet. */
  busy: string[];
  /** Whether its CPUs share a cache domain (topology.ts), read beside the run; null when not known. */
  sharedCache: boolean | null;
}

function invalid(name: string, value: unknown, expected: string): RealSetupError {
  return new RealSetupError(`invalid ${name}: ${JSON.stringify(value) ?? String(value)} (expected ${expected})`);
}

/** Runs the calibration experiments in real CPython. Throws RealSetupError or HarnessError. */
export async function runCalibration(options: CalibrateOptions = {}): Promise<CalibrationRun> {
  const scale = options.scale ?? 1;
  if (!(typeof scale === "number" && Number.isFinite(scale) && scale > 0 && scale <= 100)) {
    throw invalid("scale", scale, "a number above 0, at most 100");
  }
  const priority = options.priority ?? 0;
  if (!(Number.isInteger(priority) && priority >= 0 && priority <= 20)) {
    throw invalid("priority", priority, "an integer from 0 to 20");
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw invalid("timeoutMs", timeoutMs, "a positive number");
  const only = options.only ?? null;
  for (const name of only ?? []) {
    if (!EXPERIMENTS.includes(name)) throw invalid("only", name, `experiments among ${EXPERIMENTS.join(", ")}`);
  }
  const python = await findPython(options.python, Math.min(PROBE_TIMEOUT_MS, timeoutMs));
  const loadBefore = loadAverage()?.[0] ?? null;
  const total = only ? only.length : EXPERIMENTS.length;
  let completed = 0;
  const run = await runScript(
    python.command,
    scriptPath("calibrate.py"),
    { format: 1, scale, only },
    {
      label: "calibration",
      timeoutMs,
      signal: options.signal,
      handleSignals: options.handleSignals ?? true,
      env: priority > 0 ? { GILSIM_PRIORITY: String(priority) } : {},
      onRecord: (r) => {
        if (r.type === "experiment")
          options.onProgress?.({ experiment: String(r.name), completed: ++completed, total });
      },
    },
  );
  const hello = run.records.find((r) => r.type === "hello");
  if (!hello) throw new HarnessError('calibration wrote no "hello" record', "protocol", run.pid, run.stderr);
  const experiments: Partial<Record<ExperimentName, ExperimentRecord>> = {};
  for (const r of run.records) {
    if (r.type !== "experiment") continue;
    const name = r.name as ExperimentName;
    if (!EXPERIMENTS.includes(name)) {
      throw new HarnessError(
        `calibration wrote an unknown experiment: ${JSON.stringify(r.name)}`,
        "protocol",
        run.pid,
        run.stderr,
      );
    }
    experiments[name] = r as unknown as ExperimentRecord;
  }
  const loadRecord = run.records.find((r) => r.type === "load");
  const load = (loadRecord?.load as LoadShare | null | undefined) ?? null;
  const cores = Number(hello.cores) || 1;
  const nice = typeof hello.nice === "number" ? hello.nice : null;
  return {
    python,
    cores,
    platform: String(hello.platform),
    nice,
    experiments,
    loadBefore,
    load,
    busy: busyReasons(loadBefore, load, cores, nice),
    sharedCache: sharedCacheOf(undefined, String(hello.platform)),
  };
}

function quantity(s: Summary, unit: string, note: string): MeasuredQuantity {
  return { median: Math.round(s.median * 1000) / 1000, p99: Math.round(s.p99 * 1000) / 1000, n: s.n, unit, note };
}

/** The raw measurements of a run, summarized (median, p99) by quantity. */
export function measurements(run: CalibrationRun): Record<string, MeasuredQuantity> {
  const e = run.experiments;
  const out: Record<string, MeasuredQuantity> = {};
  const put = (key: string, values: readonly number[] | undefined, note: string, unit = "ns"): void => {
    if (values && values.length > 0) out[key] = quantity(summarize(values), unit, note);
  };
  put("wakeup", e.wakeup?.samples, "threading.Event.set() to the waiting thread running");
  put(
    "gil-handoff",
    e["gil-handoff"]?.samples,
    "forced GIL switch: last bytecode of one thread to the first of the other",
  );
  put("switch-slice", e["switch-slice"]?.samples, "run of a CPU-bound thread between forced switches, interval 5 ms");
  const first = e["gil-order"]?.samples ?? [];
  if (first.length > 0) {
    const share = (k: number): number => Math.round((first.filter((x) => x === k).length / first.length) * 1000) / 1000;
    out["gil-order-first"] = {
      median: share(0),
      p99: share(0),
      n: first.length,
      unit: "share",
      note: "trials where the first of 3 GIL waiters ran first",
    };
    out["gil-order-last"] = {
      median: share(2),
      p99: share(2),
      n: first.length,
      unit: "share",
      note: "trials where the last of 3 GIL waiters ran first",
    };
  }
  const steps = e["asyncio-step"]?.points ?? [];
  const pairs: { step: number; iteration: number }[] = [];
  for (let i = 0; i + 1 < steps.length; i += 2) {
    const [n1, y1] = steps[i] as [number, number];
    const [n2, y2] = steps[i + 1] as [number, number];
    if (n2 === n1) continue;
    const step = (y2 - y1) / (n2 - n1);
    pairs.push({ step, iteration: y1 - n1 * step });
  }
  put(
    "asyncio-step",
    pairs.map((p) => p.step),
    "asyncio: CPU per callback (a task step)",
  );
  put(
    "loop-iteration",
    pairs.map((p) => p.iteration),
    "asyncio: CPU per _run_once iteration",
  );
  put("executor-submit", e["executor-handoff"]?.submit, "ThreadPoolExecutor.submit() call");
  put(
    "executor-submit-hot",
    e["executor-handoff"]?.hot,
    "ThreadPoolExecutor.submit() call back to back, waking the idle worker",
  );
  put("executor-handoff", e["executor-handoff"]?.samples, "submit() returned to the idle worker running");
  put(
    "threadsafe-wakeup",
    e["threadsafe-wakeup"]?.samples,
    "call_soon_threadsafe() to the callback running (idle loop)",
  );
  put("run-in-executor", e["run-in-executor"]?.samples, "await run_in_executor(pool, noop), round trip");
  for (const [size, values] of bySize(e["process-roundtrip"]?.points ?? [])) {
    put(`process-roundtrip-${size}`, values, `warm ProcessPoolExecutor(1) round trip, ${size}-byte payload each way`);
  }
  put(
    "process-start",
    e["process-start"]?.samples,
    `first call of a new ProcessPoolExecutor(1) (${e["process-start"]?.startMethod ?? "default"} start)`,
  );
  for (const [n, values] of bySize(e["process-fork"]?.points ?? [])) {
    put(`process-fork-${n}`, values, `first submit to a new fork ProcessPoolExecutor(${n}): how long it blocks`);
  }
  put(
    "fork-call",
    e["process-fork"]?.calls,
    "os.fork() in the pool's parent: its before-fork hook to its after-fork hook",
  );
  put("sleep-overshoot", e["sleep-overshoot"]?.samples, "time.sleep(1 ms) minus 1 ms");
  const late = timerTailOf(e["timer-tail"]?.samples ?? []);
  if (late) {
    out["timer-tail-share"] = {
      median: late.share,
      p99: late.share,
      n: late.n,
      unit: "share",
      note: `time.sleep(1 ms) calls that returned over ${TAIL_ABOVE / 1000} us later than the median call`,
    };
    if (late.excess.length > 0) {
      put("timer-tail", late.excess, "how much later than the median call those returned");
      const gm = Math.round(late.gm);
      out["timer-tail-gm"] = { median: gm, p99: gm, n: late.excess.length, unit: "ns", note: "their geometric mean" };
    }
  }
  put("asyncio-timer", e["asyncio-timer"]?.samples, "await asyncio.sleep(1.5 ms) in an idle loop");
  put("thread-start", e["thread-start"]?.samples, "threading.Thread.start()");
  put(
    "socket-send",
    e["socket-send"]?.samples,
    "sendall() of 64 bytes over loopback TCP to a peer process waiting in recv()",
  );
  put("socket-roundtrip", e["socket-send"]?.roundTrip, "that sendall() to the echo back in recv(), whole");
  put("socket-recv-ready", e["socket-send"]?.ready, "recv() of a 64-byte message already there");
  put(
    "os-slice",
    e["os-slice"]?.samples,
    "run of a CPU-bound process before the OS switches to another on the same CPU",
  );
  put(
    "cold-kernel",
    e["cold-start"]?.cold,
    "everyday Python (JSON, a heap, a deque, strings) right after a 20 ms sleep",
  );
  put("warm-kernel", e["cold-start"]?.warm, "the same Python again at once (warm caches)");
  put(
    "fresh-page",
    e["fresh-page"]?.samples,
    "a fresh 4 KiB page, mapped then written once (a fault and the page zeroed); kept, not a model parameter",
  );
  for (const [gap, values] of bySize(e["cold-start"]?.points ?? [])) {
    put(
      `cold-start-${gap}`,
      values,
      `a pipe write from another process to an idle program's task running (event loop reader, create_task), after ${gap / 1e6} ms idle`,
    );
  }
  return out;
}

function bySize(points: readonly [number, number][]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const [x, y] of points) {
    const g = m.get(x);
    if (g) g.push(y);
    else m.set(x, [y]);
  }
  return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

/** The machine profile of a calibration run. */
export function profileFromCalibration(run: CalibrationRun, created = new Date()): MachineProfile {
  const measured = measurements(run);
  if (run.load) {
    measured["machine-load"] = {
      median: run.load.othersUnniced,
      p99: run.load.others,
      n: run.load.ticks,
      unit: "share",
      note:
        run.busy.length > 0
          ? `BUSY, saved with --force: ${run.busy.join("; ")}`
          : "CPU share other processes used during the run: at nice 0 or below (median), at any nice (p99)",
    };
  }
  const points = run.experiments["process-roundtrip"]?.points ?? [];
  const { runtime, derived, slice, coldStart, timerTail } = runtimeFromMeasurements(measured, points);
  return {
    format: 1,
    machine: {
      cores: run.cores,
      platform: run.platform,
      cpu: cpus()[0]?.model.trim() || null,
      kernel: release() || null,
      slice,
      ...(coldStart ? { coldStart } : {}),
      ...(timerTail ? { timerTail } : {}),
      ...(run.sharedCache !== null ? { sharedCache: run.sharedCache } : {}),
    },
    python: run.python.version,
    created: created.toISOString(),
    runtime,
    measured: { ...measured, ...derived },
  };
}
