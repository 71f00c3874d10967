/** Where a command writes, so commands can be run in-process by tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars show only then). */
  isTTY: boolean;
}

export { UsageError } from "../io/usage-error.js";

/** The process's own standard streams. */
export const processIO: CliIO = {
  out: (text) => {
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  },
  err: (text) => {
    process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  },
  isTTY: Boolean(process.stderr.isTTY),
};

/**
 * Ends the process quietly with code 0 when its output is cut off, as Unix tools do:
 * `gilsim simulate web-api --json | head -c 10` must not print a stack trace. Node ignores
 * SIGPIPE, so a write to a closed pipe fails with EPIPE on that stream: on stdout or stderr it
 * ends the process here; other stream errors are left to surface.
 *
 * With `onSignal`, a SIGPIPE sent to the process ends it the same way. A SIGPIPE handler also
 * catches the signal the kernel sends for a write to any broken pipe, a dead child's included, so
 * commands that talk to child processes (sweeps, the real runner) leave it off: there a dead
 * child must fail its work with its own error, not end the run as a success.
 */
export function endQuietlyOnBrokenPipe(onSignal: boolean): void {
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  };
  process.stdout.on("error", onError);
  process.stderr.on("error", onError);
  if (onSignal) process.on("SIGPIPE", () => process.exit(0));
}
