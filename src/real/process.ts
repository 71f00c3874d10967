import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HarnessError, type HarnessFailure } from "./errors.js";
import type { HarnessJob } from "./job.js";
import { type HarnessRecord, parseRecord } from "./records.js";

/** The harness script shipped beside this file. */
export function harnessPath(): string {
  return fileURLToPath(new URL("./harness.py", import.meta.url));
}

export interface HarnessRunOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Stop the harness on SIGINT or SIGTERM of this process while it runs. */
  handleSignals: boolean;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Each record as it arrives. */
  onRecord?: ((record: HarnessRecord) => void) | undefined;
}

export interface HarnessRun {
  records: HarnessRecord[];
  /** The harness process id (its process group id). */
  pid: number;
  /** Wall-clock time from spawn to exit, in ns. */
  wallNs: number;
  /** The last lines of its stderr. */
  stderr: string[];
}

const STDERR_LINES = 20;
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs the harness on a job: one JSON line on stdin (kept open, so the harness can tell when this
 * process dies), records parsed as they stream on stdout. The harness leads its own process group,
 * so a timeout, a signal or an abort kills it with every worker process it started. Resolves when
 * it exits cleanly after a "done" record; otherwise rejects with a HarnessError and returns nothing.
 */
export function runHarness(python: string, job: HarnessJob, options: HarnessRunOptions): Promise<HarnessRun> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new HarnessError("interrupted before the harness started (aborted)", "interrupted", null, []));
      return;
    }
    const started = process.hrtime.bigint();
    const group = process.platform !== "win32";
    const child = spawn(python, [harnessPath()], {
      detached: group,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
      windowsHide: true,
    });
    const pid = child.pid ?? -1;
    const records: HarnessRecord[] = [];
    const stderr: string[] = [];
    let partialErr = "";
    let partialOut = "";
    let failure: { message: string; reason: HarnessFailure } | null = null;
    let errorMessage: string | null = null;
    let done = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

    const killGroup = (): void => {
      if (pid <= 0) return;
      try {
        if (group) process.kill(-pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const fail = (message: string, reason: HarnessFailure): void => {
      if (failure) return;
      failure = { message, reason };
      killGroup();
    };

    const timer = setTimeout(() => {
      fail(`harness timed out after ${options.timeoutMs} ms: killed it and its process group (pid ${pid})`, "timeout");
    }, options.timeoutMs);
    const onSignal = (name: string) => () => {
      fail(
        `interrupted by ${name}: killed the harness and its process group (pid ${pid}); nothing was kept`,
        "interrupted",
      );
    };
    const handlers = SIGNALS.map((name) => [name, onSignal(name)] as const);
    if (options.handleSignals) for (const [name, h] of handlers) process.on(name, h);
    const onAbort = (): void => {
      fail(
        `interrupted (aborted): killed the harness and its process group (pid ${pid}); nothing was kept`,
        "interrupted",
      );
    };
    options.signal?.addEventListener("abort", onAbort);

    const line = (text: string): void => {
      if (failure || text.trim() === "") return;
      let record: HarnessRecord;
      try {
        record = parseRecord(text);
      } catch (e) {
        fail((e as Error).message, "protocol");
        return;
      }
      if (record.type === "error") errorMessage = record.message;
      if (record.type === "done") done = true;
      records.push(record);
      options.onRecord?.(record);
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      partialOut += chunk;
      let nl = partialOut.indexOf("\n");
      while (nl >= 0) {
        line(partialOut.slice(0, nl));
        partialOut = partialOut.slice(nl + 1);
        nl = partialOut.indexOf("\n");
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      const parts = (partialErr + chunk).split("\n");
      partialErr = parts.pop() ?? "";
      stderr.push(...parts.filter((l) => l.trim() !== ""));
      if (stderr.length > STDERR_LINES) stderr.splice(0, stderr.length - STDERR_LINES);
    });
    child.stdin.on("error", () => {
      // the harness exited before reading everything; its exit status tells why
    });
    child.stdin.write(`${JSON.stringify(job)}\n`);

    child.on("error", (e) => {
      fail(`could not start the harness with ${python}: ${e.message}`, "crash");
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      killGroup(); // worker processes left behind, the echo server
    });
    child.on("close", () => {
      clearTimeout(timer);
      if (options.handleSignals) for (const [name, h] of handlers) process.off(name, h);
      options.signal?.removeEventListener("abort", onAbort);
      child.stdin.destroy();
      if (partialOut.trim() !== "") line(partialOut);
      if (partialErr.trim() !== "") stderr.push(partialErr);
      const tail = stderr.slice(-STDERR_LINES);
      const wallNs = Number(process.hrtime.bigint() - started);
      const status = exit?.signal ? `killed by ${exit.signal}` : `exit status ${exit?.code ?? "unknown"}`;
      if (failure) {
        reject(new HarnessError(failure.message, failure.reason, pid, tail));
      } else if (errorMessage !== null) {
        reject(new HarnessError(`harness failed: ${errorMessage} (${status})`, "crash", pid, tail));
      } else if (exit?.code !== 0) {
        reject(new HarnessError(`harness crashed (${status}) before finishing; nothing was kept`, "crash", pid, tail));
      } else if (!done) {
        reject(new HarnessError('harness exited without a "done" record; nothing was kept', "protocol", pid, tail));
      } else {
        resolve({ records, pid, wallNs, stderr: tail });
      }
    });
  });
}
