import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { UsageError } from "../io/usage-error.js";
import { isPart, type PartRow, type PointRow } from "./rows.js";
import { POINTS_VERSION, type SweepHeader } from "./store.js";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/** Where a part of a point (replications from..to) is in a points file. */
export interface PartRef {
  index: number;
  from: number;
  to: number;
  offset: number;
  length: number;
}

export interface OpenOptions {
  /** Skip lines that are not JSON (counted in `skipped`) instead of refusing the file. Default false. */
  lenient?: boolean;
}

/**
 * A points file opened for reading in grid order without holding its rows: one scan records
 * where each point's line is (8 + 4 bytes per grid point, and a few for each part of a point),
 * then lines are read back one at a time. A last line cut short (the writer was killed mid-line)
 * is left out. Problems with the file are UsageErrors naming it, like every problem with the files
 * a command is given.
 */
export class PointFile {
  readonly header: SweepHeader;
  /** Distinct whole points in the file. */
  readonly count: number;
  /** Distinct parts of points in the file. */
  readonly partCount: number;
  /** Every metric name in the rows, sorted. */
  readonly metrics: string[];
  /** The fewest replications a point of the file runs (its whole line's or its parts'); null with no points. */
  readonly fewestReplications: number | null;
  /** Bytes of whole lines: a cut-short last line starts here. */
  readonly wholeBytes: number;
  /** Bytes of the file, a cut-short last line included. */
  readonly bytes: number;
  /** Lines skipped for not being JSON (only when opened lenient). */
  readonly skipped: number;
  private readonly offsets: Float64Array;
  private readonly lengths: Uint32Array;
  private readonly parts = new Map<number, PartRef[]>();
  private fd: number;

  private constructor(
    readonly file: string,
    fd: number,
    lenient: boolean,
  ) {
    this.fd = fd;
    let header: SweepHeader | null = null;
    let offsets = new Float64Array(0);
    let lengths = new Uint32Array(0);
    const metrics = new Set<string>();
    let count = 0;
    let partCount = 0;
    let fewest: number | null = null;
    const runs = (r: number) => {
      if (Number.isFinite(r) && (fewest === null || r < fewest)) fewest = r;
    };
    let skipped = 0;
    let lineNumber = 0;
    const onLine = (bytes: Buffer, offset: number) => {
      lineNumber++;
      const text = bytes.toString("utf8");
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        if (lenient && header !== null) {
          skipped++;
          return;
        }
        throw new UsageError(
          header === null
            ? `invalid points file: ${file} (expected a gilsim sweep points file)`
            : `invalid points file: ${file} (line ${lineNumber} is not JSON; a rerun of its sweep keeps the whole lines and runs the rest again)`,
        );
      }
      if (header === null) {
        header = checkHeader(value, file);
        offsets = new Float64Array(header.size).fill(-1);
        lengths = new Uint32Array(header.size);
        return;
      }
      const row = value as PointRow | PartRow;
      const i = row?.index;
      if (!Number.isInteger(i) || i < 0 || i >= header.size) {
        throw new UsageError(`invalid points file: ${file} (point index ${i} outside the grid of ${header.size})`);
      }
      if (isPart(row)) {
        const [from, to] = Array.isArray(row.part) ? row.part : [];
        if (
          !Number.isInteger(from) ||
          !Number.isInteger(to) ||
          (from as number) < 0 ||
          (to as number) <= (from as number)
        ) {
          throw new UsageError(`invalid points file: ${file} (line ${lineNumber} has no valid part)`);
        }
        const list = this.parts.get(i) ?? [];
        const same = list.find((p) => p.from === from && p.to === to);
        if (same) {
          if (this.read(same.offset, same.length) !== text) {
            throw new UsageError(
              `invalid points file: ${file} (replications ${from}-${to} of point ${row.key} twice, with different results)`,
            );
          }
          return;
        }
        list.push({ index: i, from: from as number, to: to as number, offset, length: bytes.length });
        this.parts.set(i, list);
        partCount++;
        runs(row.replications);
        for (const m of Object.keys(row.runs ?? {})) metrics.add(m);
        return;
      }
      if (offsets[i] !== -1) {
        if (this.read(offsets[i] as number, lengths[i] as number) !== text) {
          throw new UsageError(`invalid points file: ${file} (point ${row.key} twice, with different results)`);
        }
        return;
      }
      offsets[i] = offset;
      lengths[i] = bytes.length;
      count++;
      runs(row.replications);
      for (const m of Object.keys(row.summary ?? {})) metrics.add(m);
    };
    this.wholeBytes = scanLines(fd, onLine);
    this.bytes = fstatSync(fd).size;
    if (header === null) throw new UsageError(`invalid points file: ${file} (expected a gilsim sweep points file)`);
    for (const list of this.parts.values()) list.sort((a, b) => a.from - b.from || a.to - b.to);
    this.header = header;
    this.offsets = offsets;
    this.lengths = lengths;
    this.count = count;
    this.partCount = partCount;
    this.skipped = skipped;
    this.metrics = [...metrics].sort();
    this.fewestReplications = fewest;
  }

  /** Opens and scans a points file. */
  static open(file: string, options: OpenOptions = {}): PointFile {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      throw new UsageError(`cannot read points file ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    try {
      return new PointFile(file, fd, options.lenient ?? false);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Whether the file holds the whole of point `index`. */
  has(index: number): boolean {
    return (this.offsets[index] ?? -1) >= 0;
  }

  /** The parts of point `index` in the file, by first replication. */
  partsOf(index: number): readonly PartRef[] {
    return this.parts.get(index) ?? [];
  }

  /** Every part in the file, in grid order. */
  *allParts(): Generator<PartRef> {
    for (const i of [...this.parts.keys()].sort((a, b) => a - b)) yield* this.parts.get(i) ?? [];
  }

  /** Whether the file holds replications [from, to) of point `index`: the whole point, or that very part. */
  hasUnit(index: number, from: number, to: number): boolean {
    return this.has(index) || this.partsOf(index).some((p) => p.from === from && p.to === to);
  }

  /** A part's line, as written. */
  partLine(ref: PartRef): string {
    return this.read(ref.offset, ref.length);
  }

  partRow(ref: PartRef): PartRow {
    return JSON.parse(this.partLine(ref)) as PartRow;
  }

  /** The line of point `index`, as written. */
  line(index: number): string {
    if (!this.has(index)) throw new RangeError(`invalid point index: ${index} (not in ${this.file})`);
    return this.read(this.offsets[index] as number, this.lengths[index] as number);
  }

  row(index: number): PointRow {
    return JSON.parse(this.line(index)) as PointRow;
  }

  /** The indices of the points in the file, in grid order. */
  *indices(): Generator<number> {
    for (let i = 0; i < this.offsets.length; i++) if ((this.offsets[i] as number) >= 0) yield i;
  }

  /** The rows in grid order, read one at a time. */
  *rows(): Generator<PointRow> {
    for (const i of this.indices()) yield this.row(i);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private read(offset: number, length: number): string {
    const buffer = Buffer.allocUnsafe(length);
    let at = 0;
    while (at < length) {
      const n = readSync(this.fd, buffer, at, length - at, offset + at);
      if (n === 0) throw new Error(`${this.file} changed while it was read`);
      at += n;
    }
    return buffer.toString("utf8");
  }
}

function checkHeader(value: unknown, file: string): SweepHeader {
  const header = value as SweepHeader | null;
  if (header?.format !== "gilsim-sweep-points" || !Number.isSafeInteger(header.size)) {
    throw new UsageError(`invalid points file: ${file} (expected a gilsim sweep points file)`);
  }
  if (header.version !== POINTS_VERSION) {
    throw new UsageError(
      `invalid points file: ${file} (format ${header.version}, written by another gilsim version; this one reads format ${POINTS_VERSION}: run the sweep again with --restart)`,
    );
  }
  return header;
}

/**
 * Calls `onLine` with each whole line of a file (without its newline) and its byte offset,
 * reading it in chunks; returns the number of bytes in whole lines.
 */
function scanLines(fd: number, onLine: (bytes: Buffer, offset: number) => void): number {
  const chunk = Buffer.allocUnsafe(CHUNK);
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = 0;
  let position = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, CHUNK, position);
    if (n === 0) break;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    const base = carry.length > 0 ? carryStart : position;
    position += n;
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
      if (nl > start) onLine(data.subarray(start, nl), base + start);
      start = nl + 1;
    }
    carry = Buffer.from(data.subarray(start));
    carryStart = base + start;
  }
  return carryStart;
}
