import fc from "fast-check";
import type { ScenarioInput } from "../../src/scenario/schema.js";

/*
 * fast-check arbitraries for small random scenarios: every executor kind, GIL on and off, every
 * step kind, every arrival kind, every distribution. Sizes are kept small (at most 40 tasks of a
 * few short steps) so that a thousand runs take seconds. Everything is generated in a raw form
 * that shrinks well and then mapped to a valid ScenarioInput (offload steps are inlined where the
 * executor cannot offload; a "forever" background thread only comes with run.until).
 */

type Json = Record<string, unknown>;
/** A duration distribution as written in a scenario file. */
type DistInput = number | string | Json;

const us = (n: number): string => `${n}us`;

/** A duration distribution whose values are mostly below `maxUs` microseconds. */
export function distribution(maxUs: number): fc.Arbitrary<DistInput> {
  const dur = fc.integer({ min: 0, max: maxUs });
  const positive = fc.integer({ min: 1, max: maxUs });
  return fc.oneof(
    dur.map(us),
    // A bare number is milliseconds.
    dur.map((n) => n / 1000),
    dur.map((n) => ({ dist: "constant", value: us(n) })),
    fc.tuple(dur, dur).map(([a, b]) => ({ dist: "uniform", min: us(Math.min(a, b)), max: us(Math.max(a, b)) })),
    positive.map((n) => ({ dist: "exponential", mean: us(Math.ceil(n / 2)) })),
    fc.tuple(dur, dur).map(([m, sd]) => ({ dist: "normal", mean: us(m), sd: us(Math.round(sd / 2)) })),
    fc.tuple(positive, fc.integer({ min: 1, max: 4 })).map(([median, f]) => ({
      dist: "lognormal",
      median: us(Math.ceil(median / 4)),
      p99: us(Math.ceil(median / 4) * f),
    })),
    fc
      .tuple(fc.double({ min: 0, max: Math.log(maxUs / 4), noNaN: true }), fc.double({ min: 0, max: 0.8, noNaN: true }))
      .map(([mu, sigma]) => ({ dist: "lognormal", mu, sigma, unit: "us" })),
    fc
      .tuple(fc.double({ min: 0.3, max: 4, noNaN: true }), positive)
      .map(([shape, mean]) => ({ dist: "gamma", shape, mean: us(Math.ceil(mean / 2)) })),
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), positive)
      .map(([k, mean]) => ({ dist: "erlang", k, mean: us(Math.ceil(mean / 2)) })),
    fc
      .tuple(fc.array(dur, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([values, weighted]) =>
        weighted
          ? { dist: "empirical", values: values.map(us), weights: values.map((_, i) => i + 1) }
          : { dist: "empirical", values: values.map(us) },
      ),
  );
}

/** A step without offload or repeat (what an offloaded job or a repeat body holds). */
const leafStep: fc.Arbitrary<Json> = fc.oneof(
  fc
    .tuple(distribution(3000), fc.constantFrom("python", "release", "hold", undefined))
    .map(([cpu, gil]) => (gil === undefined ? { cpu } : { cpu, gil })),
  distribution(5000).map((io) => ({ io })),
  distribution(2000).map((block) => ({ block })),
);

/** A task step: a leaf, an offload of 1-3 leaves, or a finite repeat of 1-2 steps. */
const taskStep: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: leafStep, weight: 4 },
  { arbitrary: fc.array(leafStep, { minLength: 1, maxLength: 3 }).map((offload) => ({ offload })), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.oneof(
            leafStep,
            fc.array(leafStep, { minLength: 1, maxLength: 2 }).map((offload) => ({ offload })),
          ),
          { minLength: 1, maxLength: 2 },
        ),
      )
      .map(([repeat, steps]) => ({ repeat, steps })),
    weight: 1,
  },
);

const taskClass = fc.record(
  {
    name: fc.constantFrom("a", "b", "c"),
    weight: fc.constantFrom(1, 2, 0.5),
    payload: fc.constantFrom(0, 1024, "64KiB"),
    steps: fc.array(taskStep, { minLength: 1, maxLength: 4 }),
  },
  { requiredKeys: ["steps"] },
);

const pool = fc.oneof(
  fc.record({ kind: fc.constant("threads"), workers: fc.integer({ min: 1, max: 4 }) }, { requiredKeys: ["kind"] }),
  fc.record(
    {
      kind: fc.constant("processes"),
      workers: fc.integer({ min: 1, max: 3 }),
      startMethod: fc.constantFrom("fork", "spawn", "forkserver"),
    },
    { requiredKeys: ["kind"] },
  ),
);

const executor: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constant({ kind: "sync" }), weight: 1 },
  {
    arbitrary: fc.record(
      {
        kind: fc.constant("asyncio"),
        offload: fc.oneof({ arbitrary: pool, weight: 3 }, { arbitrary: fc.constant("none"), weight: 1 }),
        loops: fc.integer({ min: 1, max: 2 }),
      },
      { requiredKeys: ["kind"] },
    ),
    weight: 2,
  },
  { arbitrary: pool, weight: 2 },
);

/** (python, gil): the GIL on with 3.9-3.14, off with the free-threaded builds (sometimes forced on). */
const runtimeBuild = fc.oneof(
  {
    arbitrary: fc.constantFrom("3.9", "3.10", "3.11", "3.12", "3.13", "3.14").map((python) => ({ python })),
    weight: 4,
  },
  { arbitrary: fc.constantFrom("3.13t", "3.14t").map((python) => ({ python, gil: "off" })), weight: 2 },
  { arbitrary: fc.constantFrom("3.13t", "3.14t").map((python) => ({ python })), weight: 1 },
  { arbitrary: fc.constantFrom("3.13t", "3.14t").map((python) => ({ python, gil: "on" })), weight: 1 },
);

/** A runtime cost: the profile's default, none at all (the edge where events coincide), or another distribution. */
const cost = (maxUs: number) => fc.oneof(fc.constant(0), distribution(maxUs));

const runtime = fc
  .tuple(
    runtimeBuild,
    fc.record(
      {
        switchInterval: fc.constantFrom("500us", "1ms", "5ms"),
        gilWinner: fc.constantFrom("random", "fifo", "lifo"),
        pythonSlowdown: fc.constantFrom(1, 1.5),
        timerSlack: fc.constantFrom(0, "10us"),
        gilWakeup: cost(50),
        gilHandoff: cost(10),
        gilHandoffPerWaiter: fc.constantFrom(0, "1us"),
        cCallEdge: cost(5),
        loopStepCost: cost(30),
        loopIterationCost: cost(10),
        submitCost: cost(20),
        threadHandoff: cost(100),
        threadStart: cost(100),
        threadsafeWakeup: cost(50),
        ipcBase: fc.constantFrom(0, "20us"),
        ipcPerByte: fc.constantFrom(0, 0.5),
        ipcLatency: cost(50),
        processStart: cost(5000),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([build, rest]) => ({ ...build, ...rest }));

const count = fc.integer({ min: 1, max: 40 });
const rate = fc.constantFrom("200/s", "1000/s", "5/ms", 3000);

const arrivals: fc.Arbitrary<Json> = fc.oneof(
  count.map((n) => ({ kind: "batch", count: n })),
  fc.tuple(rate, count).map(([r, n]) => ({ kind: "poisson", rate: r, count: n })),
  fc.tuple(rate, count).map(([r, n]) => ({ kind: "fixed", rate: r, count: n })),
  // Replayed times: in order, ties allowed (a burst), to the microsecond, within 50 ms.
  fc
    .array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 40 })
    .map((us) => ({ kind: "replay", times: [...us].sort((a, b) => a - b).map((u) => u / 1000) })),
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.option(distribution(2000), { nil: undefined }), count)
    .map(([clients, think, n]) =>
      think === undefined ? { kind: "closed", clients, count: n } : { kind: "closed", clients, think, count: n },
    ),
);

/** A background thread: finite repeats, or (only with run.until) one that runs forever. */
const background = fc.record({
  name: fc.constantFrom("bg", "cruncher"),
  times: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant("forever" as const)),
  steps: fc.array(leafStep, { minLength: 1, maxLength: 3 }),
  // A forever loop also gets a step of at least this many microseconds, so it cannot spin.
  floorUs: fc.integer({ min: 200, max: 2000 }),
});

/** The raw form of a scenario, before it is made valid. */
const raw = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  cores: fc.integer({ min: 1, max: 4 }),
  slice: fc.option(fc.constantFrom("300us", "1ms", "3ms"), { nil: undefined }),
  kernel: fc.option(fc.constantFrom("eevdf", "eevdf-6.15", "cfs"), { nil: undefined }),
  // machine.timerTail: the default (undefined), off, always late, or in between.
  timerTail: fc.option(
    fc.record({
      share: fc.constantFrom(0, 0.3, 1),
      min: fc.constantFrom("50us", "200us"),
      max: fc.constantFrom("200us", "3ms"),
    }),
    { nil: undefined },
  ),
  runtime,
  executor,
  arrivals,
  concurrency: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined, freq: 2 }),
  classes: fc.array(taskClass, { minLength: 1, maxLength: 3 }),
  background: fc.array(background, { maxLength: 2 }),
  // null: run until everything is done.
  until: fc.oneof(
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 300 }), weight: 2 },
  ),
  warmup: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 1 }),
});

/** Replaces every offload step by its steps, for executors that cannot offload. */
function inlineOffloads(steps: readonly Json[]): Json[] {
  return steps.flatMap((s): Json[] => {
    if (Array.isArray(s.offload)) return s.offload as Json[];
    if (Array.isArray(s.steps)) return [{ ...s, steps: inlineOffloads(s.steps as Json[]) }];
    return [s];
  });
}

/** Random valid scenario inputs, small enough that one run takes milliseconds. */
export const scenarioInput: fc.Arbitrary<ScenarioInput> = raw.map((r): ScenarioInput => {
  const e = r.executor;
  const canOffload = e.kind === "asyncio" && e.offload !== "none";
  const classes = r.classes.map((c) => ({ ...c, steps: canOffload ? c.steps : inlineOffloads(c.steps) }));
  const until = r.until;
  const backgroundThreads = r.background.map((b) => {
    const forever = b.times === "forever" && until !== null;
    const steps = forever ? [...b.steps, { cpu: us(b.floorUs) }] : b.steps;
    return { name: b.name, steps: [{ repeat: forever ? "forever" : b.times === "forever" ? 2 : b.times, steps }] };
  });
  const machine: Json = { cores: r.cores };
  if (r.slice !== undefined) machine.slice = r.slice;
  if (r.kernel !== undefined) machine.kernel = r.kernel;
  if (r.timerTail !== undefined) machine.timerTail = r.timerTail;
  const workload: Json = { arrivals: r.arrivals, classes };
  if (r.concurrency !== undefined) workload.concurrency = r.concurrency;
  const run: Json = { trace: true };
  if (until !== null) run.until = `${until}ms`;
  if (r.warmup > 0 && (until === null || r.warmup < until)) run.warmup = `${r.warmup}ms`;
  return {
    name: "random",
    seed: r.seed,
    machine,
    runtime: r.runtime,
    executor: e,
    workload,
    background: backgroundThreads,
    run,
  } as ScenarioInput;
});
