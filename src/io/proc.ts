import { readFileSync } from "node:fs";

/*
 * Other processes, as the kernel shows them: whether a pid exists, and the fields of its
 * /proc/PID/stat line (Linux). One parser of that line for everything that reads it.
 */

/** Whether a process with this pid exists (a zombie counts; EPERM: it is another user's). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The fields of /proc/PID/stat after the command name, which is in parentheses and may hold
 * spaces or parentheses itself: `fields[n - 3]` is field n of proc(5) (3 state, 4 ppid, 5 pgrp,
 * 14-17 CPU ticks, 22 starttime). null where there is no /proc or no such process.
 */
export function procStatFields(pid: number | string): string[] | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}
