/*
 * How a sweep worker process starts.
 *
 * Workers are child node processes, not worker threads. All worker threads of a process share one
 * V8 platform, whose GC helper threads then compete with the workers for the cores, and V8 flags
 * can only be set per process. Measured on 2 cores, 300 points of 10,000 tasks: with worker threads
 * 2 workers were 1.58x as fast as 1 (the shared helper threads used 2.6 s of CPU beside 2 workers,
 * 1.05 s beside 1); with processes and a single-threaded GC, 1.82-1.84x, and 1 worker no slower.
 *
 * Loading worker.ts through tsx costs each worker 0.3-0.5 s of CPU (the loader's hooks and a
 * transform per module), so worker.ts and everything it imports are bundled once per process with
 * esbuild (which tsx itself uses to compile TypeScript) into one ES module, which each worker reads
 * from its standard input: it starts in about 70 ms and no file is written. If esbuild cannot be
 * loaded or fails, workers load worker.ts through tsx instead. From the built package (dist/, where
 * this module is JavaScript) workers run the compiled dist/sweep/worker.js with plain node.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * V8 flags of every worker process. A single-threaded GC: with one worker per core there is no
 * idle core for GC helper threads, which then only preempt the workers.
 */
export const WORKER_FLAGS: readonly string[] = ["--single-threaded-gc"];

/** How to start a worker: node's arguments, and the module source to write to its stdin if any. */
export interface WorkerLaunch {
  args: string[];
  source: string | null;
}

/** Whether this module runs compiled (dist/, or the CLI bundle in dist/bin) rather than from src/. */
const BUILT = !import.meta.url.endsWith(".ts");

// Through ../sweep/ so the path holds from src/sweep, dist/sweep and dist/bin alike.
const ENTRY = new URL(BUILT ? "../sweep/worker.js" : "../sweep/worker.ts", import.meta.url);

let cached: WorkerLaunch | undefined;

/**
 * The launch of a worker process: compiled, the built worker with plain node; from source, the
 * bundle (built on the first call, then kept), else through tsx.
 */
export function workerLaunch(): WorkerLaunch {
  cached ??= BUILT ? { args: [...WORKER_FLAGS, fileURLToPath(ENTRY)], source: null } : (bundled() ?? tsxLaunch());
  return cached;
}

/** The launch without the bundle: worker.ts loaded through tsx's loader. */
export function tsxLaunch(): WorkerLaunch {
  return { args: [...WORKER_FLAGS, "--import", import.meta.resolve("tsx"), fileURLToPath(ENTRY)], source: null };
}

function bundled(): WorkerLaunch | null {
  try {
    const esbuild = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
    const result = esbuild.buildSync({
      entryPoints: [fileURLToPath(ENTRY)],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      logLevel: "silent",
    });
    const out = result.outputFiles[0];
    if (!out) return null;
    return { args: [...WORKER_FLAGS, "--input-type=module", "-"], source: out.text };
  } catch {
    return null;
  }
}
