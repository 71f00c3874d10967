import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, readFileSync, readSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { pidExists, procStatFields } from "../io/proc.js";
import { UsageError } from "../io/usage-error.js";

/** The lock file inside an output folder: one sweep (or merge) writes into a folder at a time. */
export const LOCK_FILE = "sweep.lock";

/** Who holds a lock: the JSON content of the lock file. */
export interface LockOwner {
  pid: number;
  host: string;
  /** The Linux boot id and the process's start time (clock ticks since boot), to tell the owner from a reused pid; null elsewhere. */
  boot: string | null;
  start: string | null;
  /** When it took the lock (ISO 8601). */
  since: string;
  /** What it runs, for people: `gilsim sweep web-api --shard 2/4`. */
  command: string;
  /** Tells this holder from any other. */
  token: string;
}

export interface LockOptions {
  /** What the holder runs, written into the lock for people. Default "gilsim". */
  command?: string;
  /**
   * How long a lock taken on another host lives without a heartbeat before it is taken over, ms.
   * Default 60 s: NFS clients may cache a file's times for up to 60 s.
   */
  staleMs?: number;
  /** How often the holder refreshes its lock's time, ms. Default 10 s. */
  heartbeatMs?: number;
  /** Told once when the lock of another host is waited for (it may be a crashed run's). */
  onWait?: (owner: LockOwner, ageMs: number) => void;
  /** Told when another process has taken the lock over: the holder must stop writing. */
  onLost?: (owner: LockOwner | null) => void;
}

/** Locks held by this process, by file: a second sweep in the same process is refused too. */
const held = new Map<string, FolderLock>();

/**
 * The lock of an output folder. A lock whose owner is gone is taken over: on this host when its
 * process has ended (or its pid now names another process), on another host (a shared file
 * system) when its heartbeat has stopped for `staleMs`. So a rerun after a crash never needs
 * anything removed by hand.
 */
export class FolderLock {
  private timer: NodeJS.Timeout | null = null;
  private released = false;

  constructor(
    readonly file: string,
    readonly owner: LockOwner,
    heartbeatMs: number,
    private readonly onLost: ((owner: LockOwner | null) => void) | undefined,
  ) {
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    this.timer.unref();
  }

  /** Refreshes the lock's time, or reports that it is no longer ours. */
  beat(): void {
    if (this.released) return;
    const now = readLock(this.file);
    if (now?.owner?.token === this.owner.token) {
      try {
        const t = new Date();
        utimesSync(this.file, t, t);
      } catch {}
      return;
    }
    this.stopBeating();
    held.delete(this.file);
    this.onLost?.(now?.owner ?? null);
  }

  /** Removes the lock file if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.stopBeating();
    if (held.get(this.file) === this) held.delete(this.file);
    if (readLock(this.file)?.owner?.token === this.owner.token) {
      try {
        unlinkSync(this.file);
      } catch {}
    }
  }

  private stopBeating(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

// A lock left by a process that exits without releasing it (process.exit elsewhere) goes with it.
process.on("exit", () => {
  for (const lock of [...held.values()]) lock.release();
});

/**
 * Takes the lock of folder `dir` (which must exist), waiting while another host's lock may still
 * be alive. Throws a UsageError naming the owner when the folder is in use.
 */
export async function acquireLock(dir: string, options: LockOptions = {}): Promise<FolderLock> {
  const file = join(dir, LOCK_FILE);
  const staleMs = options.staleMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const me = ownerOfThisProcess(options.command ?? "gilsim");
  let waitedFor: string | null = null;
  let firstSeen: { token: string | null; mtime: number; at: number } | null = null;
  for (;;) {
    if (tryCreate(file, me)) {
      const lock = new FolderLock(file, me, heartbeatMs, options.onLost);
      held.set(file, lock);
      return lock;
    }
    const seen = readLock(file);
    if (seen === null) continue; // Gone between the two calls: try again.
    const { owner, mtime, text } = seen;
    const age = Date.now() - mtime;
    let stale: boolean;
    if (owner === null) {
      // Cut short while being written, or not a lock at all: give a writer a few seconds.
      stale = age > Math.min(5_000, staleMs);
    } else if (owner.host === me.host) {
      // A lock with this process's pid that this process does not hold is a previous life's (a
      // container restarted with the same host name and pid).
      const ours = held.get(file)?.owner.token === owner.token;
      stale = !ours && (owner.pid === process.pid || !isAlive(owner));
    } else if (age > staleMs) {
      stale = true;
    } else {
      // Another host's lock with a recent heartbeat: alive, or a crashed run's not yet stale.
      // A heartbeat seen while waiting proves it alive.
      if (firstSeen === null || firstSeen.token !== owner.token) {
        firstSeen = { token: owner.token, mtime, at: Date.now() };
      } else if (mtime > firstSeen.mtime) {
        throw busy(dir, owner);
      }
      if (waitedFor !== owner.token) {
        waitedFor = owner.token;
        options.onWait?.(owner, age);
      }
      stale = false;
    }
    if (!stale) {
      if (owner !== null && owner.host === me.host) throw busy(dir, owner);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(20, staleMs / 20))));
      continue;
    }
    // Take it over: remove it if it is still the stale one, then race for it like anyone else.
    if (readLock(file)?.text === text) {
      try {
        unlinkSync(file);
      } catch {}
    }
  }
}

/** Who holds the lock of folder `dir` and whether it looks alive, or null when it is not locked. */
export function folderLockOwner(dir: string, staleMs = 60_000): { owner: LockOwner; alive: boolean } | null {
  const seen = readLock(join(dir, LOCK_FILE));
  if (seen?.owner == null) return null;
  const owner = seen.owner;
  const alive = owner.host === hostname() ? isAlive(owner) : Date.now() - seen.mtime <= staleMs;
  return { owner, alive };
}

function busy(dir: string, owner: LockOwner): UsageError {
  return new UsageError(
    `${dir} is in use by another ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since}); wait for it to end, stop it, or use another --out`,
  );
}

/** Creates the lock file with `owner` in it, unless it exists. */
function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new UsageError(`cannot lock ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  try {
    const bytes = Buffer.from(`${JSON.stringify(owner)}\n`);
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The lock file's owner (null when it cannot be parsed), time and text, or null when there is no
 * lock. Opened before its times are read, so a client of a network file system asks the server.
 */
function readLock(file: string): { owner: LockOwner | null; mtime: number; text: string } | null {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return null;
  }
  try {
    const mtime = fstatSync(fd).mtimeMs;
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.toString("utf8", 0, n);
    let owner: LockOwner | null = null;
    try {
      const value = JSON.parse(text) as LockOwner;
      if (typeof value?.pid === "number" && typeof value.host === "string" && typeof value.token === "string") {
        owner = value;
      }
    } catch {}
    return { owner, mtime, text };
  } finally {
    closeSync(fd);
  }
}

/** Whether the owner's process still runs on this host: its pid exists and, on Linux, started when the owner did. */
function isAlive(owner: LockOwner): boolean {
  if (!pidExists(owner.pid)) return false;
  if (owner.boot === null || owner.start === null) return true;
  const now = processStart(owner.pid);
  return now !== null && now.boot === owner.boot && now.start === owner.start;
}

/** The boot id and start time of a process on Linux, or null. */
function processStart(pid: number): { boot: string; start: string } | null {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const start = procStatFields(pid)?.[22 - 3];
    return start === undefined ? null : { boot, start };
  } catch {
    return null;
  }
}

function ownerOfThisProcess(command: string): LockOwner {
  const started = processStart(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    boot: started?.boot ?? null,
    start: started?.start ?? null,
    since: new Date().toISOString(),
    command,
    token: randomBytes(8).toString("hex"),
  };
}
