import { closeSync, openSync, readSync } from "node:fs";
import { UsageError } from "../io/usage-error.js";
import type { PointRow, SweepHeader } from "./store.js";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * A points file opened for reading in grid order without holding its rows: one scan records
 * where each point's line is (8 + 4 bytes per grid point), then lines are read back one at a
 * time. A last line cut short (the writer was killed mid-line) is left out. Problems with the
 * file are UsageErrors naming it, like every problem with the files a command is given.
 */
export class PointFile {
  readonly header: SweepHeader;
  /** Distinct points in the file. */
  readonly count: number;
  /** Every metric name in the rows' summaries, sorted. */
  readonly metrics: string[];
  /** Bytes of whole lines: a cut-short last line starts here. */
  readonly wholeBytes: number;
  private readonly offsets: Float64Array;
  private readonly lengths: Uint32Array;
  private fd: number;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
    let header: SweepHeader | null = null;
    let offsets = new Float64Array(0);
    let lengths = new Uint32Array(0);
    const metrics = new Set<string>();
    let count = 0;
    let lineNumber = 0;
    const onLine = (bytes: Buffer, offset: number) => {
      lineNumber++;
      const text = bytes.toString("utf8");
      const value = this.parse(text, lineNumber);
      if (header === null) {
        header = value as SweepHeader;
        if (header?.format !== "gilsim-sweep-points" || header.version !== 1 || !Number.isSafeInteger(header.size)) {
          throw new UsageError(`invalid points file: ${file} (expected a gilsim sweep points file)`);
        }
        offsets = new Float64Array(header.size).fill(-1);
        lengths = new Uint32Array(header.size);
        return;
      }
      const row = value as PointRow;
      const i = row?.index;
      if (!Number.isInteger(i) || i < 0 || i >= header.size) {
        throw new UsageError(`invalid points file: ${file} (point index ${i} outside the grid of ${header.size})`);
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
      for (const m of Object.keys(row.summary ?? {})) metrics.add(m);
    };
    this.wholeBytes = scanLines(fd, onLine);
    if (header === null) throw new UsageError(`invalid points file: ${file} (expected a gilsim sweep points file)`);
    this.header = header;
    this.offsets = offsets;
    this.lengths = lengths;
    this.count = count;
    this.metrics = [...metrics].sort();
  }

  /** Opens and scans a points file. */
  static open(file: string): PointFile {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      throw new UsageError(`cannot read points file ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    try {
      return new PointFile(file, fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  has(index: number): boolean {
    return (this.offsets[index] ?? -1) >= 0;
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

  private parse(text: string, line: number): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new UsageError(`invalid points file: ${this.file} (line ${line} is not JSON)`);
    }
  }
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
