import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { record } from "../../src/capture/record.js";
import type { Nanos } from "../../src/engine/time.js";
import { generateLoad, type RequestKind, type Sample } from "../../src/load/generate.js";

/*
 * Measuring the demo service (examples/app/app.py) at one configuration: start it (optionally under
 * `gilsim record`), send a warm-up, then the measured open-loop Poisson traffic from the load
 * generator, and keep every latency, the server's CPU time and this machine's speed before and after.
 */

export const APP = join(import.meta.dirname, "..", "..", "examples", "app", "app.py");

/** One configuration of the demo service and its traffic. */
export interface AppConfig {
  id: string;
  mode: "threads" | "asyncio";
  /** Thread-pool size (threads), or the default executor's size (asyncio). */
  workers: number;
  /** Requests per second. */
  rate: number;
}

/** The order body the load generator posts: 20 lines and a note (about 30 KB; SHA-256 of it releases the GIL). */
export function orderBody(): string {
  const lines = Array.from({ length: 20 }, (_, i) => ({ sku: (i * 97) % 5000, qty: 1 + (i % 30) }));
  return JSON.stringify({ customer: 42, lines, note: "n".repeat(30_000) });
}

/** The traffic: three orders for each report, reports spread over the 12 regions. */
export function demoTraffic(): RequestKind[] {
  const kinds: RequestKind[] = [
    { name: "POST /orders", method: "POST", path: "/orders", body: orderBody(), weight: 9 },
  ];
  for (let r = 0; r < 12; r++)
    kinds.push({ name: "GET /report", method: "GET", path: `/report?region=${r}`, weight: 0.25 });
  return kinds;
}

export interface MeasuredRun {
  config: AppConfig;
  python: string;
  started: string;
  /** Measured requests (after the warm-up), sorted by send time. */
  samples: Sample[];
  kinds: string[];
  /** The server's CPU time over the measured traffic, ns. */
  serverCpu: Nanos;
  /** The measured traffic's span, ns. */
  duration: Nanos;
  /** The load generator's own CPU time (this Node process) over the measured traffic, ns: it shares the machine's cores with the service. */
  clientCpu?: Nanos;
  skipped: number;
  /** ns per iteration of a fixed pure-Python loop, just before and after: the host's speed. */
  speedBefore: number;
  speedAfter: number;
}

export interface MeasureOptions {
  python: string;
  /** Measured requests. */
  count: number;
  /** Warm-up requests, sent first at the same rate and not kept. */
  warmup: number;
  seed: number;
  /** Run the service under `gilsim record`, writing this recording. */
  recordTo?: string;
}

const CLK_TCK = 100;

/** The process's CPU time so far (user + system), ns, from /proc (Linux). */
export function processCpu(pid: number): Nanos {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e9) / CLK_TCK;
}

const SPEED_PROBE = [
  "import time",
  "best = None",
  "for _ in range(5):",
  "    c = time.thread_time_ns(); x = 0",
  "    for i in range(200000): x += i * i % 7",
  "    d = time.thread_time_ns() - c",
  "    best = d if best is None else min(best, d)",
  "print(best / 200000)",
].join("\n");

/** ns per iteration of a fixed pure-Python loop (the best of five): how fast this host runs Python now. */
export function pythonSpeed(python: string): number {
  return Number(execFileSync(python, ["-c", SPEED_PROBE], { encoding: "utf8" }).trim());
}

function waitReady(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) {
      reject(new Error("the demo service has no stdout"));
      return;
    }
    const lines = createInterface({ input: child.stdout });
    const onExit = (code: number | null) => reject(new Error(`the demo service exited (${code}) before it was ready`));
    child.once("exit", onExit);
    lines.once("line", (line) => {
      child.off("exit", onExit);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`the demo service wrote ${JSON.stringify(line.slice(0, 80))} instead of its ready line`));
      }
    });
  });
}

function appArgs(config: AppConfig): string[] {
  return [APP, "--port", "0", "--mode", config.mode, "--workers", String(config.workers)];
}

/** The demo service running: its process, port, and how to stop it (and finish its recording). */
export interface Service {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** Starts the demo service at `config`, under `gilsim record` when `recordTo` is given, and waits until it listens. */
export async function startService(config: AppConfig, python: string, recordTo?: string): Promise<Service> {
  let child: ChildProcess;
  let recorded: Promise<unknown> | null = null;
  if (recordTo) {
    const started = new Promise<ChildProcess>((resolve) => {
      recorded = record({
        command: [python, ...appArgs(config)],
        out: recordTo,
        stdio: "pipe",
        forwardSignals: false,
        onStart: resolve,
      });
      (recorded as Promise<unknown>).catch(() => {});
    });
    child = await started;
  } else {
    child = spawn(python, appArgs(config), { stdio: ["ignore", "pipe", "inherit"] });
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  try {
    const port = await waitReady(child);
    return {
      child,
      port,
      async stop() {
        child.kill("SIGINT");
        const late = setTimeout(kill, 10_000); // a service deaf to SIGINT is killed
        await exited;
        clearTimeout(late);
        if (recorded) await recorded;
      },
    };
  } catch (error) {
    kill();
    throw error;
  }
}

/** Runs the demo service at `config` and measures it. */
export async function measureConfig(config: AppConfig, options: MeasureOptions): Promise<MeasuredRun> {
  const speedBefore = pythonSpeed(options.python);
  const service = await startService(config, options.python, options.recordTo);
  const { child, port } = service;
  try {
    const url = `http://127.0.0.1:${port}`;
    const kinds = demoTraffic();
    if (options.warmup > 0) {
      await generateLoad({ url, kinds, rate: config.rate, count: options.warmup, seed: options.seed + 1_000_000 });
    }
    const pid = child.pid as number;
    const cpu0 = processCpu(pid);
    const client0 = process.cpuUsage();
    const load = await generateLoad({ url, kinds, rate: config.rate, count: options.count, seed: options.seed });
    const client = process.cpuUsage(client0);
    const serverCpu = processCpu(pid) - cpu0;
    await service.stop();
    const python = execFileSync(options.python, ["-c", "import platform; print(platform.python_version())"], {
      encoding: "utf8",
    }).trim();
    return {
      config,
      python,
      started: load.started,
      samples: load.samples,
      kinds: load.kinds,
      serverCpu,
      duration: load.duration,
      clientCpu: (client.user + client.system) * 1000,
      skipped: load.skipped,
      speedBefore,
      speedAfter: pythonSpeed(options.python),
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
