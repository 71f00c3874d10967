import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, delimiter, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { pidExists } from "../io/proc.js";
// Not tracked for removal on a signal: a stopped program's recording is still read and kept.
import { tempBeside } from "../io/temp-files.js";
import { UsageError } from "../io/usage-error.js";
import { descendants, signalAll } from "./descendants.js";
import { parseRecording, type Recording } from "./recording.js";

/*
 * `gilsim record -- CMD ...`: runs a Python program with the recorder loaded. The recorder's
 * folder goes first on PYTHONPATH, where Python finds its sitecustomize.py at start-up, and
 * GILSIM_RECORD names a temporary file beside the output; when the program ends, the file is
 * checked and renamed into place, so a recording appears whole or not at all.
 */

/**
 * The folder holding gilsim_record.py and sitecustomize.py: src/capture/py, or dist/capture/py in
 * a build (where the CLI bundle in dist/bin, at the same depth, finds it by the same path).
 */
export function recorderDir(): string {
  return fileURLToPath(new URL("../capture/py/", import.meta.url));
}

export interface RecordOptions {
  /** The program and its arguments: ["python3", "app.py", "--port", "8000"]. */
  command: readonly string[];
  /** The recording to write. */
  out: string;
  /** Added to the environment. */
  env?: Record<string, string>;
  /**
   * Stop the program after this long: SIGINT to it and to the processes it started that are still
   * in its process group, as Ctrl-C in a terminal would; SIGKILL to what is left 10 s later, or 2 s
   * after the program itself has ended. null: let it end. (On Windows only the program itself is
   * signalled, and SIGINT ends it at once.)
   */
  durationMs?: number | null;
  /** The program's output: inherited (a terminal), or piped to the caller (for a driver). */
  stdio?: "inherit" | "pipe";
  /** Called once the program is running (with stdio "pipe", to read its output). */
  onStart?: (child: ChildProcess) => void;
  /** Stop the program when this process gets SIGINT or SIGTERM (default true). */
  forwardSignals?: boolean;
  /** Stop the program (as at the end of `durationMs`) when this is aborted. */
  stopSignal?: AbortSignal;
}

export interface RecordResult {
  recording: Recording;
  /** The program's exit status, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  tasks: number;
}

/** After a stop's SIGINT, SIGKILL whatever is still running this much later. */
const KILL_AFTER_MS = 10_000;
/** Once a stopped program has ended, how long what it started may take to end on its own. */
const GRACE_MS = 2_000;

/**
 * Runs the program under the recorder and writes the recording. Rejects with a UsageError when the
 * program cannot start, and with an Error when it ran but the recorder never started in it (not a
 * Python 3.9+ program, or python -I/-E/-S, which skip PYTHONPATH or sitecustomize).
 */
export function record(options: RecordOptions): Promise<RecordResult> {
  const [program, ...args] = options.command;
  if (program === undefined || program === "") {
    return Promise.reject(
      new UsageError("gilsim record: no program to run (expected: gilsim record -- python app.py)"),
    );
  }
  const folder = dirname(options.out);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    return Promise.reject(new UsageError(`gilsim record: no folder ${folder} to write ${basename(options.out)} in`));
  }
  const temp = tempBeside(options.out);
  const pythonPath = [recorderDir(), process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        stdio: options.stdio === "pipe" ? ["ignore", "pipe", "pipe"] : "inherit",
        env: { ...process.env, ...options.env, PYTHONPATH: pythonPath, GILSIM_RECORD: temp },
      });
    } catch (error) {
      reject(new UsageError(`cannot run ${program}: ${(error as Error).message}`));
      return;
    }
    // The processes the program had started when it was told to stop: they get the same signals,
    // as a terminal's Ctrl-C reaches a whole foreground job (see descendants.ts).
    let started: number[] = [];
    let stopping = false;
    let killTimer: NodeJS.Timeout | null = null;
    const signalTree = (signal: NodeJS.Signals | null): void => {
      const pid = child.pid;
      if (pid === undefined) return;
      const now = descendants(pid);
      started = [...new Set([...started, ...now])];
      if (signal === null) return;
      try {
        child.kill(signal);
      } catch {
        // gone
      }
      signalAll(now, signal);
    };
    /** Stops the program: SIGINT (unless it has had one already), SIGKILL 10 s later. */
    const stop = (signal: NodeJS.Signals | null = "SIGINT"): void => {
      if (stopping) return;
      stopping = true;
      signalTree(signal);
      killTimer = setTimeout(() => signalTree("SIGKILL"), KILL_AFTER_MS);
      killTimer.unref();
    };
    const forward = options.forwardSignals ?? true;
    // A Ctrl-C at a terminal reaches the program and its children directly (they are in the
    // terminal's foreground process group with gilsim): sending it again would interrupt their
    // clean-up. A SIGINT from elsewhere (kill) reaches gilsim alone and is passed on.
    const atTerminal = options.stdio !== "pipe" && process.stdin.isTTY === true;
    const onInterrupt = (): void => stop(atTerminal ? null : "SIGINT");
    const onTerminate = (): void => stop("SIGTERM");
    if (forward) {
      process.on("SIGINT", onInterrupt);
      process.on("SIGTERM", onTerminate);
    }
    const timer = options.durationMs == null ? null : setTimeout(() => stop(), options.durationMs);
    const onAbort = (): void => stop();
    if (options.stopSignal?.aborted) stop();
    else options.stopSignal?.addEventListener("abort", onAbort, { once: true });
    // Timers go when the program ends; the signal handlers stay until the recording is written,
    // so that a second Ctrl-C during the clean-up does not kill gilsim halfway.
    const clearTimers = (): void => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.stopSignal?.removeEventListener("abort", onAbort);
    };
    const cleanup = (): void => {
      clearTimers();
      if (forward) {
        process.off("SIGINT", onInterrupt);
        process.off("SIGTERM", onTerminate);
      }
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      cleanup();
      rmSync(temp, { force: true });
      reject(
        new UsageError(
          error.code === "ENOENT" ? `cannot run ${program}: not found` : `cannot run ${program}: ${error.message}`,
        ),
      );
    });
    child.once("spawn", () => options.onStart?.(child));
    const finish = async (code: number | null, signal: NodeJS.Signals | null): Promise<void> => {
      clearTimers();
      if (stopping) {
        // What the program started and left behind: a moment to finish on the SIGINT (their own
        // recorders write their last lines), then SIGKILL.
        const deadline = Date.now() + GRACE_MS;
        while (started.some(pidExists) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        signalAll(started.filter(pidExists), "SIGKILL");
      }
      cleanup();
      let text = "";
      try {
        text = readFileSync(temp, "utf8");
      } catch {
        text = "";
      }
      if (text.trim() === "") {
        rmSync(temp, { force: true });
        reject(
          new Error(
            stopping
              ? `${program} was stopped before the recorder had started in it (exit ${code ?? signal}): nothing recorded`
              : `the recorder did not start in ${program} (exit ${code ?? signal}): gilsim record runs Python 3.9+ programs, and not with python -I, -E or -S`,
          ),
        );
        return;
      }
      let recording: Recording;
      try {
        recording = parseRecording(text, options.out);
      } catch (error) {
        rmSync(temp, { force: true });
        reject(error);
        return;
      }
      try {
        renameSync(temp, options.out);
      } catch (error) {
        rmSync(temp, { force: true });
        throw new Error(
          `cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      const tasks = recording.processes.reduce((a, p) => a + p.tasks.length, 0);
      resolve({ recording, code, signal, tasks });
    };
    child.once("exit", (code, signal) => {
      finish(code, signal).catch(reject);
    });
  });
}
