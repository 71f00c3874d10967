import type { HarnessJob } from "./job.js";
import { type HarnessRecord, parseRecord } from "./records.js";
import { runScript, type ScriptRun, scriptPath } from "./script.js";

/** The harness script shipped beside this file. */
export function harnessPath(): string {
  return scriptPath("harness.py");
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

export type HarnessRun = ScriptRun<HarnessRecord>;

/**
 * Runs the harness on a job: one JSON line on stdin (kept open, so the harness can tell when this
 * process dies), records parsed as they stream on stdout. The harness leads its own process group,
 * so a timeout, a signal or an abort kills it with every worker process it started. Resolves when
 * it exits cleanly after a "done" record; otherwise rejects with a HarnessError and returns nothing.
 */
export function runHarness(python: string, job: HarnessJob, options: HarnessRunOptions): Promise<HarnessRun> {
  return runScript<HarnessRecord>(python, harnessPath(), job, { ...options, label: "harness", parse: parseRecord });
}
