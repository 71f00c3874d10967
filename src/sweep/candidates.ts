import type { PythonVersion } from "../model/profiles.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";
import { setAt } from "./path.js";

/** An executor layout the recommender sizes: how to write it into a scenario, and what it costs. */
export interface Candidate {
  /** Short id, for --kinds: "threads", "processes", "asyncio", "asyncio+threads", ... */
  id: string;
  /** Shown in reports: "threads (3.13t, GIL off)". */
  label: string;
  /** What the size counts, singular and plural: workers of a pool, or event loops. */
  unit: [string, string];
  /** The scenario object with this layout at `size` workers. */
  apply(raw: unknown, size: number): unknown;
  /** Processes and threads it runs at `size`: fewer processes first, then fewer threads, is smaller. */
  cost(size: number): { processes: number; threads: number };
}

/** Whether any task step (inside repeats too) offloads to the loop's executor. */
export function offloads(scenario: Scenario): boolean {
  const walk = (steps: readonly Step[]): boolean =>
    steps.some((s) => s.kind === "offload" || (s.kind === "repeat" && walk(s.steps)));
  return scenario.workload.classes.some((c) => walk(c.steps));
}

const WORKERS: [string, string] = ["worker", "workers"];

function freeThreaded(raw: unknown, python: PythonVersion): unknown {
  return setAt(setAt(raw, ["runtime", "python"], python), ["runtime", "gil"], "off");
}

function pool(kind: "threads" | "processes", size: number) {
  return { kind, workers: size };
}

/**
 * The layouts that can run a workload. Tasks that offload steps need an asyncio loop, sized by
 * its executor's workers (threads or processes); other tasks run on a thread pool, a process
 * pool, or asyncio loops in `size` processes. With a free-threaded build (`python` "3.13t" or
 * "3.14t"), the thread layouts are tried again with the GIL off.
 */
export function candidatesFor(scenario: Scenario, python: PythonVersion | null): Candidate[] {
  const out: Candidate[] = [];
  const nogil = python === null ? "" : ` (${python}, GIL off)`;
  const withBuild = (apply: Candidate["apply"]): Candidate["apply"] =>
    python === null ? apply : (raw, size) => apply(freeThreaded(raw, python), size);
  if (offloads(scenario)) {
    const loops = scenario.executor.kind === "asyncio" ? scenario.executor.loops : 1;
    const asyncio = (kind: "threads" | "processes") => (raw: unknown, size: number) =>
      setAt(raw, ["executor"], { kind: "asyncio", loops, offload: pool(kind, size) });
    out.push({
      id: "asyncio+threads",
      label: "asyncio + thread pool",
      unit: WORKERS,
      apply: asyncio("threads"),
      cost: (n) => ({ processes: loops, threads: loops * (1 + n) }),
    });
    out.push({
      id: "asyncio+processes",
      label: "asyncio + process pool",
      unit: WORKERS,
      apply: asyncio("processes"),
      cost: (n) => ({ processes: loops * (1 + n), threads: loops * (1 + n) }),
    });
    if (python !== null) {
      out.push({
        id: "asyncio+threads-nogil",
        label: `asyncio + thread pool${nogil}`,
        unit: WORKERS,
        apply: withBuild(asyncio("threads")),
        cost: (n) => ({ processes: loops, threads: loops * (1 + n) }),
      });
    }
    return out;
  }
  const threads = (raw: unknown, size: number) => setAt(raw, ["executor"], pool("threads", size));
  out.push({
    id: "threads",
    label: "thread pool",
    unit: WORKERS,
    apply: threads,
    cost: (n) => ({ processes: 1, threads: n }),
  });
  out.push({
    id: "processes",
    label: "process pool",
    unit: WORKERS,
    apply: (raw, size) => setAt(raw, ["executor"], pool("processes", size)),
    cost: (n) => ({ processes: 1 + n, threads: 1 + n }),
  });
  out.push({
    id: "asyncio",
    label: "asyncio loops",
    unit: ["loop", "loops"],
    apply: (raw, size) => setAt(raw, ["executor"], { kind: "asyncio", loops: size, offload: "none" }),
    cost: (n) => ({ processes: n, threads: n }),
  });
  if (python !== null) {
    out.push({
      id: "threads-nogil",
      label: `thread pool${nogil}`,
      unit: WORKERS,
      apply: withBuild(threads),
      cost: (n) => ({ processes: 1, threads: n }),
    });
  }
  return out;
}

/** Orders (candidate, size) pairs from smallest: fewer processes, then fewer threads. */
export function compareCost(a: { processes: number; threads: number }, b: { processes: number; threads: number }) {
  return a.processes - b.processes || a.threads - b.threads;
}
