import { readRecording } from "../../src/capture/recording.js";
import { type FittedStep, stepsInput } from "../../src/fit/classes.js";
import { us } from "../../src/fit/distribution-fit.js";
import { type FitResult, fitRecording } from "../../src/fit/fit.js";
import { replicate } from "../../src/metrics/replicate.js";
import { applyProfile, type MachineProfile } from "../../src/real/profile.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { InlineRunner } from "../../src/sweep/pool.js";
import { recommend } from "../../src/sweep/recommend.js";
import { parseSlo } from "../../src/sweep/slo.js";
import type { AppConfig } from "./app-bench.js";
import { BASE, LOAD, plannedTimes, REPEATS, SLO } from "./app-experiment.js";

/*
 * The prediction side of the prove-it experiment: fit the recording, then, for each configuration,
 * change only what the configuration changes (the executor and its size; the traffic) and
 * simulate. The traffic is the load generator's planned schedule for each measured repeat (a
 * replay of those instants), so predicted and measured runs meet the same arrivals.
 */

/** Simulated runs per repeat's traffic (each repeat's run has its own seed, so its own service times). */
export const REPLICATIONS = 1;

export type Percentiles = { p50: number; p95: number; p99: number };

/** Fits the recording as gilsim fit does (default options: Poisson or fixed arrivals, 1 s warm-up). */
export function fitApp(recording: string): FitResult {
  return fitRecording(readRecording(recording), { name: "demo-app", source: "data/app/recording-threads-4.jsonl" });
}

/** The calls examples/app/app.py makes in asyncio.to_thread under asyncio: its SQLite queries and its SHA-256. */
const OFFLOADED = /^(sqlite|hashlib)/;
/** Python steps shorter than this on average are left out of a fitted scenario (as stepsInput does). */
const PYTHON_MIN_NS = 1_000;

/**
 * A fitted class's steps as the app's own code runs them under asyncio (run_offloaded): parsing,
 * the pure-Python work and the socket calls stay on the event loop; each offloaded function (a
 * SQLite query with its fetch, the SHA-256) goes to asyncio.to_thread as one offload step, with
 * the Python between calls of one function (the same library) inside it.
 */
export function asAsyncio(steps: readonly FittedStep[]): unknown[] {
  const out: unknown[] = [];
  const one = (s: FittedStep): unknown[] =>
    s.kind === "python" && (s.dist?.mean ?? 0) < PYTHON_MIN_NS ? [] : stepsInput([s]);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as FittedStep;
    const lib = OFFLOADED.exec(s.label)?.[1];
    if (s.kind === "python" || lib === undefined) {
      out.push(...one(s));
      continue;
    }
    let last = i;
    while (steps[last + 1]?.kind === "python" && steps[last + 2]?.label.startsWith(lib)) last += 2;
    out.push({ offload: steps.slice(i, last + 1).flatMap(one) });
    i = last;
  }
  return out;
}

/** The fitted scenario at `config`, meeting the planned traffic of repeat `seed`. */
export function configInput(fit: FitResult, config: AppConfig, seed: number): ScenarioInput {
  const input = structuredClone(fit.input) as ScenarioInput & { workload: NonNullable<ScenarioInput["workload"]> };
  input.executor =
    config.mode === "threads"
      ? { kind: "threads", workers: config.workers }
      : { kind: "asyncio", offload: { kind: "threads", workers: config.workers } };
  if (config.mode === "asyncio") {
    // Under asyncio, start_server accepts the connection and starts the handler on the loop: the
    // thread pool's accept loop (runtime.acceptCost, its CPU per request besides submit) becomes
    // a first loop step of each request. Its submit does not happen (to_thread's own submits cost
    // what the profile, or the version's defaults, say), so submitCost, submitReturn and
    // acceptCost go back to those. A recording that does not split the thread's CPU gives all of it.
    const runtime = { ...(input.runtime ?? {}) } as Record<string, unknown>;
    delete runtime.submitCost;
    delete runtime.submitReturn;
    delete runtime.acceptCost;
    input.runtime = runtime as ScenarioInput["runtime"];
    const loopCpu = fit.acceptCost ?? fit.submitCost;
    const accept = loopCpu === null ? [] : [{ cpu: us(loopCpu) }];
    // fit writes one scenario class per fitted class, in order.
    input.workload.classes = input.workload.classes.map((c, i) => ({
      ...c,
      steps: [...accept, ...asAsyncio(fit.classes[i]?.steps ?? [])] as typeof c.steps,
    }));
  }
  input.workload.arrivals = { kind: "replay", times: plannedTimes(config, seed) };
  input.seed = seed;
  input.run = { warmup: 0, trace: false };
  return input;
}

/** The mean over the repeats' traffic (REPLICATIONS runs each) of each predicted percentile, ns. */
export function predict(fit: FitResult, profile: MachineProfile, config: AppConfig): Percentiles {
  const sums = { p50: 0, p95: 0, p99: 0 };
  for (let r = 0; r < REPEATS; r++) {
    const scenario = parseScenario(applyProfile(configInput(fit, config, LOAD.seed + r), profile), config.id);
    const rep = replicate(scenario, { replications: REPLICATIONS });
    for (const q of ["p50", "p95", "p99"] as const) sums[q] += rep.summary[`latency.${q}`]?.mean ?? Number.NaN;
  }
  return { p50: sums.p50 / REPEATS, p95: sums.p95 / REPEATS, p99: sums.p99 / REPEATS };
}

/** What `gilsim recommend FITTED --profile P --slo SLO --load RATE --kinds threads` answers: the pool size, or null. */
export async function recommendThreads(
  fit: FitResult,
  profile: MachineProfile,
): Promise<{ workers: number | null; probes: { size: number; meets: boolean; p99: number }[]; monotone: boolean }> {
  const runner = new InlineRunner();
  const input = applyProfile(fit.input, profile);
  const rec = await recommend(input, "demo-app", {
    objectives: parseSlo(SLO),
    rate: BASE.rate,
    kinds: ["threads"],
    maxWorkers: 32,
    // The fitted scenario carries this machine's profile: `gilsim recommend --profile`'s error.
    modelErrorParams: "profile",
    runner,
  });
  await runner.close();
  const result = rec.ranked[0] ?? rec.failed[0];
  const search = result?.search;
  return {
    workers: search?.best?.size ?? null,
    probes: (search?.probes ?? [])
      .map((p) => ({ size: p.size, meets: p.meets, p99: p.detail.summary["latency.p99"]?.mean ?? Number.NaN }))
      .sort((a, b) => a.size - b.size),
    monotone: search?.monotone ?? true,
  };
}
