import type { ScenarioInput } from "./schema.js";

/*
 * Named scenarios, one per classic shape of Python concurrency. Each is a plain ScenarioInput,
 * exactly what a scenario file holds, with its name as its "name" and a one-line description.
 */

const PRESETS = {
  "asyncio-io": {
    name: "asyncio-io",
    description: "IO-bound asyncio: 1000 coroutines each await a 10ms wait at once; the loop overlaps them all.",
    executor: { kind: "asyncio", offload: "none" },
    workload: {
      arrivals: { kind: "batch", count: 1000 },
      classes: [{ name: "wait", steps: [{ io: "10ms" }] }],
    },
  },
  "threads-cpu": {
    name: "threads-cpu",
    description:
      "CPU-bound pure Python on 4 threads with the GIL: 8 tasks of 50ms take about as long as on one thread.",
    machine: { cores: 4 },
    executor: { kind: "threads", workers: 4 },
    workload: {
      arrivals: { kind: "batch", count: 8 },
      classes: [{ name: "compute", steps: [{ cpu: "50ms" }] }],
    },
  },
  "threads-hashing": {
    name: "threads-hashing",
    description: "GIL-releasing C code (hashlib on big buffers) on 4 threads: 8 tasks of 50ms use all 4 cores.",
    machine: { cores: 4 },
    executor: { kind: "threads", workers: 4 },
    workload: {
      arrivals: { kind: "batch", count: 8 },
      classes: [{ name: "sha256", steps: [{ cpu: "50ms", gil: "release" }] }],
    },
  },
  "free-threaded": {
    name: "free-threaded",
    description:
      "The threads-cpu workload on free-threaded 3.14t (no GIL): pure Python runs in parallel, a little slower.",
    machine: { cores: 4 },
    runtime: { python: "3.14t" },
    executor: { kind: "threads", workers: 4 },
    workload: {
      arrivals: { kind: "batch", count: 8 },
      classes: [{ name: "compute", steps: [{ cpu: "50ms" }] }],
    },
  },
  convoy: {
    name: "convoy",
    description:
      "Convoy effect (bpo-7946): a thread doing 200 short IO calls waits about a switch interval for the GIL after each one, because a CPU-bound background thread holds it.",
    machine: { cores: 4 },
    executor: { kind: "sync" },
    workload: {
      arrivals: { kind: "batch", count: 1 },
      classes: [{ name: "io-loop", steps: [{ repeat: 200, steps: [{ io: "1ms" }, { cpu: "20us" }] }] }],
    },
    background: [{ name: "cruncher", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] }],
    run: { until: "5s" },
  },
  "asyncio-offload": {
    name: "asyncio-offload",
    description:
      "asyncio with run_in_executor: API requests on the loop, and reports that offload 20ms of GIL-releasing work to a pool of 4 threads.",
    machine: { cores: 4 },
    executor: { kind: "asyncio", offload: { kind: "threads", workers: 4 } },
    workload: {
      arrivals: { kind: "poisson", rate: "100/s", count: 1000 },
      classes: [
        { name: "api", weight: 3, steps: [{ cpu: "1ms" }, { io: { dist: "exponential", mean: "20ms" } }] },
        { name: "report", weight: 1, steps: [{ cpu: "200us" }, { offload: [{ cpu: "20ms", gil: "release" }] }] },
      ],
    },
  },
  "process-pool": {
    name: "process-pool",
    description:
      "CPU-bound pure Python in a pool of 4 worker processes: each has its own GIL, so 16 tasks of 50ms run 4 at a time, plus pickling and start-up.",
    machine: { cores: 4 },
    executor: { kind: "processes", workers: 4 },
    workload: {
      arrivals: { kind: "batch", count: 16 },
      classes: [{ name: "compute", payload: "64KiB", steps: [{ cpu: "50ms" }] }],
    },
  },
  "web-api": {
    name: "web-api",
    description:
      "Web API capacity: 500 requests/s, each 2ms of CPU then a 30ms database call, on one asyncio loop; the CPU alone needs the whole loop.",
    machine: { cores: 4 },
    executor: { kind: "asyncio", offload: "none" },
    workload: {
      arrivals: { kind: "poisson", rate: "500/s", count: 5000 },
      classes: [{ name: "request", steps: [{ cpu: "2ms" }, { io: "30ms" }] }],
    },
    run: { warmup: "1s" },
  },
} satisfies Record<string, ScenarioInput & { name: string; description: string }>;

export type PresetName = keyof typeof PRESETS;

/** The preset names, in the order they are listed. */
export function presetNames(): PresetName[] {
  return Object.keys(PRESETS) as PresetName[];
}

/** Whether `name` names a preset. */
export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** A fresh copy of a preset (callers may edit it), or undefined for an unknown name. */
export function getPreset(name: string): ScenarioInput | undefined {
  return isPresetName(name) ? structuredClone(PRESETS[name]) : undefined;
}

/** A preset's one-line description. */
export function presetDescription(name: PresetName): string {
  return PRESETS[name].description;
}
