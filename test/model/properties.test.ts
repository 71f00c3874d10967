import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { SECOND } from "../../src/engine/time.js";
import { metricsFromTrace } from "../../src/metrics/from-trace.js";
import type { Metrics } from "../../src/metrics/types.js";
import { type PlannedTask, planTasks, type UnrolledStep } from "../../src/model/plan.js";
import { type RunResult, simulate } from "../../src/model/simulate.js";
import { parseScenario, type Scenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import type { Trace } from "../../src/trace/types.js";
import { scenarioInput } from "./arbitraries.js";

/*
 * The laws of issue 3 on random scenarios (test/model/arbitraries.ts: every executor, GIL on and
 * off, every step, arrival and distribution kind). Each law is computed from the recorded trace,
 * the plan and the run's results, independently of how the model got there.
 */

// A fixed seed, so every run of the suite checks the same scenarios. For a longer hunt with other
// scenarios: GILSIM_PROPERTY_RUNS=20000 GILSIM_PROPERTY_SEED=7 npx vitest run test/model/properties.test.ts
const RUNS = Number(process.env.GILSIM_PROPERTY_RUNS ?? 1000);
const SEED = Number(process.env.GILSIM_PROPERTY_SEED ?? 20_250_603);

interface Run {
  scenario: Scenario;
  result: RunResult;
  trace: Trace;
  plan: PlannedTask<UnrolledStep>[];
  /** Nothing stopped the run: no run.until, so it went on until no event was left. */
  drained: boolean;
}

function run(input: ScenarioInput): Run {
  const scenario = parseScenario(input);
  const result = simulate(scenario, { trace: true });
  if (!result.trace) throw new Error("simulate(trace: true) returned no trace");
  const drained = scenario.run.until === null;
  return { scenario, result, trace: result.trace, plan: planTasks(scenario), drained };
}

/** Throws when a law does not hold (a plain check: laws run over every interval of every run). */
function law(holds: boolean, message: string | (() => string)): void {
  if (!holds) throw new Error(`law broken: ${typeof message === "string" ? message : message()}`);
}

function same(actual: unknown, expected: unknown, message: string): void {
  const show = (v: unknown): string => String(v).slice(0, 200);
  law(actual === expected, () => `${message} (got ${show(actual)}, expected ${show(expected)})`);
}

type Span = { start: number; end: number };

/** The most spans open at one instant; a span is [start, end), so [a, b) and [b, c) do not meet. */
function maxOverlap(spans: readonly Span[]): number {
  const points: [number, number][] = [];
  for (const s of spans) if (s.end > s.start) points.push([s.start, 1], [s.end, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of points) {
    open += d;
    most = Math.max(most, open);
  }
  return most;
}

/** Whether no span has an instant inside another ([a, b] and [b, c] may touch; [t, t] counts too). */
function disjoint(spans: readonly Span[]): boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  let reach = Number.NEGATIVE_INFINITY;
  for (const s of sorted) {
    if (s.start < reach) return false;
    reach = Math.max(reach, s.end);
  }
  return true;
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The steps of a planned task as the trace records them (an offload, then each offloaded step). */
function stepKeys(steps: readonly UnrolledStep[]): string[] {
  return steps.flatMap((s) =>
    s.kind === "offload"
      ? ["offload:0:", ...stepKeys(s.steps)]
      : [`${s.kind}:${"ns" in s ? s.ns : ""}:${s.kind === "cpu" ? s.gil : ""}`],
  );
}

/** Tasks are conserved; each runs its planned steps once, inside [start, end]. */
function tasksAreConserved({ scenario, result, trace, plan, drained }: Run): void {
  const { tasks } = result.metrics;
  const arrivals = scenario.workload.arrivals;
  // No deadlock: with nothing to stop it, a run ends only when every task is done.
  if (drained) same(result.truncated, false, "a run without run.until completes every task");
  same(plan.length, arrivals.count, "planTasks gives arrivals.count tasks");
  same(trace.tasks.length, tasks.completed, "trace.tasks holds the completed tasks");
  same(result.truncated, tasks.completed < plan.length, "truncated iff some task did not complete");
  if (!result.truncated) same(tasks.arrived, tasks.completed, "arrived == completed");
  else {
    law(tasks.completed <= tasks.arrived, "completed <= arrived");
    // In flight = arrived - completed: the planned tasks due by the end that have not ended.
    if (arrivals.kind !== "closed") {
      same(tasks.arrived, plan.filter((p) => (p.arrival ?? 0) <= trace.end).length, "arrived == tasks due by the end");
    } else law(tasks.arrived - tasks.completed <= arrivals.clients, "in flight <= clients");
  }
  const seen = new Set<number>();
  for (const t of trace.tasks) {
    const planned = plan[t.id];
    if (!planned) throw new Error(`law broken: task ${t.id} is not a planned task`);
    law(!seen.has(t.id), `task ${t.id} appears once`);
    seen.add(t.id);
    same(t.class, planned.class, `task ${t.id} has its planned class`);
    if (planned.arrival !== null) same(t.arrival, planned.arrival, `task ${t.id} arrives when planned`);
    else law(t.arrival >= planned.think, `closed-population task ${t.id} arrives after its think time`);
    law(t.arrival <= t.start && t.start <= t.end && t.end <= trace.end, `task ${t.id}: arrival <= start <= end`);
    for (const s of t.steps) {
      law(t.start <= s.start && s.start <= s.end && s.end <= t.end, `task ${t.id}: a step inside [start, end]`);
    }
    const recorded = t.steps.map((s) => `${s.kind}:${s.demand}:${s.kind === "cpu" ? s.gil : ""}`).sort();
    same(recorded.join(), stepKeys(planned.steps).sort().join(), `task ${t.id} ran each planned step once`);
  }
  if (!result.truncated) same(seen.size, plan.length, "every planned task is in trace.tasks");
}

/** Tasks in progress stay within the concurrency limit (1 for a sync loop) and a closed population. */
function concurrencyIsBounded({ scenario, trace }: Run): void {
  const e = scenario.executor;
  const limit = scenario.workload.concurrency;
  let bound = Number.POSITIVE_INFINITY;
  if (e.kind === "sync") bound = 1;
  else if (limit !== null) bound = e.kind === "asyncio" ? limit * e.loops : limit;
  law(maxOverlap(trace.tasks) <= bound, `at most ${bound} tasks started and not ended`);
  const arrivals = scenario.workload.arrivals;
  if (arrivals.kind === "closed") {
    const inSystem = trace.tasks.map((t) => ({ start: t.arrival, end: t.end }));
    law(maxOverlap(inSystem) <= arrivals.clients, `at most ${arrivals.clients} tasks in the system`);
  }
}

/** At most one thread holds a process's GIL; a thread runs in state gil only while it holds it. */
function oneGilHolder({ scenario, trace, drained }: Run): void {
  const processOf = new Map(trace.threads.map((t) => [t.id, t.process]));
  if (!scenario.runtime.gil) {
    same(trace.gil.length, 0, "no GIL holds with the GIL off");
    law(
      !trace.intervals.some((i) => i.state === "gil" || i.state === "wait-gil"),
      "no gil or wait-gil state with the GIL off",
    );
    return;
  }
  for (const h of trace.gil) {
    same(processOf.get(h.thread), h.process, "a GIL hold is by a thread of its process");
    // A hold can take no time (taken and dropped at one instant); it still hands the GIL on.
    law(h.start <= h.end, "a GIL hold has start <= end");
  }
  for (const [p, holds] of groupBy(trace.gil, (h) => h.process)) {
    law(disjoint(holds), `GIL holds of process ${p} never overlap`);
  }
  const gilStates = trace.intervals.filter((i) => i.state === "gil");
  for (const [p, intervals] of groupBy(gilStates, (i) => processOf.get(i.thread) ?? -1)) {
    law(disjoint(intervals), `threads of process ${p} in state gil never overlap`);
  }
  // A hold still open when run.until stops the run is not in the trace.
  if (!drained) return;
  // A thread can drop and retake the GIL at one instant (C code that ran for no time) and stay in
  // state gil: its holds that touch count as one.
  const holdsOf = new Map<number, Span[]>();
  for (const h of trace.gil) {
    const list = holdsOf.get(h.thread) ?? [];
    const last = list[list.length - 1];
    if (last && last.end === h.start) last.end = h.end;
    else list.push({ start: h.start, end: h.end });
    holdsOf.set(h.thread, list);
  }
  for (const i of gilStates) {
    const covered = (holdsOf.get(i.thread) ?? []).some((h) => h.start <= i.start && i.end <= h.end);
    law(covered, () => `thread ${i.thread} in state gil over [${i.start}, ${i.end}] holds the GIL`);
  }
}

/** No more threads run than there are cores. */
function coresBoundRunning({ trace }: Run): void {
  const running = trace.intervals.filter((i) => i.state === "gil" || i.state === "nogil");
  law(maxOverlap(running) <= trace.cores, `at most ${trace.cores} threads in state gil or nogil`);
}

/** Each thread's intervals tile its life up to the end of the run; the recorded clock never goes back. */
function intervalsTile({ trace }: Run): void {
  const byThread = groupBy(trace.intervals, (i) => i.thread);
  for (const t of trace.threads) {
    const list = byThread.get(t.id) ?? [];
    law(list.length > 0, `thread ${t.name} has intervals`);
    let at = list[0]?.start ?? 0;
    law(at >= 0, `thread ${t.name} starts at or after 0`);
    for (const i of list) {
      law(i.start === at, () => `thread ${t.name}: intervals are contiguous at ${at}`);
      law(i.start < i.end, `thread ${t.name}: an interval has start < end`);
      at = i.end;
    }
    same(at, trace.end, `thread ${t.name}: the last interval ends with the run`);
  }
  const inOrder = (times: number[], what: string): void => {
    for (let k = 1; k < times.length; k++)
      law((times[k] as number) >= (times[k - 1] as number), `${what} in time order`);
  };
  inOrder(
    trace.intervals.map((i) => i.end),
    "interval ends recorded",
  );
  inOrder(
    trace.gil.map((h) => h.end),
    "GIL hold ends recorded",
  );
  inOrder(
    trace.markers.map((m) => m.time),
    "markers recorded",
  );
  inOrder(
    trace.tasks.map((t) => t.end),
    "task ends recorded",
  );
  inOrder(
    trace.iterations.map((i) => i.end),
    "loop iterations recorded",
  );
  for (const [p, its] of groupBy(trace.iterations, (i) => i.process)) {
    law(disjoint(its), `loop iterations of process ${p} never overlap`);
  }
}

/** CPU delivered = CPU demanded + modeled overheads, and the trace shows that same CPU. */
function cpuIsAccounted({ result, trace, drained }: Run): void {
  const { demand, overhead, delivered } = result.cpu;
  let traced = 0;
  for (const i of trace.intervals) if (i.state === "gil" || i.state === "nogil") traced += i.end - i.start;
  same(delivered, traced, "delivered CPU == time in state gil or nogil");
  law([demand, overhead, delivered].every(Number.isInteger), "CPU accounts are whole nanoseconds");
  // Work cut short by run.until was asked for but not all delivered.
  if (drained) same(delivered, demand + overhead, "delivered CPU == demand + overhead");
  else law(delivered <= demand + overhead, "delivered CPU <= demand + overhead");
}

/** Little's law: mean number in the system = arrival rate x mean latency (no warm-up, all done). */
function littlesLaw({ scenario, result }: Run): void {
  if (result.truncated || scenario.run.warmup !== 0) return;
  const { meanInSystem, arrivalRate, meanLatency } = result.metrics.little;
  // arrivalRate is per second, meanLatency in ns.
  const lambdaW = (arrivalRate * meanLatency) / SECOND;
  law(Math.abs(meanInSystem - lambdaW) <= 1e-6 * lambdaW, () => `L ${meanInSystem} == lambda W ${lambdaW}`);
}

/**
 * The parts of the metrics a trace determines. Not core utilization, engine events or loop lag
 * (not in a trace); of the queue series only the bucket times: a bucket keeps the largest lengths,
 * which depend on the order of events at one instant (a task ends as another arrives) that a
 * trace of times cannot give. A cut run's in-flight tasks are not in its trace.
 */
function traceable(m: Metrics, complete: boolean): unknown {
  const { coreUtilization: _c, events: _e, gil: _g, little, tasks, loops, queue, ...rest } = m;
  return {
    ...rest,
    queue: complete ? queue.map((p) => p.time) : null,
    loops: loops.map((l) => ({ process: l.process, iterations: l.iterations })),
    tasks: complete ? tasks : { completed: tasks.completed, measured: tasks.measured },
    little: complete ? little : { meanLatency: little.meanLatency },
  };
}

function fromTraceAgrees({ scenario, result, trace, drained }: Run): void {
  const replayed = metricsFromTrace(trace, { warmup: scenario.run.warmup });
  const complete = !result.truncated;
  expect(traceable(replayed, complete), "metricsFromTrace(trace)").toEqual(traceable(result.metrics, complete));
  // GIL statistics of the processes whose GIL the trace shows held; when nothing stopped the run,
  // a GIL never taken (so with no hold in the trace) has none.
  const simulated = new Map(result.metrics.gil.map((g) => [g.process, g]));
  for (const g of replayed.gil) {
    const s = simulated.get(g.process);
    expect({ ...g, switches: 0 }, `GIL stats of process ${g.process}`).toEqual({ ...s, switches: 0 });
    // A GIL still held when run.until stops the run is in the trace as a hold ending "end".
    same((s?.switches ?? 0) - g.switches, 0, `GIL switches of process ${g.process} from the trace`);
  }
  if (!drained) return;
  const shown = new Set(replayed.gil.map((g) => g.process));
  for (const s of result.metrics.gil) {
    if (shown.has(s.process)) continue;
    expect(s, `GIL stats of process ${s.process}, never taken`).toEqual({
      process: s.process,
      switches: 0,
      forced: 0,
      convoys: 0,
      waitShare: 0,
    });
  }
}

function keepsTheLaws(r: Run): void {
  tasksAreConserved(r);
  concurrencyIsBounded(r);
  oneGilHolder(r);
  coresBoundRunning(r);
  intervalsTile(r);
  cpuIsAccounted(r);
  littlesLaw(r);
}

/** Runs past the points where the model compacts its queues (4096 ready callbacks or jobs, 1024 threads waiting for a core). */
const LARGE: ScenarioInput[] = [
  {
    executor: { kind: "asyncio", offload: { kind: "threads", workers: 3 } },
    machine: { cores: 2 },
    workload: {
      arrivals: { kind: "batch", count: 5000 },
      classes: [{ steps: [{ cpu: "20us" }, { io: "1ms" }, { offload: [{ cpu: "10us", gil: "release" }] }] }],
    },
  },
  {
    executor: { kind: "threads", workers: 4 },
    machine: { cores: 2 },
    workload: { arrivals: { kind: "batch", count: 5000 }, classes: [{ steps: [{ cpu: "20us" }, { io: "100us" }] }] },
  },
  {
    executor: { kind: "threads", workers: 1100 },
    runtime: { python: "3.13t" },
    machine: { cores: 1 },
    workload: { arrivals: { kind: "batch", count: 1500 }, classes: [{ steps: [{ cpu: "3ms" }] }] },
  },
];

describe("simulate on random scenarios", () => {
  test(`simulate keeps tasks, one GIL holder, cores, tiling, CPU and Little's law on ${RUNS} random scenarios`, () => {
    fc.assert(
      fc.property(scenarioInput, (input) => keepsTheLaws(run(input))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  test("simulate keeps the same laws with thousands of tasks or threads in its queues", () => {
    for (const input of LARGE) {
      const r = run(input);
      same(r.result.metrics.tasks.completed, r.plan.length, "every task completes");
      keepsTheLaws(r);
      fromTraceAgrees(r);
    }
  });

  test(`simulate gives the same bytes for the same seed, with or without a trace, on ${RUNS} random scenarios`, () => {
    fc.assert(
      fc.property(scenarioInput, (input) => {
        const a = run(input);
        // A fresh parse, so that nothing cached on the scenario objects carries over.
        const again = simulate(parseScenario(input), { trace: true });
        same(JSON.stringify(again.metrics), JSON.stringify(a.result.metrics), "same seed, same metrics");
        same(JSON.stringify(again.trace), JSON.stringify(a.trace), "same seed, same trace");
        const off = simulate(parseScenario(input), { trace: false });
        same(off.trace, null, "no trace when recording is off");
        same(JSON.stringify(off.metrics), JSON.stringify(a.result.metrics), "recording off changes no metric");
        same(JSON.stringify(off.cpu), JSON.stringify(a.result.cpu), "recording off changes no CPU account");
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  test(`metricsFromTrace(trace) agrees with simulate's metrics on ${RUNS} random scenarios`, () => {
    fc.assert(
      fc.property(scenarioInput, (input) => fromTraceAgrees(run(input))),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });
});
