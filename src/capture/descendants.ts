import { readdirSync, readFileSync } from "node:fs";

/*
 * The processes a program started, found through /proc (Linux): stopping a recorded program must
 * reach its pool workers and a shell's children too, without moving it out of the terminal's
 * session and process group (a new session loses the controlling terminal: /dev/tty, getpass,
 * curses). Elsewhere this finds none, and only the program itself is signalled.
 */

/** Parent pid of each process, from /proc/<pid>/stat (empty where /proc is not there). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses; the last ")" ends it.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (Number.isInteger(ppid)) out.set(Number(name), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** Every live descendant of `pid` (children, their children...), not `pid` itself. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [p, pp] of parents()) {
    const list = children.get(pp);
    if (list) list.push(p);
    else children.set(pp, [p]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let i = 0; i < queue.length; i++) {
    for (const c of children.get(queue[i] as number) ?? []) {
      found.push(c);
      queue.push(c);
    }
  }
  return found;
}

/** Whether a process exists (a zombie counts: it has not been reaped yet). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
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
