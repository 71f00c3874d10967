import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../io/atomic.js";
import type { ScenarioInput } from "../scenario/schema.js";
import { type CompactTrace, compactTrace, expandTrace } from "./compact.js";
import type { RealRun } from "./compare.js";

/*
 * Recorded real runs of the validation suite, data/validation/<id>.json: the scenario as it was
 * run and each run's trace in compact form (the first run with its timeline, the others with each
 * thread's time per state), so the validation figures can be drawn again without Python.
 */

/** Where the recorded runs live. */
export const DATA_DIR = fileURLToPath(new URL("../../data/validation/", import.meta.url));

/** One recorded real run (the trace compacted, see compact.ts). */
export interface RecordedRun {
  python: string;
  busyBefore: number | null;
  busyAfter: number | null;
  warnings: string[];
  trace: CompactTrace;
}

/** data/validation/<id>.json: the scenario as it was run and its real runs. */
export interface Recording {
  format: 1;
  id: string;
  /** When it was recorded (ISO 8601). */
  recorded: string;
  /** The harness's niceness during the runs (null: not raised). */
  nice: number | null;
  /** The scenario as run (runtime.python set to the interpreter's version). */
  input: ScenarioInput;
  runs: RecordedRun[];
}

/** The recording of real runs, ready to write. */
export function toRecording(
  id: string,
  input: ScenarioInput,
  runs: readonly RealRun[],
  nice: number | null,
  recorded = new Date(),
): Recording {
  return {
    format: 1,
    id,
    recorded: recorded.toISOString(),
    nice,
    input,
    runs: runs.map((r, k) => ({
      python: r.python,
      busyBefore: r.busyBefore === null ? null : Math.round(r.busyBefore * 1000) / 1000,
      busyAfter: r.busyAfter === null ? null : Math.round(r.busyAfter * 1000) / 1000,
      warnings: r.warnings,
      // The first run keeps its timeline; the others only each thread's time per state.
      trace: compactTrace(r.trace, { lanes: k === 0 ? "full" : "totals" }),
    })),
  };
}

/** The real runs of a recording as the comparison takes them. */
export function recordedRuns(rec: Recording): Omit<RealRun, "metrics">[] {
  return rec.runs.map((r) => ({
    python: r.python,
    busyBefore: r.busyBefore,
    busyAfter: r.busyAfter,
    warnings: r.warnings,
    trace: expandTrace(r.trace),
  }));
}

export function recordingPath(id: string, dir = DATA_DIR): string {
  return `${dir.replace(/\/?$/, "/")}${id}.json`;
}

/** Reads data/validation/<id>.json; throws an Error naming the file when it is missing or not a recording. */
export function readRecording(id: string, dir = DATA_DIR): Recording {
  const path = recordingPath(id, dir);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(
      `cannot read the recorded runs ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); record them with --live`,
    );
  }
  const rec = value as Partial<Recording>;
  if (rec.format !== 1 || rec.id !== id || !Array.isArray(rec.runs) || rec.runs.length === 0 || !rec.input) {
    throw new Error(`${path} is not a recording of ${id} (expected format 1 with its input and at least one run)`);
  }
  return rec as Recording;
}

/** Writes a recording atomically, compact (one run per line). */
export async function writeRecording(rec: Recording, dir = DATA_DIR): Promise<string> {
  const path = recordingPath(rec.id, dir);
  const { runs, ...head } = rec;
  const text = `${JSON.stringify(head, null, 1).replace(/\n}$/, "")},\n "runs": [\n${runs.map((r) => `  ${JSON.stringify(r)}`).join(",\n")}\n ]\n}\n`;
  await writeFileAtomic(path, text);
  return path;
}
