import { closeSync, existsSync, openSync, readSync, rmSync, truncateSync, writeSync } from "node:fs";
import { UsageError } from "../io/usage-error.js";
import { writeChunksAtomic } from "./atomic-chunks.js";
import type { AxisValue } from "./axis.js";
import { PointFile } from "./point-file.js";
import type { PartRow, PointRow } from "./rows.js";

/** The format version of points files this gilsim reads and writes. */
export const POINTS_VERSION = 2;

/** The first line of a points file: what sweep the lines below belong to. */
export interface SweepHeader {
  format: "gilsim-sweep-points";
  version: typeof POINTS_VERSION;
  /** A hash of the sweep's specification (scenario, axes, replications, seed): shards of one sweep share it. */
  id: string;
  name: string;
  /** "2/4" for a shard, null for a whole sweep. */
  shard: string | null;
  /** Units of work in this file's part of the sweep: whole points, and parts of points cut for balance. */
  units: number;
  /** Points in the whole grid. */
  size: number;
  axes: { path: string; values: AxisValue[] }[];
  replications: number | null;
  seed: number | null;
  /** The base scenario object, before the axes are applied. */
  scenario: unknown;
  /** It ran with a machine profile (sweep --profile); absent in files of gilsim before it was recorded. */
  profiled?: boolean;
}

/** What a header says of the sweep itself, the same in every shard's file. */
export type SweepSpec = Pick<
  SweepHeader,
  "id" | "name" | "size" | "axes" | "replications" | "seed" | "scenario" | "profiled"
>;

/** The header of a sweep's points file: the whole sweep (shard null), or a shard with its units. */
export function makeHeader(spec: SweepSpec, shard: string | null, units: number): SweepHeader {
  return {
    format: "gilsim-sweep-points",
    version: POINTS_VERSION,
    id: spec.id,
    name: spec.name,
    shard,
    units,
    size: spec.size,
    axes: spec.axes,
    replications: spec.replications,
    seed: spec.seed,
    scenario: spec.scenario,
    ...(spec.profiled === undefined ? {} : { profiled: spec.profiled }),
  };
}

/** What a PointLog found in its file when it opened it. */
export interface Resumed {
  /** Units already in the file. */
  units: number;
  /** A last line cut short (a crash mid-write), dropped. */
  torn: boolean;
  /** Unreadable lines (two writers at once, with an older gilsim) dropped; their units run again. */
  dropped: number;
}

/**
 * The points file of a running sweep: one JSON line per finished point or part, appended as each
 * finishes, so a killed sweep loses at most the units in flight and a rerun skips the rest. The
 * caller holds the output folder's lock (lock.ts): one writer, which opens the file for appending
 * only and writes each line in one call. Reopening drops a last line cut short and any unreadable
 * line, keeping every whole one.
 */
export class PointLog {
  readonly resumed: Resumed;
  private readonly done: PointFile | null;
  private fd: number;

  /**
   * Opens `file` for `header`'s sweep: creates it, or resumes it when it holds the same sweep
   * (same id and shard). With `restart` an existing file is removed first.
   */
  constructor(
    readonly file: string,
    readonly header: SweepHeader,
    restart = false,
  ) {
    if (restart || !hasWholeLine(file)) rmSync(file, { force: true });
    let previous: PointFile | null = null;
    let torn = false;
    let dropped = 0;
    if (existsSync(file)) {
      previous = PointFile.open(file, { lenient: true });
      try {
        checkSameSweep(previous.header, header, file);
        torn = previous.wholeBytes < previous.bytes;
        dropped = previous.skipped;
        if (dropped > 0) {
          // Rewrite the file with its whole lines only (to a temporary file, renamed over it).
          writeChunksAtomic(file, wholeLines(previous));
          previous.close();
          previous = PointFile.open(file);
        } else if (torn) {
          // Drop the last line cut short, so the next line starts on a line of its own.
          truncateSync(file, previous.wholeBytes);
        }
      } catch (error) {
        previous.close();
        throw error;
      }
    }
    this.done = previous;
    this.resumed = { units: previous === null ? 0 : previous.count + previous.partCount, torn, dropped };
    this.fd = openSync(file, "a");
    if (previous === null) this.write(JSON.stringify(header));
  }

  /** Whether the file already holds replications [from, to) of point `index`. */
  has(index: number, from: number, to: number): boolean {
    return this.done?.hasUnit(index, from, to) ?? false;
  }

  /** Appends a finished point or part. */
  append(row: PointRow | PartRow): void {
    this.write(JSON.stringify(row));
  }

  close(): void {
    this.done?.close();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private write(line: string): void {
    const bytes = Buffer.from(`${line}\n`);
    let at = 0;
    while (at < bytes.length) at += writeSync(this.fd, bytes, at, bytes.length - at);
  }
}

function checkSameSweep(previous: SweepHeader, header: SweepHeader, file: string): void {
  if (previous.id !== header.id) {
    throw new UsageError(
      `${file} holds another sweep (the scenario, --vary, --replications or --seed differ); use --restart to start over or another --out`,
    );
  }
  if (previous.shard !== header.shard) {
    const was = previous.shard ?? "the whole sweep";
    const now = header.shard ?? "the whole sweep";
    throw new UsageError(`${file} holds ${was}, not ${now}; use --restart to start over or another --out`);
  }
}

/** Whether a file exists and holds at least one whole line (a crash while its header was written leaves none). */
function hasWholeLine(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return false;
  }
  try {
    const chunk = Buffer.allocUnsafe(1 << 16);
    for (let at = 0; ; ) {
      const n = readSync(fd, chunk, 0, chunk.length, at);
      if (n === 0) return false;
      if (chunk.subarray(0, n).includes(0x0a)) return true;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** The header and every whole line of a points file. */
function* wholeLines(points: PointFile): Generator<string> {
  yield `${JSON.stringify(points.header)}\n`;
  for (const i of points.indices()) yield `${points.line(i)}\n`;
  for (const p of points.allParts()) yield `${points.partLine(p)}\n`;
}
