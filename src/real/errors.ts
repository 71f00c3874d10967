/**
 * The real-execution mode cannot start: no usable Python, a Python that is too old, a scenario
 * feature it cannot run, or a bad option. The message is one line saying what to do. CLI: exit 2.
 */
export class RealSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RealSetupError";
  }
}

/**
 * Why a harness run failed:
 * - crash: the harness exited with an error, a signal or a non-zero status
 * - protocol: it wrote something that is not a harness record, or stopped without a "done" record
 * - timeout: it ran past the time limit and was killed with its process group
 * - interrupted: SIGINT, SIGTERM or an abort signal stopped it, and it was killed with its process group
 */
export type HarnessFailure = "crash" | "protocol" | "timeout" | "interrupted";

/** A harness run that started and failed; nothing of it is returned. CLI: exit 1 (interrupted: 130). */
export class HarnessError extends Error {
  constructor(
    message: string,
    readonly reason: HarnessFailure,
    /** The harness process id (also its process group id). */
    readonly pid: number | null,
    /** The last lines the harness wrote on stderr. */
    readonly stderr: readonly string[],
  ) {
    super(stderr.length > 0 ? `${message}\n${stderr.map((l) => `  | ${l}`).join("\n")}` : message);
    this.name = "HarnessError";
  }
}
