import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { HarnessError, type HarnessFailure } from "./errors.js";
import { spawnGroup } from "./group.js";

/**
 * A Python script shipped beside this file (calibrate.py), found through ../real/ so the path
 * holds from src/real, dist/real and the CLI bundle in dist/bin alike.
 */
export function scriptPath(name: string): string {
  return fileURLToPath(new URL(`../real/${name}`, import.meta.url));
}

export interface ScriptRunOptions<R = Record<string, unknown>> {
  /** What the script is, for messages: "calibration", "harness". */
  label: string;
  /** Turns one stdout line into a record; throws with a message naming the problem. Default: any JSON object. */
  parse?: (line: string) => R;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Stop the script on SIGINT or SIGTERM of this process while it runs. */
  handleSignals: boolean;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Each record as it arrives. */
  onRecord?: ((record: R) => void) | undefined;
}

export interface ScriptRun<R = Record<string, unknown>> {
  /** Every record the script wrote on stdout, in order. */
  records: R[];
  /** The script's process id (its process group id). */
  pid: number;
  /** Wall-clock time from spawn to exit, in ns. */
  wallNs: number;
  /** The last lines of its stderr. */
  stderr: string[];
}

/** The default record parser: any JSON object. */
function jsonObject(label: string): (text: string) => Record<string, unknown> {
  return (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = null;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new Error(`${label} wrote a line that is not a JSON record: ${JSON.stringify(text.slice(0, 80))}`);
    }
    return value as Record<string, unknown>;
  };
}

const STDERR_LINES = 20;
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs a JSON-lines Python script: `input` as one line on stdin (kept open, so the script can
 * tell when this process dies), one JSON object per stdout line. The script leads its own process
 * group, so a timeout, a signal or an abort kills it with every process it started. Resolves when
 * it exits with status 0 after a {"type": "done"} record; otherwise rejects with a HarnessError
 * and returns nothing.
 */
export function runScript<R extends { type?: unknown } = Record<string, unknown>>(
  python: string,
  script: string,
  input: unknown,
  options: ScriptRunOptions<R>,
): Promise<ScriptRun<R>> {
  const { label } = options;
  const parse = options.parse ?? (jsonObject(label) as unknown as (line: string) => R);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new HarnessError(`${label} interrupted before it started (aborted)`, "interrupted", null, []));
      return;
    }
    const started = process.hrtime.bigint();
    const { child, killGroup } = spawnGroup<Writable>(python, [script], {
      stdin: "pipe",
      // The scripts import each other (and their helper processes import them): no __pycache__
      // written beside them, in a checkout or an installed package.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...options.env },
    });
    const pid = child.pid ?? -1;
    const records: R[] = [];
    const stderr: string[] = [];
    let partialOut = "";
    let partialErr = "";
    let failure: { message: string; reason: HarnessFailure } | null = null;
    let errorMessage: string | null = null;
    let done = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

    const fail = (message: string, reason: HarnessFailure): void => {
      if (failure) return;
      failure = { message, reason };
      killGroup();
    };
    const timer = setTimeout(() => {
      fail(`${label} timed out after ${options.timeoutMs} ms: killed it and its process group (pid ${pid})`, "timeout");
    }, options.timeoutMs);
    const handlers = SIGNALS.map(
      (name) =>
        [
          name,
          () =>
            fail(
              `${label} interrupted by ${name}: killed it and its process group (pid ${pid}); nothing was kept`,
              "interrupted",
            ),
        ] as const,
    );
    if (options.handleSignals) for (const [name, h] of handlers) process.on(name, h);
    const onAbort = (): void =>
      fail(
        `${label} interrupted (aborted): killed it and its process group (pid ${pid}); nothing was kept`,
        "interrupted",
      );
    options.signal?.addEventListener("abort", onAbort);

    const line = (text: string): void => {
      if (failure || text.trim() === "") return;
      let record: R;
      try {
        record = parse(text);
      } catch (e) {
        fail((e as Error).message, "protocol");
        return;
      }
      if (record.type === "error") errorMessage = String((record as { message?: unknown }).message);
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
      // the script exited before reading its input; its exit status tells why
    });
    child.stdin.write(`${JSON.stringify(input)}\n`);
    child.on("error", (e) => fail(`could not start the ${label} with ${python}: ${e.message}`, "crash"));
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      killGroup(); // processes it left behind
    });
    child.on("close", () => {
      clearTimeout(timer);
      if (options.handleSignals) for (const [name, h] of handlers) process.off(name, h);
      options.signal?.removeEventListener("abort", onAbort);
      child.stdin.destroy();
      if (partialOut.trim() !== "") line(partialOut);
      if (partialErr.trim() !== "") stderr.push(partialErr);
      const tail = stderr.slice(-STDERR_LINES);
      const status = exit?.signal ? `killed by ${exit.signal}` : `exit status ${exit?.code ?? "unknown"}`;
      if (failure) reject(new HarnessError(failure.message, failure.reason, pid, tail));
      else if (errorMessage !== null)
        reject(new HarnessError(`${label} failed: ${errorMessage} (${status})`, "crash", pid, tail));
      else if (exit?.code !== 0)
        reject(new HarnessError(`${label} crashed (${status}) before finishing; nothing was kept`, "crash", pid, tail));
      else if (!done)
        reject(new HarnessError(`${label} exited without a "done" record; nothing was kept`, "protocol", pid, tail));
      else resolve({ records, pid, wallNs: Number(process.hrtime.bigint() - started), stderr: tail });
    });
  });
}
