import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pidExists } from "./proc.js";

/*
 * gilsim's temporary files: `.NAME.PID.HEX.tmp` beside the output NAME they become. Every one in
 * use is tracked, so SIGINT and SIGTERM remove them before the process ends; and one left behind
 * by a process that was killed outright (SIGKILL, a power cut) is removed by the next write of
 * the same output, once its process is gone.
 */

const live = new Set<string>();

/** A fresh temporary path beside `path`, in the form removeStaleTemps knows (not tracked). */
export function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** A fresh temporary path beside `path`, tracked until untrackTemp. */
export function trackTemp(path: string): string {
  const temp = tempBeside(path);
  live.add(temp);
  return temp;
}

/** The temporary file became the output, or was removed. */
export function untrackTemp(temp: string): void {
  live.delete(temp);
}

/** Removes every temporary file in use (a signal is ending the process). */
export function removeTrackedTemps(): void {
  for (const temp of live) rmSync(temp, { force: true });
  live.clear();
}

/** Removes temporary files of `path` left by gilsim processes that no longer run. */
export function removeStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith(".tmp")) continue;
    const m = /^(\d+)(?:\.[0-9a-f]+)?$/.exec(entry.slice(prefix.length, -".tmp".length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && !pidExists(pid)) rmSync(join(dirname(path), entry), { force: true });
  }
}

let installed = false;

/**
 * On SIGINT or SIGTERM, removes the temporary files in use; then, unless another part of gilsim
 * handles the signal itself (a real run stopping its Python processes), ends the process with the
 * signal's exit code (130, 143). For the command line only: a library leaves signals alone.
 */
export function removeTempsOnSignal(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    const handler = (): void => {
      removeTrackedTemps();
      if (process.listenerCount(signal) === 1) {
        process.stderr.write(`gilsim: stopped by ${signal}\n`);
        process.exit(code);
      }
    };
    process.on(signal, handler);
  }
}
