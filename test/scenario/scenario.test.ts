import { describe, expect, test } from "vitest";
import { MS, SECOND, US } from "../../src/engine/time.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { defaultSlice, parseScenario, scenario, validateScenario } from "../../src/scenario/scenario.js";

// biome-ignore lint/suspicious/noExplicitAny: bad inputs are free-form JSON, edited at any depth
type Loose = Record<string, any>;

/** A small valid scenario; each bad case edits a fresh copy. */
function base(): Loose {
  return {
    executor: { kind: "asyncio" },
    workload: { arrivals: { kind: "batch", count: 10 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
  };
}

function problemsOf(input: unknown): string {
  try {
    parseScenario(input, "x.json");
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("parseScenario", () => {
  test("parseScenario(minimal) fills every default once", () => {
    const s = parseScenario(base());
    expect(s.name).toBe("scenario");
    expect(s.description).toBe("");
    expect(s.seed).toBe(1);
    expect(s.machine.cores).toBe(4);
    // EEVDF base slice 0.75 ms x (1 + ilog2(4)) = 2.25 ms.
    expect(s.machine.slice).toBe(2250 * US);
    expect(s.runtime.python).toBe("3.12");
    expect(s.runtime.gil).toBe(true);
    expect(s.runtime.freeThreadedBuild).toBe(false);
    expect(s.runtime.switchInterval).toBe(5 * MS);
    expect(s.runtime.startMethod).toBe("fork");
    // ThreadPoolExecutor: min(32, cpu_count + 4); asyncio's default executor is one.
    expect(s.executor).toEqual({ kind: "asyncio", loops: 1, offload: { kind: "threads", workers: 8 } });
    expect(s.workload.concurrency).toBeNull();
    expect(s.workload.classes).toEqual([
      {
        name: "task",
        weight: 1,
        payload: 1024,
        steps: [{ kind: "cpu", duration: { dist: "constant", value: MS }, gil: "python" }],
      },
    ]);
    expect(s.background).toEqual([]);
    expect(s.run).toEqual({ until: null, warmup: 0, replications: 1, confidence: 0.95, trace: true });
  });

  test("parseScenario gives thread pools min(32, cores + 4) workers and process pools one per core", () => {
    for (const cores of [1, 4, 27, 28, 64]) {
      const threads = parseScenario({ ...base(), machine: { cores }, executor: { kind: "threads" } });
      expect(threads.executor).toEqual({ kind: "threads", workers: Math.min(32, cores + 4) });
      const procs = parseScenario({ ...base(), machine: { cores }, executor: { kind: "processes" } });
      expect(procs.executor).toMatchObject({ kind: "processes", workers: cores });
    }
  });

  test("parseScenario takes the slice from the kernel: EEVDF 0.75ms or 0.70ms x (1 + ilog2(min(C, 8)))", () => {
    expect(defaultSlice("eevdf", 1)).toBe(750 * US);
    expect(defaultSlice("eevdf", 2)).toBe(1500 * US);
    expect(defaultSlice("eevdf", 16)).toBe(3000 * US);
    expect(defaultSlice("eevdf-6.15", 8)).toBe(2800 * US);
    const s = parseScenario({ ...base(), machine: { cores: 2, kernel: "eevdf", slice: "4ms" } });
    expect(s.machine.slice).toBe(4 * MS);
  });

  test("parseScenario turns the GIL off by default on free-threaded builds and keeps it on elsewhere", () => {
    const ft = parseScenario({ ...base(), runtime: { python: "3.13t" } });
    expect(ft.runtime).toMatchObject({ python: "3.13t", gil: false, freeThreadedBuild: true, pythonSlowdown: 1.4 });
    const ftOn = parseScenario({ ...base(), runtime: { python: "3.14t", gil: "on" } });
    expect(ftOn.runtime.gil).toBe(true);
    const py314 = parseScenario({ ...base(), runtime: { python: "3.14" } });
    expect(py314.runtime).toMatchObject({ gil: true, startMethod: "forkserver" });
  });

  test("parseScenario applies runtime overrides in nanoseconds over the version profile", () => {
    const s = parseScenario({
      ...base(),
      runtime: { switchInterval: "1ms", gilWinner: "fifo", ipcPerByte: 2.5, timerSlack: 0, loopStepCost: "20us" },
    });
    expect(s.runtime.switchInterval).toBe(MS);
    expect(s.runtime.gilWinner).toBe("fifo");
    expect(s.runtime.ipcPerByte).toBe(2.5);
    expect(s.runtime.timerSlack).toBe(0);
    expect(s.runtime.loopStepCost).toEqual({ dist: "constant", value: 20 * US });
  });

  test("parseScenario gives a process pool with an explicit start method that method's start-up time", () => {
    const spawn = parseScenario({ ...base(), executor: { kind: "processes", startMethod: "spawn" } });
    const fork = parseScenario({ ...base(), executor: { kind: "processes" } });
    expect(spawn.executor).toMatchObject({ startMethod: "spawn" });
    expect(spawn.runtime.processStart).not.toEqual(fork.runtime.processStart);
    // spawn starts a fresh interpreter that imports the caller's modules: a median of 180 ms
    // against fork's 10 ms (the mechanism suite's first.spawn and first.fork, 3.9 to 3.13).
    expect(spawn.runtime.processStart).toMatchObject({ dist: "lognormal", mu: Math.log(180 * MS) });
    expect(fork.runtime.processStart).toMatchObject({ dist: "lognormal", mu: Math.log(10 * MS) });
  });

  test("parseScenario reads the briefing's full example", () => {
    const s = parseScenario({
      name: "api-mixed",
      seed: 7,
      machine: { cores: 4 },
      runtime: { python: "3.12", switchInterval: "5ms" },
      executor: { kind: "asyncio", offload: { kind: "threads", workers: 4 } },
      workload: {
        arrivals: { kind: "poisson", rate: "500/s", count: 5000 },
        concurrency: 100,
        classes: [
          { name: "api", weight: 3, steps: [{ cpu: "2ms" }, { io: { dist: "exponential", mean: "30ms" } }] },
          { name: "report", weight: 1, steps: [{ offload: [{ cpu: "20ms", gil: "release" }] }] },
        ],
      },
      background: [{ name: "cruncher", steps: [{ repeat: "forever", steps: [{ cpu: "50ms" }] }] }],
      run: { until: "30s", warmup: "1s", replications: 5, trace: true },
    });
    expect(s.workload.arrivals).toEqual({ kind: "poisson", rate: 500, count: 5000 });
    expect(s.workload.concurrency).toBe(100);
    expect(s.workload.classes[1]?.steps).toEqual([
      { kind: "offload", steps: [{ kind: "cpu", duration: { dist: "constant", value: 20 * MS }, gil: "release" }] },
    ]);
    expect(s.background[0]?.steps[0]).toMatchObject({ kind: "repeat", times: "forever" });
    expect(s.run).toMatchObject({ until: 30 * SECOND, warmup: SECOND, replications: 5 });
  });

  test("parseScenario defaults a closed population's think time to 0", () => {
    const s = parseScenario({
      ...base(),
      workload: { ...base().workload, arrivals: { kind: "closed", clients: 3, count: 9 } },
    });
    expect(s.workload.arrivals).toEqual({
      kind: "closed",
      clients: 3,
      count: 9,
      think: { dist: "constant", value: 0 },
    });
  });

  test("scenario() parses a typed object like parseScenario", () => {
    const typed = scenario({
      executor: { kind: "sync" },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ io: 5 }] }] },
    });
    expect(typed.workload.classes[0]?.steps[0]).toEqual({ kind: "io", duration: { dist: "constant", value: 5 * MS } });
  });
});

type Edit = (s: Loose) => unknown;
const step =
  (value: unknown): Edit =>
  (s) => {
    s.workload.classes[0].steps[0] = value;
    return s;
  };

/** Each kind of bad input, and the exact message it must give. */
const BAD: [string, Edit, string][] = [
  [
    "a negative duration",
    step({ io: "-5ms" }),
    'workload.classes[0].steps[0].io: "-5ms" is invalid (expected a duration of at least 0)',
  ],
  [
    "a negative number of ms",
    step({ cpu: -2 }),
    "workload.classes[0].steps[0].cpu: -2 is invalid (expected a duration of at least 0)",
  ],
  [
    "a duration without a unit",
    step({ cpu: "2 parsecs" }),
    'workload.classes[0].steps[0].cpu: "2 parsecs" is invalid (expected a duration like "250us", "2ms", "1.5s", or a number of milliseconds)',
  ],
  [
    "zero workers",
    (s) => ({ ...s, executor: { kind: "threads", workers: 0 } }),
    "executor.workers: 0 is invalid (expected a positive integer)",
  ],
  [
    "zero offload workers",
    (s) => ({ ...s, executor: { kind: "asyncio", offload: { kind: "processes", workers: 0 } } }),
    "executor.offload.workers: 0 is invalid (expected a positive integer)",
  ],
  ["an unknown option", (s) => ({ ...s, machine: { cores: 2, colour: "red" } }), "machine.colour: unknown option"],
  ["an unknown top-level option", (s) => ({ ...s, worklaod: {} }), "worklaod: unknown option"],
  [
    "a bad python version",
    (s) => ({ ...s, runtime: { python: "3.8" } }),
    'runtime.python: "3.8" is invalid (expected one of 3.9, 3.10, 3.11, 3.12, 3.13, 3.14, 3.13t, 3.14t)',
  ],
  [
    "gil off on a normal build",
    (s) => ({ ...s, runtime: { python: "3.13", gil: "off" } }),
    'runtime.gil: "off" needs a free-threaded build (python "3.13t" or "3.14t"), got python "3.13"',
  ],
  [
    "offload with a thread-pool executor",
    (s) => ({ ...step({ offload: [{ cpu: "1ms" }] })(s)!, executor: { kind: "threads" } }),
    'workload.classes[0].steps[0].offload: offloading needs an asyncio executor (executor.kind is "threads")',
  ],
  [
    'offload with executor.offload "none"',
    (s) => ({ ...step({ offload: [{ cpu: "1ms" }] })(s)!, executor: { kind: "asyncio", offload: "none" } }),
    'workload.classes[0].steps[0].offload: offloading needs an executor (executor.offload is "none")',
  ],
  [
    "an offload inside an offload",
    step({ offload: [{ offload: [{ cpu: "1ms" }] }] }),
    "workload.classes[0].steps[0].offload[0].offload: an offloaded step cannot offload again",
  ],
  [
    "an offload in a background thread",
    (s) => ({ ...s, background: [{ name: "bg", steps: [{ offload: [{ cpu: "1ms" }] }] }] }),
    "background[0].steps[0].offload: a background thread cannot offload",
  ],
  [
    'repeat "forever" inside a task',
    step({ repeat: "forever", steps: [{ cpu: "1ms" }] }),
    'workload.classes[0].steps[0].repeat: "forever" never ends inside a task (use a count, or a background thread with run.until)',
  ],
  [
    '"forever" in background without run.until',
    (s) => ({
      ...s,
      background: [{ name: "bg", steps: [{ cpu: "1ms" }, { repeat: "forever", steps: [{ cpu: "1ms" }] }] }],
    }),
    'background[0].steps[1].repeat: "forever" never ends without run.until',
  ],
  [
    "warmup >= until",
    (s) => ({ ...s, run: { until: "1s", warmup: "1000ms" } }),
    "run.warmup: 1s is invalid (expected less than run.until, 1s)",
  ],
  [
    "empirical weights count mismatch",
    step({ cpu: { dist: "empirical", values: ["1ms", "2ms"], weights: [1] } }),
    "workload.classes[0].steps[0].cpu.weights: [1] is invalid (expected one weight per value)",
  ],
  [
    "empirical weights all zero",
    step({ cpu: { dist: "empirical", values: [1, 2], weights: [0, 0] } }),
    "workload.classes[0].steps[0].cpu.weights: [0,0] is invalid (expected at least one weight above 0)",
  ],
  [
    "uniform max < min",
    step({ cpu: { dist: "uniform", min: "5ms", max: "1ms" } }),
    "workload.classes[0].steps[0].cpu.max: expected max to be at least min",
  ],
  [
    "lognormal with both median and mu",
    step({ cpu: { dist: "lognormal", median: "1ms", p99: "5ms", mu: 0, sigma: 1 } }),
    "workload.classes[0].steps[0].cpu: expected either median and p99, or mu and sigma",
  ],
  [
    "lognormal p99 below the median",
    step({ io: { dist: "lognormal", median: "5ms", p99: "1ms" } }),
    "workload.classes[0].steps[0].io.p99: expected p99 to be at least the median",
  ],
  [
    "an exponential mean of 0",
    step({ io: { dist: "exponential", mean: 0 } }),
    "workload.classes[0].steps[0].io.mean: 0 is invalid (expected a duration above 0)",
  ],
  [
    "a bad rate",
    (s) => ({ ...s, workload: { ...s.workload, arrivals: { kind: "poisson", rate: "fast", count: 5 } } }),
    'workload.arrivals.rate: "fast" is invalid (expected a rate above 0 like "500/s" or a number per second)',
  ],
  [
    "a zero rate",
    (s) => ({ ...s, workload: { ...s.workload, arrivals: { kind: "fixed", rate: 0, count: 5 } } }),
    'workload.arrivals.rate: 0 is invalid (expected a rate above 0 like "500/s" or a number per second)',
  ],
  [
    "a bad size",
    (s) => {
      s.workload.classes[0].payload = "12 bananas";
      return s;
    },
    'workload.classes[0].payload: "12 bananas" is invalid (expected a size of at least 0 like "64KiB" or a number of bytes)',
  ],
  [
    "an unknown dist",
    step({ cpu: { dist: "pareto", mean: "1ms" } }),
    'workload.classes[0].steps[0].cpu.dist: "pareto" is invalid (expected "dist" to be one of constant, uniform, exponential, normal, lognormal, gamma, erlang, empirical)',
  ],
  [
    "a timer tail whose max is below its min",
    (s) => ({ ...s, machine: { timerTail: { share: 0.02, min: "2ms", max: "1ms" } } }),
    "machine.timerTail.max: expected at least min",
  ],
  [
    "a timer tail share above 1",
    (s) => ({ ...s, machine: { timerTail: { share: 2, min: "200us", max: "1ms" } } }),
    "machine.timerTail.share: 2 is invalid (expected a number from 0 to 1)",
  ],
  [
    "an unknown arrivals kind",
    (s) => ({ ...s, workload: { ...s.workload, arrivals: { kind: "bursty", count: 5 } } }),
    'workload.arrivals.kind: "bursty" is invalid (expected "kind" to be one of batch, poisson, fixed, closed, replay)',
  ],
  [
    "arrivals without a count",
    (s) => ({ ...s, workload: { ...s.workload, arrivals: { kind: "batch" } } }),
    "workload.arrivals.count: missing (expected a positive integer)",
  ],
  [
    "a missing executor",
    ({ executor: _, ...rest }) => rest,
    'executor: missing (expected an executor object with "kind" one of sync, asyncio, threads, processes)',
  ],
  [
    "an executor without a kind",
    (s) => ({ ...s, executor: { workers: 2 } }),
    'executor.kind: missing (expected "kind" to be one of sync, asyncio, threads, processes)',
  ],
  [
    "an offload pool written as a string",
    (s) => ({ ...s, executor: { kind: "asyncio", offload: "threads" } }),
    'executor.offload: "threads" is invalid (expected a pool like {"kind": "threads", "workers": 8} or {"kind": "processes"}, or "none")',
  ],
  [
    "an unknown start method",
    (s) => ({ ...s, executor: { kind: "processes", startMethod: "vfork" } }),
    'executor.startMethod: "vfork" is invalid (expected "fork", "forkserver" or "spawn")',
  ],
  ["a non-object", () => [1, 2], "(top level): [1,2] is invalid (expected a scenario object)"],
  ["null", () => null, "(top level): null is invalid (expected a scenario object)"],
  [
    "a step of no known kind",
    step({ compute: "1ms" }),
    'workload.classes[0].steps[0]: {"compute":"1ms"} is invalid (expected a step: {"cpu": ...}, {"io": ...}, {"block": ...}, {"socket": {"peer": ...}}, {"offload": [...]}, {"spawn": N, "steps": [...]}, {"threads": N, "steps": [...]} or {"repeat": N, "steps": [...]})',
  ],
  [
    "a bad gil mode",
    step({ cpu: "1ms", gil: "maybe" }),
    'workload.classes[0].steps[0].gil: "maybe" is invalid (expected "python", "release" or "hold")',
  ],
  [
    "a repeat that is neither a count nor forever",
    step({ repeat: "often", steps: [{ cpu: "1ms" }] }),
    'workload.classes[0].steps[0].repeat: "often" is invalid (expected a positive integer or "forever")',
  ],
  [
    "no task classes",
    (s) => ({ ...s, workload: { ...s.workload, classes: [] } }),
    "workload.classes: [] is invalid (expected at least one task class)",
  ],
  ["a negative seed", (s) => ({ ...s, seed: -1 }), "seed: -1 is invalid (expected a non-negative integer)"],
  [
    "a confidence of 1.5",
    (s) => ({ ...s, run: { confidence: 1.5 } }),
    "run.confidence: 1.5 is invalid (expected a level between 0 and 1)",
  ],
  [
    "a string for a boolean",
    (s) => ({ ...s, run: { trace: "yes" } }),
    'run.trace: "yes" is invalid (expected true or false)',
  ],
  ["a missing workload", ({ workload: _, ...rest }) => rest, "workload: missing (expected an object)"],
  [
    "classes that are not a list",
    (s) => ({ ...s, workload: { ...s.workload, classes: {} } }),
    "workload.classes: {} is invalid (expected a list)",
  ],
  [
    "a zero switch interval",
    (s) => ({ ...s, runtime: { switchInterval: "0ms" } }),
    'runtime.switchInterval: "0ms" is invalid (expected a duration above 0)',
  ],
];

describe("parseScenario rejects bad input with one line naming the path, the value and what is expected", () => {
  test.each(BAD)("parseScenario(%s) fails with its message", (_what, edit, message) => {
    expect(problemsOf(edit(base()))).toBe(`x.json: ${message}`);
  });

  test("the table covers more than 20 kinds of bad input, each with its own message", () => {
    expect(BAD.length).toBeGreaterThan(20);
    expect(new Set(BAD.map((b) => b[2])).size).toBe(BAD.length);
  });

  test("parseScenario lists every problem, one line each, after the schema passes", () => {
    const s = base();
    s.runtime = { gil: "off" };
    s.workload.classes[0].steps = [{ repeat: "forever", steps: [{ cpu: "1ms" }] }];
    s.run = { until: "1s", warmup: "2s" };
    expect(problemsOf(s).split("\n")).toEqual([
      'x.json: runtime.gil: "off" needs a free-threaded build (python "3.13t" or "3.14t"), got python "3.12"',
      'x.json: workload.classes[0].steps[0].repeat: "forever" never ends inside a task (use a count, or a background thread with run.until)',
      "x.json: run.warmup: 2s is invalid (expected less than run.until, 1s)",
    ]);
  });

  test("parseScenario reports every schema problem at once", () => {
    const s = base();
    s.seed = -1;
    s.machine = { cores: 0 };
    expect(problemsOf(s).split("\n")).toEqual([
      "x.json: seed: -1 is invalid (expected a non-negative integer)",
      "x.json: machine.cores: 0 is invalid (expected a positive integer)",
    ]);
  });

  test("validateScenario returns the problems without the source, and [] for a good scenario", () => {
    expect(validateScenario(base())).toEqual([]);
    expect(validateScenario({ ...base(), seed: 1.5 })).toEqual([
      "seed: 1.5 is invalid (expected a non-negative integer)",
    ]);
  });
});
