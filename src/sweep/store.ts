import { closeSync, existsSync, openSync, truncateSync, writeSync } from "node:fs";
import { UsageError } from "../io/usage-error.js";
import type { AxisValue } from "./axis.js";
import type { Summary } from "./evaluate.js";
import { PointFile } from "./point-file.js";

/** The first line of a points file: what sweep the lines below belong to. */
export interface SweepHeader {
  format: "gilsim-sweep-points";
  version: 1;
  id: string;
  name: string;
  /** "2/4" for a shard, null for a whole sweep. */
  shard: string | null;
  /** Points in the whole grid. */
  size: number;
  axes: { path: string; values: AxisValue[] }[];
  replications: number | null;
  seed: number | null;
  /** The base scenario object, before the axes are applied. */
  scenario: unknown;
}

/** One finished point: one line of a points file. */
export interface PointRow {
  index: number;
  key: string;
  seed: number;
  replications: number;
  values: Record<string, AxisValue>;
  summary: Summary;
}

/**
 * The points file of a running sweep: one JSON line per finished point, appended as each
 * finishes, so a killed sweep loses at most the points in flight and a rerun skips the rest.
 * Lines are written whole by one writer, each in one call.
 */
export class PointLog {
  /** done[i] is 1 when grid point i is in the file. */
  readonly done: Uint8Array;
  /** Points already in the file when it was opened. */
  readonly resumed: number;
  private fd: number;

  /**
   * Opens `file` for `header`'s sweep: creates it, or resumes it when it holds the same sweep
   * (same id and shard). With `restart` an existing file is emptied first.
   */
  constructor(
    readonly file: string,
    readonly header: SweepHeader,
    restart = false,
  ) {
    this.done = new Uint8Array(header.size);
    let resumed = 0;
    if (existsSync(file) && !restart) {
      const previous = PointFile.open(file);
      try {
        if (previous.header.id !== header.id) {
          throw new UsageError(
            `${file} holds another sweep (the scenario, --vary, --replications or --seed differ); use --restart to start over or another --out`,
          );
        }
        if (previous.header.shard !== header.shard) {
          const was = previous.header.shard ?? "the whole sweep";
          const now = header.shard ?? "the whole sweep";
          throw new UsageError(`${file} holds ${was}, not ${now}; use --restart to start over or another --out`);
        }
        for (const i of previous.indices()) this.done[i] = 1;
        resumed = previous.count;
        // Drop a last line cut short, so the next append starts on a line of its own.
        truncateSync(file, previous.wholeBytes);
      } finally {
        previous.close();
      }
      this.fd = openSync(file, "a");
    } else {
      this.fd = openSync(file, "w");
      this.write(JSON.stringify(header));
    }
    this.resumed = resumed;
  }

  /** Appends a finished point. */
  append(row: PointRow): void {
    this.write(JSON.stringify(row));
    this.done[row.index] = 1;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private write(line: string): void {
    const bytes = Buffer.from(`${line}\n`);
    let at = 0;
    while (at < bytes.length) at += writeSync(this.fd, bytes, at, bytes.length - at);
  }
}
