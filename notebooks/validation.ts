/**
 * Validation: the simulation against real CPython on this machine, scenario by scenario.
 *
 * By default it renders from the runs recorded in data/validation/ (so the figures are
 * reproducible); `npx tsx notebooks/validation.ts --live` measures again: it calibrates this
 * machine (data/validation/machine-profile.json), runs every suite scenario RUNS times in real
 * CPython, then rewrites the recorded files (each atomically, after every run succeeded).
 */

import { signedPercent } from "../src/charts/signs.js";
import { type SimRealPoint, simRealChart } from "../src/charts/simreal.js";
import { formatNanos } from "../src/charts/time-axis.js";
import { timelineChart } from "../src/charts/timeline.js";
import { formatDuration, SECOND } from "../src/engine/time.js";
import { simulate } from "../src/model/simulate.js";
import { profileFromCalibration, runCalibration } from "../src/real/calibrate.js";
import { type Comparison, compare, comparisonOf } from "../src/real/compare.js";
import {
  applyProfile,
  DEFAULT_PROFILE_PATH,
  type MachineProfile,
  readProfile,
  writeProfile,
} from "../src/real/profile.js";
import { waitForQuiet } from "../src/real/quiet.js";
import { type Recording, readRecording, recordedRuns, toRecording, writeRecording } from "../src/real/recording.js";
import { forPython, SUITE, type SuiteEntry } from "../src/real/suite.js";
import { MEASURED_STATE_LABELS } from "../src/real/to-trace.js";
import { parseScenario } from "../src/scenario/scenario.js";
import { MEDIAN_SIGNED_ERROR } from "../src/sweep/model-error.js";
import { createProgress } from "../src/sweep/progress.js";
import type { ThreadState, Trace } from "../src/trace/types.js";
import {
  checkTargets,
  type ErrorSummary,
  evaluateRecord,
  noiseFloor,
  PARAM_SET_LABELS,
  profileSource,
  type ScenarioResult,
  sessionDrift,
  summarize,
} from "../src/validate/errors.js";
import { errorStripFigure, FAMILY_COLOUR_RULE, parityFigure } from "../src/validate/figures.js";
import {
  RANDOM_DATA_DIR,
  RANDOM_EARLIER_SESSIONS,
  RANDOM_SETS,
  type RandomRecord,
  readSet,
} from "../src/validate/record.js";
import { groupRows, provenance } from "../src/validate/report.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { TIME_WORDS, verdictOf } from "./lib/words.js";

/**
 * A random-set figure's title: the same two metrics (p99 and makespan) for every parameter set,
 * each as the median signed error over the scenarios and the worst one, so a good median cannot
 * hide the scenarios that are far off.
 */
function errorTitle(results: readonly ScenarioResult[], set: "profile" | "defaults"): string {
  const part = (key: "latency.p99" | "makespan", label: string): string => `${label} ${medianWorst(results, set, key)}`;
  return `signed error, median (worst) of ${results.length}: ${part("latency.p99", "p99")}, ${part("makespan", "makespan")}`;
}

/** One metric's median signed error over the scenarios and the worst one: "\u221219.6% (worst \u221284.8%)". */
function medianWorst(
  results: readonly ScenarioResult[],
  set: "profile" | "defaults",
  key: "latency.p99" | "makespan",
): string {
  const errors = results
    .map((r) => r.errors[set].find((e) => e.key === key)?.error)
    .filter((e): e is number => e !== undefined && Number.isFinite(e))
    .sort((a, b) => a - b);
  const mid = errors.length / 2;
  const median =
    errors.length % 2 === 1
      ? (errors[Math.floor(mid)] as number)
      : ((errors[mid - 1] as number) + (errors[mid] as number)) / 2;
  const worst = errors.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
  return `${pct(median)} (worst ${pct(worst)})`;
}

/**
 * The title of the figure with both parameter sets side by side: each metric's median (worst)
 * signed error with the machine profile (the left panel) and with the version defaults (the right).
 */
function within15(results: readonly ScenarioResult[], set: "profile" | "defaults", key: "latency.p99" | "makespan") {
  const errors = results
    .map((r) => r.errors[set].find((e) => e.key === key)?.error)
    .filter((e): e is number => e !== undefined && Number.isFinite(e));
  return {
    close: errors.filter((e) => Math.abs(e) <= 0.15).length,
    low: errors.filter((e) => e < -0.15).length,
    high: errors.filter((e) => e > 0.15).length,
  };
}

/**
 * A random-set figure's conclusion (its alt text after the title): per metric, how many held-out
 * scenarios are within ±15% and, of the rest, how many the simulation puts low and how many high.
 */
function randomConclusion(results: readonly ScenarioResult[], sets: readonly ("profile" | "defaults")[]): string {
  const part = (set: "profile" | "defaults", key: "latency.p99" | "makespan", label: string): string => {
    const w = within15(results, set, key);
    return `${label} is within ±15% of measured in ${w.close} of ${results.length} scenarios${sets.length > 1 ? ` with the ${PARAM_SET_LABELS[set]}` : ""} (${w.low} simulated low, ${w.high} high)`;
  };
  const parts = sets.flatMap((set) => [part(set, "latency.p99", "p99"), part(set, "makespan", "makespan")]);
  return `${parts.join("; ")}.`;
}

function bothSetsTitle(results: readonly ScenarioResult[]): string {
  // The p99's median and worst per parameter set, in two lines at most; every row's median is
  // written beside it in the figure.
  return `Held-out random scenarios (${results.length}), median signed p99 error: ${medianWorst(results, "profile", "latency.p99")} with the ${PARAM_SET_LABELS.profile}, ${medianWorst(results, "defaults", "latency.p99")} with the ${PARAM_SET_LABELS.defaults}`;
}

export const meta: NotebookMeta = {
  id: "validation",
  title: "Validation: the simulation against real CPython",
  question:
    "Run the same planned tasks in the simulator and in real CPython: how far off are the simulated makespan and latency percentiles, on six hand-picked scenarios and on a hundred random ones nobody picked?",
  claim: "A simulation of the GIL and the event loop is a toy; only measurements tell you anything.",
  seed: 0,
};

/** Real runs per scenario when measuring (--live). */
const RUNS = 5;
/** Nice value asked for the harness while measuring (applied only with the privilege to). */
const PRIORITY = 20;
/** How long to wait for a quiet machine before each run, ms. */
const QUIET_WAIT_MS = 120_000;

/** Seconds a real run takes besides its tasks: starting Python, the harness, collecting. */
const RUN_OVERHEAD_S = 2;
/** Seconds `gilsim calibrate` takes (README: about 5 s). */
const CALIBRATE_S = 5;

/**
 * What --live will do and how long it will take, said before it starts: the calibration and every
 * suite scenario's real runs (each about its simulated makespan plus start-up), the longest wait
 * for a quiet machine, and the files it rewrites.
 */
export function livePlan(runs = RUNS): { seconds: number; text: string } {
  let seconds = CALIBRATE_S;
  for (const entry of SUITE) {
    const makespan = simulate(parseScenario(entry.input, entry.id), { seed: 1 }).metrics.makespan / SECOND;
    seconds += runs * (makespan + RUN_OVERHEAD_S);
  }
  const waits = SUITE.length * runs + 1;
  const minutes = (s: number) => (s < 90 ? `${Math.ceil(s)} s` : `${Math.ceil(s / 60)} min`);
  const text = `validation --live: calibrates this machine, then runs ${SUITE.length} scenarios ${runs} times each in real CPython: about ${minutes(seconds)} on a quiet machine, up to ${minutes((waits * QUIET_WAIT_MS) / 1000)} more waiting for quiet; then it rewrites data/validation/machine-profile.json and data/validation/{${SUITE.map((e) => e.id).join(",")}}.json (only if every run succeeds; Ctrl-C leaves them as they are)`;
  return { seconds, text };
}

/** Calibrates, runs the suite, then writes every file: nothing is replaced unless all of it worked. */
async function record(): Promise<void> {
  const plan = livePlan();
  process.stderr.write(`${plan.text}\n`);
  const t0 = performance.now();
  const total = SUITE.length * RUNS + 1;
  const io = {
    out: (t: string) => process.stdout.write(t),
    err: (t: string) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
  };
  const bar = createProgress(io, "validation --live", total, 0, "real runs");
  let done = 0;
  try {
    await waitForQuiet({ maxWaitMs: QUIET_WAIT_MS });
    const calibration = await runCalibration({ priority: PRIORITY });
    bar.update(++done);
    const profile = profileFromCalibration(calibration);
    const recordings: Recording[] = [];
    for (const entry of SUITE) {
      const input = forPython(entry.input, calibration.python.version);
      const scenario = parseScenario(applyProfile(input, profile), entry.id);
      const before = done;
      const c = await compare(scenario, {
        runs: RUNS,
        priority: PRIORITY,
        quietWaitMs: QUIET_WAIT_MS,
        quietThreshold: 0.08,
        onProgress: (p) => bar.update(before + p.run - 1),
      });
      done = before + RUNS;
      bar.update(done);
      recordings.push(toRecording(entry.id, input, c.real, calibration.nice));
    }
    await writeProfile(DEFAULT_PROFILE_PATH, profile);
    for (const rec of recordings) await writeRecording(rec);
  } finally {
    bar.stop();
  }
  process.stderr.write(
    `validation --live: ${total - 1} real runs and the calibration in ${((performance.now() - t0) / 1000).toFixed(0)} s; rewrote data/validation/\n`,
  );
}

/** One timeline's lanes in a window, as the words about them need them. */
interface Lanes {
  /** Mean length of the worker's IO bars. */
  io: number;
  /** Mean length of the worker's waits for the GIL (0 where the trace has none). */
  waitGil: number;
  /** When the worker's first state other than idle begins. */
  firstBusy: number;
  /** MainThread's share of the window by state. */
  main: Partial<Record<ThreadState, number>>;
}

function lanesOf(trace: Trace, window: [number, number]): Lanes {
  const worker = trace.threads.find((t) => t.role === "worker");
  const main = trace.threads.find((t) => t.name === "MainThread");
  if (!worker || !main) throw new Error(`${trace.scenario}: no worker or no MainThread`);
  const inside = trace.intervals.filter((iv) => iv.start >= window[0] && iv.end <= window[1]);
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const lengths = (thread: number, state: ThreadState) =>
    inside.filter((iv) => iv.thread === thread && iv.state === state).map((iv) => iv.end - iv.start);
  const span = window[1] - window[0];
  const share: Partial<Record<ThreadState, number>> = {};
  for (const iv of trace.intervals) {
    if (iv.thread !== main.id) continue;
    const t = Math.min(iv.end, window[1]) - Math.max(iv.start, window[0]);
    if (t > 0) share[iv.state] = (share[iv.state] ?? 0) + t / span;
  }
  const busy = trace.intervals.filter((iv) => iv.thread === worker.id && iv.state !== "idle");
  return {
    io: mean(lengths(worker.id, "io")),
    waitGil: mean(lengths(worker.id, "wait-gil")),
    firstBusy: Math.min(...busy.map((iv) => iv.start)),
    main: share,
  };
}

/**
 * Why the simulated and the measured convoy timelines differ, computed from the two traces: where
 * the wait for the GIL after IO shows, what MainThread's lane holds, and when the worker starts.
 */
function convoyLanes(sim: Trace, real: Trace, window: [number, number]) {
  const s = lanesOf(sim, window);
  const r = lanesOf(real, window);
  const ioSteps = sim.tasks.flatMap((t) => t.steps).filter((st) => st.kind === "io");
  const demand = ioSteps.reduce((a, st) => a + st.demand, 0) / Math.max(1, ioSteps.length);
  const share = (x: number | undefined) => `${Math.round((x ?? 0) * 100)}%`;
  return {
    sim: s,
    real: r,
    demand,
    mainSim: `MainThread hands each request to the pool, which takes the GIL: the simulation shows it waiting for the GIL ${share(s.main["wait-gil"])} of the window and holding it ${share(s.main.gil)}.`,
    mainReal: `The recording times only the steps of tasks, and MainThread runs none (it reads each arrival and submits it), so its lane is idle for ${share(r.main.idle)} of the window.`,
    start: `The worker's first step begins at ${formatNanos(r.firstBusy)} in CPython and ${formatNanos(s.firstBusy)} in the simulation; before it the lane is hatched (not started).`,
  };
}

interface Row {
  entry: SuiteEntry;
  comparison: Comparison;
  /** The same scenario simulated with the version profile's defaults only. */
  defaults: Comparison;
}

/** A signed error with one decimal: "+3.2%", "\u22124.1%" (U+2212), and "0.0%" for what rounds to zero. */
const pct = (e: number | null): string => (e === null ? "n/a" : signedPercent(e));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function metric(c: Comparison, key: string): { sim: number; real: number; error: number } {
  const r = c.rows.find((x) => x.key === key);
  if (!r || r.error === null) throw new Error(`no ${key} in the comparison of ${c.scenario}`);
  return { sim: r.simulated, real: r.mean, error: r.error };
}

function compareRecorded(entry: SuiteEntry, profile: MachineProfile): Row {
  const rec = readRecording(entry.id);
  const runs = recordedRuns(rec);
  const withProfile = parseScenario(applyProfile(rec.input, profile), entry.id);
  const plain = parseScenario(rec.input, entry.id);
  return {
    entry,
    comparison: comparisonOf(withProfile, withProfile.seed, runs, "machine profile"),
    defaults: comparisonOf(plain, plain.seed, runs, "version defaults"),
  };
}

/** Median and max absolute error of makespan and p95 over rows. */
function accuracy(rows: readonly Row[], pick: (r: Row) => Comparison): { median: number; max: number } {
  const errors = rows
    .flatMap((r) => [metric(pick(r), "makespan").error, metric(pick(r), "latency.p95").error])
    .map(Math.abs);
  return { median: median(errors), max: Math.max(...errors) };
}

interface RandomSet {
  name: string;
  seed: number;
  records: RandomRecord[];
  results: ScenarioResult[];
}

const abs = (x: number): string => pct(Math.abs(x)).replace("+", "");
const get = (rows: ErrorSummary[], metric: ErrorSummary["metric"]): ErrorSummary =>
  rows.find((r) => r.metric === metric) as ErrorSummary;

/** Per metric and pooled: median |error|, share within 15%, mean signed error, for both parameter sets. */
function randomTable(nb: Notebook, set: RandomSet): void {
  const p = summarize(set.results, "profile");
  const d = summarize(set.results, "defaults");
  const noise = noiseFloor(set.results);
  nb.table(
    [
      "metric",
      "profile: median |error|",
      "within 15%",
      "mean signed",
      "defaults: median |error|",
      "within 15%",
      "mean signed",
      "real vs real: median |difference|",
    ],
    p.map((row, i) => {
      const def = d[i] as ErrorSummary;
      const n = noise.find((x) => x.metric === row.metric);
      return [
        row.metric === "all" ? "all five" : row.metric.replace("latency.", ""),
        abs(row.medianAbs),
        abs(row.within15),
        pct(row.meanSigned),
        abs(def.medianAbs),
        abs(def.within15),
        pct(def.meanSigned),
        n ? abs(n.medianAbs) : "",
      ];
    }),
  );
}

/**
 * The same scenarios recorded in earlier sessions: how far real CPython on this machine moved from
 * one session to the next, and what the model's errors were against that recording.
 */
function sessionsSection(nb: Notebook, sets: readonly RandomSet[], source: ReturnType<typeof profileSource>): void {
  const rows: string[][] = [];
  const sentences: string[] = [];
  for (const session of RANDOM_EARLIER_SESSIONS) {
    for (const set of sets) {
      const earlier = [...readSet(session.dir, set.seed).values()].map((r) => evaluateRecord(r, source));
      if (earlier.length === 0) continue;
      const drift = sessionDrift(earlier, set.results);
      const moved = drift.filter((r) => r.metric.startsWith("latency."));
      const then = get(summarize(earlier, "profile"), "latency.p99");
      rows.push([
        `${set.name}, ${session.date}`,
        String(earlier.length),
        ...moved.map((r) => pct(r.medianSigned)),
        ...moved.map((r) => abs(1 - r.within15)),
        pct(then.meanSigned),
        abs(then.medianAbs),
        pct(get(summarize(set.results, "profile"), "latency.p99").meanSigned),
      ]);
      if (set.seed === RANDOM_SETS.heldOut.seed) {
        const worst = get(drift, "latency.p99").worst;
        sentences.push(
          `On ${session.date} the held-out scenarios' real p50, p95 and p99 were ${moved.map((r) => pct(r.medianSigned)).join(", ")} from the current recording's at the median, and ${abs(1 - get(drift, "all").within15)} of all five figures (makespan and throughput included) more than 15% apart (the furthest p99: ${worst.id}, ${pct(worst.error)}).`,
        );
      }
    }
  }
  if (rows.length === 0) return;
  nb.text(
    `The same scenarios were recorded in ${RANDOM_EARLIER_SESSIONS.length === 1 ? "an earlier session" : `${RANDOM_EARLIER_SESSIONS.length} earlier sessions`} too, on the same machine (busy shares and load averages in each record). ${sentences.join(" ")} ${RANDOM_EARLIER_SESSIONS.flatMap((s) => (s.note ? [s.note] : [])).join(" ")} The host's state moves what the guest measures. That is why each recording session measures a machine profile of each Python version first and each record is simulated with its own session's profile (a session that measured none, as the first did, with data/profiles), and why recommend's allowance pools every session.`,
  );
  nb.table(
    [
      "set, earlier session",
      "scenarios",
      "p50 then vs now (median)",
      "p95",
      "p99",
      "p50 > 15% apart",
      "p95",
      "p99",
      "model p99 mean signed then",
      "model p99 median |error| then",
      "model p99 mean signed now",
    ],
    rows,
  );
}

/** Random scenarios nobody picked: the recorded development and held-out sets against the current model. */
async function randomSection(nb: Notebook): Promise<void> {
  const source = profileSource();
  const sets: RandomSet[] = [
    { name: "development", seed: RANDOM_SETS.development.seed },
    { name: "held-out", seed: RANDOM_SETS.heldOut.seed },
  ].map(({ name, seed }) => {
    const records = [...readSet(RANDOM_DATA_DIR, seed).values()];
    return { name, seed, records, results: records.map((r) => evaluateRecord(r, source)) };
  });
  const held = sets[1] as RandomSet;
  if (held.results.length === 0) throw new Error(`no recorded random scenarios in ${RANDOM_DATA_DIR}`);
  const p = summarize(held.results, "profile");
  const d = summarize(held.results, "defaults");
  const noise = noiseFloor(held.results);
  const targets = checkTargets(held.results);
  const met = targets.filter((t) => t.met).length;
  const bias = get(p, "latency.p99").meanSigned;
  const profiles = [...new Set(held.results.map((r) => r.profile))].join(", ");

  nb.heading("Random scenarios nobody picked");
  nb.text(
    `The six scenarios above were picked by hand, and the model was tuned on them. \`gilsim validate --random N --seed S\` draws scenarios from a documented space instead (docs/validation.md): sync, thread pools, process pools and asyncio alone or with a pool, some with a concurrency limit; Poisson, fixed-rate, closed-loop or batch arrivals at 10% to 90% of an estimated capacity; tasks mixing pure Python, GIL-releasing and GIL-holding C calls, IO, blocking calls and offloads; payloads, switch intervals from 0.5 to 10 ms and Python 3.9 to 3.13. Two sets are recorded: a development set (seed ${RANDOM_SETS.development.seed}, ${sets[0]?.records.length ?? 0} scenarios) that may be looked at while fixing the model, and a held-out set (seed ${held.seed}, ${held.records.length} scenarios) that the targets are judged on. The recordings hold only what was measured; every error here is recomputed from them with the current model, with the machine profile (${profiles}) and with the version defaults.`,
  );
  nb.text(`Held-out set: ${provenance(held.records)}.`);
  // The claim (a simulation is a toy) holds as far as the accuracy targets on scenarios nobody
  // picked are missed: each target missed is a condition of it that holds.
  nb.verdict(
    verdictOf(targets.map((t) => !t.met)),
    `On the ${held.results.length} held-out random scenarios, with the machine profile, the median |error| is ${abs(get(p, "makespan").medianAbs)} for makespan but ${abs(get(p, "latency.p50").medianAbs)}, ${abs(get(p, "latency.p95").medianAbs)} and ${abs(get(p, "latency.p99").medianAbs)} for p50, p95 and p99; ${abs(get(p, "all").within15)} of scenario-metrics are within 15%, and the mean signed p99 error is ${pct(bias)}: on average the simulated tails are ${abs(bias)} ${bias < 0 ? "shorter" : "longer"} than the real ones. gilsim recommend allows for the median bias measured on the development set, over every recording session (p99 ${abs(MEDIAN_SIGNED_ERROR.profile["latency.p99"])} low with the profile, ${abs(MEDIAN_SIGNED_ERROR.defaults["latency.p99"])} with the defaults): the typical bias, not the worst. With the version defaults the median |error| over all five metrics is ${abs(get(d, "all").medianAbs)} (with the profile ${abs(get(p, "all").medianAbs)}). ${met} of the ${targets.length} targets ${met === 1 ? "is" : "are"} met. Real CPython against itself (one run against the mean of the other two) differs by ${abs(get(noise, "latency.p99").medianAbs)} at the median for p99 and ${abs(get(noise, "latency.p50").medianAbs)} for p50.`,
  );
  nb.table(
    ["target (held-out set)", "value", "needed", "met"],
    targets.map((t) => [
      t.name,
      t.name.includes("signed") ? pct(t.value) : abs(t.value),
      t.target,
      t.met ? "yes" : "no",
    ]),
  );
  for (const set of sets) {
    nb.text(`The ${set.name} set (seed ${set.seed}, ${set.results.length} scenarios), per metric:`);
    randomTable(nb, set);
  }
  sessionsSection(nb, sets, source);
  const subtitle = provenance(held.records);
  await nb.figure(
    "random-errors",
    errorStripFigure(held.results, {
      title: bothSetsTitle(held.results),
      subtitle,
    }),
    `Every held-out scenario's signed error per metric, with the machine profile (left) and the version defaults (right); the open black I-beam is the row's median. ${FAMILY_COLOUR_RULE}`,
    held.results.map((r) => ({ id: r.id, family: r.family, version: r.version, errors: r.errors })),
    randomConclusion(held.results, ["profile", "defaults"]),
  );
  for (const set of ["profile", "defaults"] as const) {
    await nb.figure(
      `random-parity-${set}`,
      parityFigure(held.results, set, {
        title: `Held-out random scenarios, ${PARAM_SET_LABELS[set]}: ${errorTitle(held.results, set)}`,
        subtitle,
      }),
      `Simulated (${PARAM_SET_LABELS[set]}) against measured, one panel per metric, one dot per held-out scenario; a black ring marks a scenario outside ±15%. ${FAMILY_COLOUR_RULE}`,
      held.results.map((r) => ({ id: r.id, family: r.family, errors: r.errors[set] })),
      randomConclusion(held.results, [set]),
    );
  }
  for (const by of ["family", "version"] as const) {
    for (const set of ["profile", "defaults"] as const) {
      const { head, rows } = groupRows(held.results, by, set);
      nb.text(
        `Held-out set, mean signed error by ${by === "family" ? "executor" : "Python version"}, with the ${PARAM_SET_LABELS[set]}:`,
      );
      // Minus as U+2212, as the page's other tables print it (groupRows keeps ASCII for the CLI's Markdown).
      nb.table(
        head,
        rows.map((row) => row.map((cell) => cell.replace(/^-(?=\d)/, "\u2212"))),
      );
    }
  }
}

export async function run(nb: Notebook): Promise<void> {
  if (process.argv.includes("--live")) await record();
  const profile = readProfile(DEFAULT_PROFILE_PATH);
  const rows = SUITE.map((e) => compareRecorded(e, profile));
  const target = rows.filter((r) => r.entry.target);
  const gaps = rows.filter((r) => !r.entry.target);
  const first = readRecording(SUITE[0]?.id ?? "");
  const runsPerScenario = first.runs.length;
  const python = first.runs[0]?.python ?? "?";
  const acc = accuracy(target, (r) => r.comparison);
  const accDefaults = accuracy(target, (r) => r.defaults);

  nb.text(
    `Each scenario's planned tasks (the same seed) ran ${runsPerScenario} times in CPython ${python}, recorded on ${first.recorded.slice(0, 10)} on the machine its profile describes (${profile.machine.cores} cores, ${profile.machine.cpu ?? "unknown CPU"}, ${profile.machine.platform} ${profile.machine.kernel ?? "?"}), and once in the simulator with the machine profile that \`gilsim calibrate\` measured there. Both sides are measured alike: metrics come from each trace through the same code. The error is (simulated − real mean) / real mean.`,
  );
  nb.finding(
    `Across the ${target.length} suite scenarios the median absolute error of makespan and p95 latency is ${pct(acc.median).replace("+", "")} and the largest is ${pct(acc.max).replace("+", "")} with the machine profile (targets: at most 5% and 15%; the median ${Math.abs(acc.median) <= 0.05 ? "meets" : "misses"} its target, the largest ${Math.abs(acc.max) <= 0.15 ? "meets" : "misses"} its own). With the version profile's defaults instead of the measured costs: median ${pct(accDefaults.median).replace("+", "")}, largest ${pct(accDefaults.max).replace("+", "")}.`,
  );

  nb.heading("The suite");
  nb.table(
    [
      "scenario",
      "makespan sim",
      "makespan real",
      "error",
      "error, defaults",
      "p95 sim",
      "p95 real",
      "error",
      "error, defaults",
      "real p95 range",
    ],
    target.map((r) => {
      const m = metric(r.comparison, "makespan");
      const p = metric(r.comparison, "latency.p95");
      const band = r.comparison.rows.find((x) => x.key === "latency.p95");
      return [
        r.entry.id,
        formatDuration(m.sim),
        formatDuration(m.real),
        pct(m.error),
        pct(metric(r.defaults, "makespan").error),
        formatDuration(p.sim),
        formatDuration(p.real),
        pct(p.error),
        pct(metric(r.defaults, "latency.p95").error),
        band ? `${formatDuration(band.min)}..${formatDuration(band.max)}` : "",
      ];
    }),
  );
  nb.text(
    'The "defaults" columns simulate the same scenarios with the Python version\'s default costs instead of the measured profile: what a user gets without running `gilsim calibrate`.',
  );
  nb.table(
    ["scenario", "what it runs"],
    SUITE.map((e) => [e.id, e.covers]),
  );

  const points = (key: string, list: readonly Row[]): SimRealPoint[] =>
    list.map((r) => {
      const m = metric(r.comparison, key);
      // Each real run too, so the figure shows how far apart the runs themselves are.
      const runs = (r.comparison.rows.find((x) => x.key === key)?.real ?? []).map((v) => v / 1e6);
      return { label: r.entry.id, simulated: m.sim / 1e6, measured: m.real / 1e6, runs };
    });
  const data = (key: string) =>
    rows.map((r) => ({ scenario: r.entry.id, target: r.entry.target, ...metric(r.comparison, key) }));
  /** A scenario's real runs of one metric. */
  const runsOf = (r: Row, key: string): readonly number[] => r.comparison.rows.find((x) => x.key === key)?.real ?? [];
  /** How far apart a scenario's real runs are at most: (highest − lowest) / mean. */
  const spanOf = (r: Row, key: string): number => {
    const runs = runsOf(r, key);
    const mean = runs.reduce((a, b) => a + b, 0) / Math.max(1, runs.length);
    return runs.length > 1 && mean > 0 ? (Math.max(...runs) - Math.min(...runs)) / mean : 0;
  };
  /** Whether the simulated value lies between the lowest and the highest of the scenario's real runs. */
  const withinRuns = (r: Row, key: string): boolean => {
    const runs = runsOf(r, key);
    const sim = metric(r.comparison, key).sim;
    return runs.length > 1 && sim >= Math.min(...runs) && sim <= Math.max(...runs);
  };
  /** A suite figure's conclusion: how many simulated values lie within the scenario's own real runs. */
  const noiseWords = (key: string): string => {
    const inside = target.filter((r) => withinRuns(r, key)).length;
    const low = target.filter((r) => metric(r.comparison, key).error < 0).length;
    return `${inside} of ${target.length} simulated values lie between the lowest and the highest of that scenario's own real runs; the simulation is low in ${low} of ${target.length} scenarios.`;
  };
  const spreadWords = (key: string): string => {
    const widest = target
      .map((r) => ({ id: r.entry.id, span: spanOf(r, key) }))
      .reduce((a, b) => (b.span > a.span ? b : a));
    return `a scenario's real runs span at most ${Math.round(widest.span * 100)}% of their mean (${widest.id})`;
  };
  /** The title's conclusion: how many scenarios fall within ±5%, and the worst error with its sign. */
  const agreement = (key: string): string => {
    const errors = target.map((r) => ({ id: r.entry.id, error: metric(r.comparison, key).error }));
    const close = errors.filter((e) => Math.abs(e.error) <= 0.05).length;
    const worst = errors.reduce((a, b) => (Math.abs(b.error) > Math.abs(a.error) ? b : a));
    return `within ±5% of measured in ${close} of ${errors.length} scenarios, at worst ${pct(worst.error)} (${worst.id})`;
  };
  // The page's caption is the figure's own, which says whether the real runs show as a line or
  // as rings beside each point (a fixed sentence here once described a line the figure lacked).
  const makespanFigure = simRealChart(points("makespan", target), {
    quantity: "makespan (ms)",
    title: `Makespan: simulated ${agreement("makespan")}`,
    subtitle: `${target.length} scenarios, mean of ${runsPerScenario} real runs each, CPython ${python}; ${spreadWords("makespan")}`,
  });
  await nb.figure("makespan", makespanFigure, makespanFigure.caption ?? "", data("makespan"), noiseWords("makespan"));
  const p95Figure = simRealChart(points("latency.p95", target), {
    quantity: "p95 latency (ms)",
    scale: "log",
    title: `p95 latency: simulated ${agreement("latency.p95")}`,
    subtitle: `${target.length} scenarios, mean of ${runsPerScenario} real runs each, log axes; ${spreadWords("latency.p95")}`,
  });
  nb.text("The tail is harder than the makespan: it depends on wake-ups, timer rounding and who wins the GIL.");
  await nb.figure("p95", p95Figure, p95Figure.caption ?? "", data("latency.p95"), noiseWords("latency.p95"));

  const convoy = rows.find((r) => r.entry.id === "convoy");
  if (convoy) {
    const real = convoy.comparison.real[0];
    if (real) {
      const window: [number, number] = [0, 100e6];
      const why = convoyLanes(convoy.comparison.simulated.trace, real.trace, window);
      const simCaption = `The simulated threads: the worker's IO (bars of ${formatNanos(why.sim.io)} on average; the scenario asks ${formatNanos(why.demand)}), then a wait for the GIL held by the cruncher (pink, ${formatNanos(why.sim.waitGil)} on average): ${formatNanos(why.sim.io + why.sim.waitGil)} from the start of the IO to the GIL. ${why.mainSim}`;
      const realCaption = `The same planned requests in CPython, same window. A step's bar is its wall time, GIL wait included: Python runs, and so can timestamp the end of a step, only once it holds the GIL again, so the worker's IO bars last ${formatNanos(why.real.io)} on average for ${formatNanos(why.demand)} of IO (simulated: ${formatNanos(why.sim.io + why.sim.waitGil)} of IO and GIL wait). ${why.mainReal} ${why.start}`;
      await nb.figure(
        "convoy-simulated",
        timelineChart(convoy.comparison.simulated.trace, {
          window,
          title: `Convoy, simulated: after ${formatNanos(why.sim.io)} of IO the worker waits ${formatNanos(why.sim.waitGil)} on average for the GIL the cruncher holds`,
          subtitle: "the first 100 ms of the convoy scenario",
          caption: simCaption,
        }),
        simCaption,
        { window, lanes: why },
        `From the start of each IO to the GIL: ${formatNanos(why.sim.io + why.sim.waitGil)} in the simulation, ${formatNanos(why.real.io)} as CPython's IO bars measure it (${pct((why.sim.io + why.sim.waitGil) / why.real.io - 1)}).`,
      );
      await nb.figure(
        "convoy-real",
        timelineChart(real.trace, {
          window,
          gil: false,
          markers: false,
          stateLabels: MEASURED_STATE_LABELS,
          title: `Convoy, measured in CPython ${real.python}: each ${formatNanos(why.demand)} IO call of the worker takes ${formatNanos(why.real.io)} on average${why.real.io > why.demand ? ", its wait for the GIL included" : ""}`,
          subtitle: "the first 100 ms; Python cannot see GIL waits, so a step's bar ends when it holds the GIL again",
          caption: realCaption,
        }),
        realCaption,
        { window, lanes: why },
        why.real.io > why.demand
          ? `The ${formatNanos(why.real.io - why.demand)} beyond the IO asked is the wait for the GIL, which the simulation draws apart (${formatNanos(why.sim.waitGil)}).`
          : "The IO bars are no longer than the IO asked: no wait for the GIL after IO shows in this window.",
      );
      nb.text(
        `Why the two timelines differ. ${why.real.io > why.demand ? `In CPython the wait for the GIL after each IO is inside the IO bar (${formatNanos(why.real.io)} on average for ${formatNanos(why.demand)} of IO); the simulation draws it apart, ${formatNanos(why.sim.io)} of IO then ${formatNanos(why.sim.waitGil)} waiting for the GIL, ${formatNanos(why.sim.io + why.sim.waitGil)} together (${pct((why.sim.io + why.sim.waitGil) / why.real.io - 1)} against the measured bars).` : `The measured IO bars (${formatNanos(why.real.io)} on average) are no longer than the ${formatNanos(why.demand)} of IO asked: the recording shows no wait for the GIL after IO in this window.`} ${why.mainSim} ${why.mainReal} ${why.start}`,
      );
    }
  }

  nb.heading("Beyond the target");
  const release = gaps.find((r) => r.entry.id === "mixed-release");
  const releaseP95 = release && metric(release.comparison, "latency.p95");
  nb.text(
    `Two more scenarios, outside the target, probe harder cases. mixed-release: worker threads hash with the GIL released beside a busy event loop${releaseP95 ? `, and the requests' p95 in CPython is ${formatDuration(releaseP95.real)}, ${nb.compare("p95 of mixed-release: measured vs simulated", releaseP95.real, releaseP95.sim, "lower", TIME_WORDS)} the ${formatDuration(releaseP95.sim)} the model draws${Math.abs(releaseP95.error) > 0.15 ? ": a known gap, the model misses part of the workers' waits for the GIL" : `, within 15%; it was a known gap (about 13% low) until the model sent woken threads back to their busy previous CPU, as this VM's kernel does (docs/model.md, section 2)`}` : ""} (a plain Python reproduction without the harness shows the same long waits). convoy-closed is a closed client issuing requests back to back on one thread beside a CPU-bound thread: with no think time the thread goes straight from one request to the next and keeps the GIL, which the model does too (it used to sleep between requests and wait a whole switch interval to get the GIL back).`,
  );
  nb.table(
    ["scenario", "makespan error", "p95 sim", "p95 real", "p95 error", "what"],
    gaps.map((r) => {
      const m = metric(r.comparison, "makespan");
      const p = metric(r.comparison, "latency.p95");
      return [r.entry.id, pct(m.error), formatDuration(p.sim), formatDuration(p.real), pct(p.error), r.entry.covers];
    }),
  );

  await randomSection(nb);

  nb.heading("The machine profile");
  nb.text(
    `Measured by \`gilsim calibrate\` with CPython ${profile.python} (${profile.created.slice(0, 10)}); each is a median and 99th percentile over many rounds. The simulation used the parameters these map to (table below) wherever a scenario sets none.`,
  );
  nb.table(
    ["quantity", "median", "p99", "n", "what"],
    Object.entries(profile.measured).map(([k, q]) => [
      k,
      q.unit === "ns" ? formatDuration(q.median) : `${q.median} ${q.unit}`,
      q.unit === "ns" ? formatDuration(q.p99) : `${q.p99} ${q.unit}`,
      q.n,
      q.note ?? "",
    ]),
  );
  nb.table(
    ["parameter", "value"],
    [
      ...(profile.machine.slice ? [["machine.slice", profile.machine.slice]] : []),
      ...Object.entries(profile.runtime).map(([k, v]) => [
        `runtime.${k}`,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ],
  );
  const busy = rows.flatMap((r) => r.comparison.real.map((x) => Math.max(x.busyBefore ?? 0, x.busyAfter ?? 0)));
  nb.text(
    `Other work on this shared machine disturbs real runs, so each run waited for a quiet moment (at most 8% of the CPUs busy) and the harness ran at raised priority (nice ${first.nice ?? "unchanged"}). The busiest moment around any recorded run: ${Math.round(Math.max(...busy) * 100)}% of the CPUs.`,
  );
}

await runIfMain(import.meta.url, { meta, run });
