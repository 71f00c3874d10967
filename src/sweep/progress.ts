import { createRequire } from "node:module";
import type { CliIO } from "../cli/io.js";

/** Reports finished units of work; shown as a bar with the time left on a terminal only. */
export interface Progress {
  increment(): void;
  /** Sets how many units are finished. */
  update(done: number): void;
  stop(): void;
}

const SILENT: Progress = { increment() {}, update() {}, stop() {} };

/**
 * A progress bar on stderr when it is a terminal, nothing otherwise. `done` units are already
 * finished (a resumed sweep), so the estimate of the time left counts only new work.
 */
export function createProgress(
  io: CliIO,
  label: string,
  total: number,
  done = 0,
  unit = "points",
  stream: NodeJS.WritableStream = process.stderr,
): Progress {
  if (!io.isTTY || total <= 0) return SILENT;
  // Loaded on a terminal only: a command whose output is piped does not pay for it at start-up.
  const { SingleBar } = createRequire(import.meta.url)("cli-progress") as typeof import("cli-progress");
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} ${unit} | {percentage}% | {duration_formatted} elapsed | {eta_formatted} left`,
    stream,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    fps: 5,
  });
  bar.start(total, done);
  return {
    increment: () => bar.increment(),
    update: (value) => bar.update(value),
    stop: () => bar.stop(),
  };
}
