import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

/** A child process leading a process group of its own, and how to kill the whole group. */
export interface GroupChild<I extends Writable | null> {
  child: ChildProcessByStdio<I, Readable, Readable>;
  /** SIGKILLs the child and every process it started (the child alone where there are no groups). */
  killGroup: () => void;
}

/**
 * Spawns `command` as the leader of a new process group (POSIX), so that a timeout, a signal or
 * its own exit can kill it with everything it started: a Python and its pool workers, or a
 * `--python` that hangs and the children it left.
 */
export function spawnGroup<I extends Writable | null>(
  command: string,
  args: readonly string[],
  options: { stdin: I extends null ? "ignore" : "pipe"; env?: NodeJS.ProcessEnv },
): GroupChild<I> {
  const group = process.platform !== "win32";
  const child = spawn(command, args, {
    detached: group,
    stdio: [options.stdin, "pipe", "pipe"],
    ...(options.env ? { env: options.env } : {}),
    windowsHide: true,
  }) as unknown as ChildProcessByStdio<I, Readable, Readable>;
  const killGroup = (): void => {
    const pid = child.pid;
    if (pid === undefined) return;
    try {
      if (group) process.kill(-pid, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // already gone
    }
  };
  return { child, killGroup };
}
