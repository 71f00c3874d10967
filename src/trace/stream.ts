import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Nanos } from "../engine/time.js";
import { outputTarget, writeFailure } from "../io/atomic.js";
import { removeStaleTemps, trackTemp, untrackTemp } from "../io/temp-files.js";
import type { TraceHeader, TraceSink } from "./sink.js";
import type {
  GilHold,
  LoopIteration,
  Marker,
  StateInterval,
  TaskRecord,
  ThreadInfo,
  ThreadRole,
  ThreadState,
  Trace,
} from "./types.js";

/** Flush to disk whenever this much text is buffered. */
const FLUSH_AT = 1 << 20;

/**
 * Writes a trace to disk while the simulation runs, one JSON line per record, so recording a
 * long run takes no memory for the trace itself. Lines: a header object, then arrays tagged
 * "thread", "i" (state interval), "g" (GIL hold), "m" (marker), "t" (task), "l" (loop
 * iteration), and last ["end", time]. The file is written to a temporary name beside the target
 * (its folder created if needed) and renamed when the run ends; an aborted run leaves nothing. A
 * device or a pipe (/dev/stdout) is written straight through (see src/io/atomic.ts).
 */
export class TraceWriter implements TraceSink {
  private readonly fd: number;
  /** The temporary file, or null when writing straight through to a device or a pipe. */
  private readonly temp: string | null;
  private readonly target: string;
  private buffer = "";
  private closed = false;

  constructor(
    readonly path: string,
    header: TraceHeader,
  ) {
    const target = outputTarget(path);
    this.target = target.path;
    let temp: string | null = null;
    try {
      if (target.kind === "stream") this.fd = openSync(target.path, "w");
      else {
        mkdirSync(dirname(target.path), { recursive: true });
        removeStaleTemps(target.path);
        temp = trackTemp(target.path);
        this.fd = openSync(temp, "w");
      }
    } catch (error) {
      if (temp !== null) untrackTemp(temp);
      throw writeFailure(path, error);
    }
    this.temp = temp;
    this.line({ format: "gilsim-trace", version: 1, ...header });
  }

  private line(value: unknown): void {
    this.buffer += `${JSON.stringify(value)}\n`;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    try {
      if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    } catch (error) {
      throw writeFailure(this.path, error);
    }
    this.buffer = "";
  }

  thread(t: ThreadInfo): void {
    this.line(["thread", t.id, t.name, t.process, t.role]);
  }
  interval(thread: number, state: ThreadState, start: Nanos, end: Nanos): void {
    this.line(["i", thread, state, start, end]);
  }
  gilHold(h: GilHold): void {
    this.line(["g", h.process, h.thread, h.start, h.end, h.reason]);
  }
  marker(m: Marker): void {
    this.line(["m", m.time, m.thread, m.process, m.kind]);
  }
  task(t: TaskRecord): void {
    this.line(["t", t]);
  }
  iteration(it: LoopIteration): void {
    this.line(["l", it.process, it.thread, it.start, it.end, it.callbacks]);
  }

  /** Writes the end line and moves the file into place. */
  close(end: Nanos): void {
    if (this.closed) return;
    this.line(["end", end]);
    this.flush();
    closeSync(this.fd);
    this.closed = true;
    if (this.temp === null) return;
    try {
      renameSync(this.temp, this.target);
    } catch (error) {
      this.removeTemp();
      throw writeFailure(this.path, error);
    }
    untrackTemp(this.temp);
  }

  private removeTemp(): void {
    if (this.temp === null) return;
    rmSync(this.temp, { force: true });
    untrackTemp(this.temp);
  }

  /** Removes the partial file (the run failed). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    this.removeTemp();
  }
}

/** simulate's `traceSink` for a file: `simulate(s, { traceSink: traceFile("run.jsonl") })`. */
export function traceFile(path: string): (header: TraceHeader) => TraceWriter {
  return (header) => new TraceWriter(path, header);
}

/** Reads a trace written by TraceWriter back into memory. */
export function readTraceFile(path: string): Trace {
  const lines = readFileSync(path, "utf8").split("\n");
  const header = parseHeader(lines[0] ?? "");
  if (!header) throw new Error(`invalid trace file: ${path} (expected a gilsim trace)`);
  const trace: Trace = {
    scenario: header.scenario,
    seed: header.seed,
    cores: header.cores,
    end: 0,
    threads: [],
    intervals: [],
    gil: [],
    markers: [],
    tasks: [],
    iterations: [],
  };
  let ended = false;
  for (let n = 1; n < lines.length; n++) {
    const text = lines[n];
    if (!text) continue;
    const r = JSON.parse(text) as unknown[];
    switch (r[0]) {
      case "thread":
        trace.threads.push({
          id: r[1] as number,
          name: r[2] as string,
          process: r[3] as number,
          role: r[4] as ThreadRole,
        });
        break;
      case "i":
        trace.intervals.push({ thread: r[1], state: r[2], start: r[3], end: r[4] } as StateInterval);
        break;
      case "g":
        trace.gil.push({ process: r[1], thread: r[2], start: r[3], end: r[4], reason: r[5] } as GilHold);
        break;
      case "m":
        trace.markers.push({ time: r[1], thread: r[2], process: r[3], kind: r[4] } as Marker);
        break;
      case "t":
        trace.tasks.push(r[1] as TaskRecord);
        break;
      case "l":
        trace.iterations.push({
          process: r[1],
          thread: r[2],
          start: r[3],
          end: r[4],
          callbacks: r[5],
        } as LoopIteration);
        break;
      case "end":
        trace.end = r[1] as number;
        ended = true;
        break;
      default:
        throw new Error(`invalid trace file: ${path} (line ${n + 1} is not a trace record)`);
    }
  }
  if (!ended) throw new Error(`invalid trace file: ${path} (it has no end line: the run did not finish)`);
  return trace;
}

interface Header {
  format: "gilsim-trace";
  scenario: string;
  seed: number;
  cores: number;
}

function parseHeader(text: string): Header | null {
  try {
    const h = JSON.parse(text) as Partial<Header> | null;
    return h?.format === "gilsim-trace" ? (h as Header) : null;
  } catch {
    return null;
  }
}
