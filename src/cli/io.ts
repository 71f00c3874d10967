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
