import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { procStatFields } from "../io/proc.js";

/*
 * How busy the machine is with other work. On a shared machine another process that holds a core
 * when a harness thread wakes keeps it for up to one scheduler slice (milliseconds) whatever the
 * priorities are, so a real run is only comparable with the simulation when the machine was quiet
 * around it. Linux only (/proc/stat); elsewhere every reading is null.
 */

/** Busy and total CPU time of all cores since boot, in clock ticks; null without /proc/stat. */
export function cpuTicks(): { busy: number; total: number } | null {
  let line: string;
  try {
    line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  } catch {
    return null;
  }
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== "cpu") return null;
  const values = fields.slice(1, 9).map(Number);
  if (values.length < 5 || values.some((v) => !Number.isFinite(v))) return null;
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Share of all cores busy between two readings, in [0, 1]; null when unknown or no time passed. */
export function busyBetween(
  a: { busy: number; total: number } | null,
  b: { busy: number; total: number } | null,
): number | null {
  if (!a || !b || b.total <= a.total) return null;
  return Math.min(1, Math.max(0, (b.busy - a.busy) / (b.total - a.total)));
}

/** A /proc/PID/stat line's parent pid and its CPU ticks with its reaped children's (utime + stime + cutime + cstime). */
function procStat(pid: string): { ppid: number; ticks: number } | null {
  const fields = procStatFields(pid);
  if (fields === null) return null;
  const n = (i: number) => Number(fields[i - 3]);
  const ticks = n(14) + n(15) + n(16) + n(17);
  return Number.isFinite(ticks) ? { ppid: n(4), ticks } : null;
}

/**
 * CPU ticks used so far by this process and every process it started, those still running and
 * those it has reaped (a finished harness counts through its parent's cutime); null without
 * /proc. The machine's busy share leaves these out: a run is not "other work".
 */
export function ownTreeTicks(root = process.pid): number | null {
  const self = procStat(String(root));
  if (!self) return null;
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(name);
    if (!st) continue;
    const pid = Number(name);
    ticks.set(pid, st.ticks);
    const list = children.get(st.ppid);
    if (list) list.push(pid);
    else children.set(st.ppid, [pid]);
  }
  let total = self.ticks;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Share of all cores busy with other work over the next `ms` milliseconds: the machine's busy
 * time less this process's and its children's (see ownTreeTicks); null where it cannot be read.
 */
export async function machineBusy(ms: number, signal?: AbortSignal): Promise<number | null> {
  const a = cpuTicks();
  if (!a) return null;
  const ownA = ownTreeTicks() ?? 0;
  await sleep(ms, undefined, signal ? { signal } : undefined);
  const b = cpuTicks();
  const own = (ownTreeTicks() ?? ownA) - ownA;
  return busyBetween(a, b && { busy: b.busy - Math.max(0, own), total: b.total });
}

export interface QuietOptions {
  /** A sample at or below this busy share counts as quiet. Default 0.1. */
  threshold?: number;
  /** Length of one sample in ms. Default 500. */
  sampleMs?: number;
  /** Give up after this many ms and go on anyway. Default 0: one sample, no waiting. */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

/**
 * Samples the machine until a sample is quiet or the wait runs out; returns the last busy share
 * (null where unknown), whether it was quiet, and how long it waited.
 */
export async function waitForQuiet(
  options: QuietOptions = {},
): Promise<{ busy: number | null; quiet: boolean; waitedMs: number }> {
  const threshold = options.threshold ?? 0.1;
  const sampleMs = options.sampleMs ?? 500;
  const maxWaitMs = options.maxWaitMs ?? 0;
  const t0 = performance.now();
  for (;;) {
    const busy = await machineBusy(sampleMs, options.signal);
    const waitedMs = Math.round(performance.now() - t0);
    if (busy === null) return { busy, quiet: true, waitedMs };
    if (busy <= threshold) return { busy, quiet: true, waitedMs };
    if (waitedMs >= maxWaitMs) return { busy, quiet: false, waitedMs };
  }
}
