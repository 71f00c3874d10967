import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { procStatFields } from "../io/proc.js";

/*
 * The processes a program started, found through /proc (Linux) or `ps` (macOS and other Unixes):
 * stopping a recorded program must reach its pool workers and a wrapper's children (`sh -c`,
 * `poetry run`, `uv run`) too, without moving it out of the terminal's session and process group
 * (a new session loses the controlling terminal: /dev/tty, getpass, curses, job control). Only
 * descendants still in the program's process group count: one that started a session or group
 * of its own (a daemon meant to outlive it) is left alone, as a terminal's Ctrl-C leaves it.
 * Where neither source is there (Windows), none are found and only the program is signalled.
 */

interface Proc {
  ppid: number;
  pgid: number;
}

/** Parent and process group of every process (an empty map where neither source works). */
function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  let entries: string[] | null = null;
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    entries = null;
  }
  if (entries !== null && entries.length > 0) {
    for (const name of entries) {
      // null: the process ended meanwhile
      const fields = procStatFields(name);
      const ppid = Number(fields?.[4 - 3]);
      const pgid = Number(fields?.[5 - 3]);
      if (fields && Number.isInteger(ppid) && Number.isInteger(pgid)) out.set(Number(name), { ppid, pgid });
    }
    return out;
  }
  if (process.platform === "win32") return out;
  try {
    const text = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid="], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    for (const line of text.split("\n")) {
      const [pid, ppid, pgid] = line.trim().split(/\s+/).map(Number);
      if (Number.isInteger(pid) && Number.isInteger(ppid) && Number.isInteger(pgid)) {
        out.set(pid as number, { ppid: ppid as number, pgid: pgid as number });
      }
    }
  } catch {
    // no ps: none found
  }
  return out;
}

/** Every live descendant of `pid` (children, their children...) still in `pid`'s process group. */
export function descendants(pid: number): number[] {
  const all = processes();
  const group = all.get(pid)?.pgid;
  if (group === undefined) return [];
  const children = new Map<number, number[]>();
  for (const [p, { ppid }] of all) {
    const list = children.get(ppid);
    if (list) list.push(p);
    else children.set(ppid, [p]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let i = 0; i < queue.length; i++) {
    for (const c of children.get(queue[i] as number) ?? []) {
      queue.push(c);
      if (all.get(c)?.pgid === group) found.push(c);
    }
  }
  return found;
}

/** Sends `signal` to each pid, ignoring those already gone. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}
