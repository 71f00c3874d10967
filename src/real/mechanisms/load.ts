import { readFileSync } from "node:fs";

/*
 * How busy the machine was around a recording, and when a recording cannot be trusted.
 *
 * The experiments measure wake-ups of microseconds; another process holding a core when a
 * measuring thread wakes delays it by up to a scheduler slice. Two readings of Linux's /proc:
 *
 * - /proc/loadavg: the 1-minute load average (runnable and uninterruptible tasks, whatever their
 *   priority), read before and after a run;
 * - /proc/stat over the run, less the CPU of the measuring process group itself (read by the
 *   Python side from /proc/<pid>/stat): the share of the machine's CPU time that OTHER processes
 *   used, all of it ("others") and the part at nice 0 or below ("othersUnniced"). Work at a
 *   positive nice (the project runs tests and builds at nice 19) yields at once to a recording
 *   at nice -20, so it is recorded but does not make a run busy.
 *
 * The rules (BUSY, stated in `gilsim calibrate --help`):
 * - a trial (one run of one experiment) is noisy when othersUnniced > NOISY_SHARE during it;
 * - a run is busy when othersUnniced > NOISY_SHARE over the whole run, or, for a run that did
 *   not get a raised priority (nice below 0), when the 1-minute load average before it exceeded
 *   LOAD_PER_CORE x cores. The load average counts runnable tasks of every priority and cannot
 *   tell them apart, so a run at nice -20 goes by the /proc/stat reading alone.
 * GILSIM_ASSUME_BUSY=1 makes every trial noisy and every run busy (a test hook).
 */

/** A trial or a run is noisy/busy when other un-niced work used more than this share of all cores. */
export const NOISY_SHARE = 0.25;
/** A run is busy when the 1-minute load average before it exceeded this many tasks per core. */
export const LOAD_PER_CORE = 2;

/** The rule as a sentence, for --help and for the record. */
export const BUSY_RULE =
  `busy: other processes at nice 0 or below used more than ${NOISY_SHARE * 100}% of all cores during the run ` +
  `(/proc/stat less the run's own CPU), or, when the run could not raise its priority (--priority), ` +
  `the 1-minute load average before it exceeded ${LOAD_PER_CORE} per core (/proc/loadavg)`;

/** The CPU share other processes used during a span, as mechanisms.py and calibrate.py report it. */
export interface LoadShare {
  /** Share of all cores' time used by other processes, any priority. */
  others: number;
  /** The part of it at nice 0 or below. */
  othersUnniced: number;
  /** Share used by the measuring process group itself. */
  own: number;
  /** Clock ticks the span covered (all cores): a short span is a coarse reading. */
  ticks: number;
}

/** The 1-, 5- and 15-minute load averages, or null where /proc/loadavg cannot be read. */
export function loadAverage(): [number, number, number] | null {
  try {
    const parts = readFileSync("/proc/loadavg", "utf8").trim().split(/\s+/).slice(0, 3).map(Number);
    if (parts.length === 3 && parts.every(Number.isFinite)) return parts as [number, number, number];
  } catch {
    // not Linux
  }
  return null;
}

/** Whether a span's load share makes it noisy. Unknown (null) is not noisy. */
export function isNoisy(share: LoadShare | null | undefined): boolean {
  if (process.env.GILSIM_ASSUME_BUSY === "1") return true;
  return share !== null && share !== undefined && share.othersUnniced > NOISY_SHARE;
}

/** Sums several spans' shares, weighted by their ticks. */
export function combineShares(shares: readonly (LoadShare | null | undefined)[]): LoadShare | null {
  let ticks = 0;
  let others = 0;
  let unniced = 0;
  let own = 0;
  for (const s of shares) {
    if (!s || s.ticks <= 0) continue;
    ticks += s.ticks;
    others += s.others * s.ticks;
    unniced += s.othersUnniced * s.ticks;
    own += s.own * s.ticks;
  }
  if (ticks === 0) return null;
  const r = (x: number) => Math.round((x / ticks) * 10_000) / 10_000;
  return { others: r(others), othersUnniced: r(unniced), own: r(own), ticks };
}

/** Why a run was busy (empty when it was not), each reason a phrase with its numbers. */
export function busyReasons(
  loadBefore: number | null,
  share: LoadShare | null,
  cores: number,
  nice: number | null,
): string[] {
  const reasons: string[] = [];
  // Test hook: a machine that counts as busy whatever it measures.
  if (process.env.GILSIM_ASSUME_BUSY === "1") reasons.push("GILSIM_ASSUME_BUSY=1 is set");
  if (share && share.othersUnniced > NOISY_SHARE) {
    reasons.push(
      `other processes at nice 0 or below used ${(share.othersUnniced * 100).toFixed(0)}% of all cores (limit ${NOISY_SHARE * 100}%)`,
    );
  }
  const raised = nice !== null && nice < 0;
  if (!raised && loadBefore !== null && loadBefore > LOAD_PER_CORE * cores) {
    reasons.push(
      `the 1-minute load average was ${loadBefore.toFixed(2)} before the run (limit ${LOAD_PER_CORE * cores})`,
    );
  }
  return reasons;
}
