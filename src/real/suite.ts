import { PYTHON_VERSIONS, type PythonVersion } from "../model/profiles.js";
import type { ScenarioInput } from "../scenario/schema.js";

/*
 * The validation suite: scenarios run both simulated and in real CPython, sized to take 0.5 to 2 s
 * each on a 2-core machine. The six `target` scenarios carry the accuracy target (median absolute
 * error of makespan and p95 latency at most 5%, none worse than 15%); the others document where the
 * model is known to miss. Their real runs are recorded in data/validation/<id>.json (recording.ts).
 */

export interface SuiteEntry {
  id: string;
  title: string;
  /** What it exercises, in a sentence. */
  covers: string;
  /** Part of the accuracy target (else: shown apart, beyond the six scenarios of the target). */
  target: boolean;
  input: ScenarioInput;
}

const base = { machine: { cores: 2 }, runtime: { python: "3.11" } } as const;
const cruncher = [{ name: "cruncher", steps: [{ repeat: "forever" as const, steps: [{ cpu: "100ms" }] }] }];

export const SUITE: readonly SuiteEntry[] = [
  {
    id: "io-asyncio",
    title: "IO-bound asyncio",
    covers: "800 requests at 1000/s on one event loop: 100 µs of Python, an exponential 20 ms await, 50 µs of Python",
    target: true,
    input: {
      name: "io-asyncio",
      seed: 11,
      ...base,
      executor: { kind: "asyncio", offload: "none" },
      workload: {
        arrivals: { kind: "poisson", rate: "1000/s", count: 800 },
        classes: [{ steps: [{ cpu: "100us" }, { io: { dist: "exponential", mean: "20ms" } }, { cpu: "50us" }] }],
      },
    },
  },
  {
    id: "cpu-threads",
    title: "CPU-bound threads under the GIL",
    covers: "32 tasks of 25 ms of pure Python on 4 threads: the GIL runs one at a time, in switch-interval slices",
    target: true,
    input: {
      name: "cpu-threads",
      seed: 12,
      ...base,
      executor: { kind: "threads", workers: 4 },
      workload: { arrivals: { kind: "batch", count: 32 }, classes: [{ steps: [{ cpu: "25ms" }] }] },
    },
  },
  {
    id: "gil-release",
    title: "GIL-releasing threads",
    covers: "100 tasks of 1 ms of Python then 10 ms of hashing that releases the GIL, on 4 threads and 2 cores",
    target: true,
    input: {
      name: "gil-release",
      seed: 13,
      ...base,
      executor: { kind: "threads", workers: 4 },
      workload: {
        arrivals: { kind: "batch", count: 100 },
        classes: [{ steps: [{ cpu: "1ms" }, { cpu: "10ms", gil: "release" }] }],
      },
    },
  },
  {
    id: "convoy",
    title: "The convoy effect",
    covers: "80 requests at 100/s (1 ms of IO, 50 µs of Python) on one worker thread beside a CPU-bound thread",
    target: true,
    input: {
      name: "convoy",
      seed: 14,
      ...base,
      executor: { kind: "threads", workers: 1 },
      workload: {
        arrivals: { kind: "fixed", rate: "100/s", count: 80 },
        classes: [{ steps: [{ io: "1ms" }, { cpu: "50us" }] }],
      },
      background: cruncher,
      run: { until: "1s" },
    },
  },
  {
    id: "mixed",
    title: "asyncio with a thread-pool executor",
    covers:
      "200 requests at 200/s: 300 µs of Python on the loop, a blocking call (3 ms wait, 500 µs of Python) in the executor, a 5 ms await, 200 µs of Python",
    target: true,
    input: {
      name: "mixed",
      seed: 15,
      ...base,
      executor: { kind: "asyncio", offload: { kind: "threads", workers: 4 } },
      workload: {
        arrivals: { kind: "poisson", rate: "200/s", count: 200 },
        classes: [
          {
            steps: [{ cpu: "300us" }, { offload: [{ io: "3ms" }, { cpu: "500us" }] }, { io: "5ms" }, { cpu: "200us" }],
          },
        ],
      },
    },
  },
  {
    id: "process-pool",
    title: "A process pool",
    covers: "40 tasks of 20 ms of Python with 4 KiB payloads on 2 worker processes",
    target: true,
    input: {
      name: "process-pool",
      seed: 16,
      ...base,
      executor: { kind: "processes", workers: 2 },
      workload: { arrivals: { kind: "batch", count: 40 }, classes: [{ payload: "4KiB", steps: [{ cpu: "20ms" }] }] },
    },
  },
  {
    id: "mixed-release",
    title: "Known gap: GIL-releasing work offloaded from asyncio",
    covers: "as mixed, but the executor hashes for 4 ms (GIL released): the workers' waits for the GIL",
    target: false,
    input: {
      name: "mixed-release",
      seed: 15,
      ...base,
      executor: { kind: "asyncio", offload: { kind: "threads", workers: 4 } },
      workload: {
        arrivals: { kind: "poisson", rate: "200/s", count: 200 },
        classes: [
          { steps: [{ cpu: "300us" }, { offload: [{ cpu: "4ms", gil: "release" }] }, { io: "5ms" }, { cpu: "200us" }] },
        ],
      },
    },
  },
  {
    id: "convoy-closed",
    title: "Beyond the target: a closed loop of requests beside a CPU-bound thread",
    covers:
      "one client issuing 100 requests back to back on the main thread, which keeps the GIL from one request to the next",
    target: false,
    input: {
      name: "convoy-closed",
      seed: 14,
      ...base,
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "closed", clients: 1, count: 100 },
        classes: [{ steps: [{ io: "1ms" }, { cpu: "50us" }] }],
      },
      background: cruncher,
      run: { until: "1s" },
    },
  },
];

/** The suite entry with this id; throws a RangeError naming the ids otherwise. */
/**
 * Figures of the target scenarios that miss the 15% limit against the recordings in
 * data/validation/, with the error measured when they were listed (simulated minus real, over
 * real). The suite test holds every other figure to the limit and fails when a listed one passes,
 * so this list is always the current one. docs/model.md says why each misses.
 */
export const SUITE_KNOWN_GAPS: Readonly<
  Record<string, { metric: "makespan" | "latency.p95"; error: number; why: string }>
> = {
  convoy: {
    metric: "latency.p95",
    error: 0.197,
    why: "in CPython 13 to 25 of a run's 80 tasks take over 16 ms and at most 2 over 25 ms; in the model 6 over 16 ms and 2 over 25 ms (up to 32 ms, switches lost in a row) since woken threads go back to their busy previous CPU (machine.sharedCache false); +98% while a new thread counted as asleep since the run began, 30.9% low before the placement change",
  },
};

export function suiteEntry(id: string): SuiteEntry {
  const e = SUITE.find((s) => s.id === id);
  if (!e)
    throw new RangeError(
      `invalid suite scenario: ${JSON.stringify(id)} (expected one of ${SUITE.map((s) => s.id).join(", ")})`,
    );
  return e;
}

/** The scenario modelling the Python version that runs it ("3.12.1" -> runtime.python "3.12"), when gilsim has that profile. */
export function forPython(input: ScenarioInput, version: string): ScenarioInput {
  const minor = version.split(".").slice(0, 2).join(".");
  if (!(PYTHON_VERSIONS as readonly string[]).includes(minor)) return input;
  return { ...input, runtime: { ...input.runtime, python: minor as PythonVersion } };
}
