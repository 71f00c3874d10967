/**
 * asyncio.to_thread with pure-Python work: the work leaves the coroutine but not the GIL, so the
 * event loop still waits for it, and health checks time out.
 */
import { type EcdfSeries, ecdfChart } from "../src/charts/ecdf.js";
import { queueChart } from "../src/charts/queue.js";
import { profile } from "../src/model/profiles.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import type { TaskRecord } from "../src/trace/types.js";
import { ms, pct, sim } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { direction, TIME_WORDS, verdictOf } from "./lib/words.js";

export const meta: NotebookMeta = {
  id: "to-thread",
  title: "asyncio.to_thread does not free the event loop from pure-Python work",
  question:
    "An asyncio service answers API requests (0.3 ms of Python and a database call of about 20 ms) and, 8 times a second, builds a report with 50 ms of pure Python. The report was moved to asyncio.to_thread so it would stop blocking the loop. Does the loop stay responsive? How late are the health checks?",
  claim: "Move blocking work to asyncio.to_thread and the event loop stays responsive.",
  seed: 909,
};

const RATE = 120;
/** One request in 15 is a report: 8 a second. */
const COUNT = 3600;
const WARMUP = 2e9;
const REPORT_MS = 50;
/** A load balancer's health check that waits this long before marking the service down. */
const HEALTH_TIMEOUT_MS = 10;

type Steps = ScenarioInput["workload"]["classes"][number]["steps"];
const API: Steps = [{ cpu: "300us" }, { io: { dist: "lognormal", median: "20ms", p99: "35ms" } }];
const HEALTH: Steps = [{ cpu: "50us" }];

function scenario(report: Steps | null, offload: "threads" | "processes"): ScenarioInput {
  return {
    seed: meta.seed,
    machine: { cores: 4 },
    runtime: { python: "3.12" },
    executor: {
      kind: "asyncio",
      offload: offload === "threads" ? { kind: "threads" } : { kind: "processes", workers: 4, startMethod: "fork" },
    },
    workload: {
      arrivals: { kind: "poisson", rate: RATE, count: COUNT },
      classes: [
        { name: "api", weight: 26, steps: API },
        { name: "health", weight: 2, steps: HEALTH },
        { name: "report", weight: 2, steps: report ?? API },
      ],
    },
    run: { warmup: "2s", trace: true },
  };
}

interface Stats {
  healthP50: number;
  healthP99: number;
  late: number;
  lagP99: number;
  apiP99: number;
}

function latencies(tasks: readonly TaskRecord[], name: string): number[] {
  return tasks.filter((t) => t.class === name && t.arrival >= WARMUP).map((t) => t.end - t.arrival);
}

/** Merges the tasks' [start, end] into disjoint runs, in time order. */
function episodes(tasks: readonly TaskRecord[]): [number, number][] {
  const out: [number, number][] = [];
  for (const t of [...tasks].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    if (last && t.start <= last[1]) last[1] = Math.max(last[1], t.end);
    else out.push([t.start, t.end]);
  }
  return out;
}

function quantile(values: ArrayLike<number>, p: number): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

export async function run(nb: Notebook): Promise<void> {
  const cpu = [{ cpu: `${REPORT_MS}ms` }];
  const designs = [
    // Colour and symbol by where the report runs: the loop (asyncio), a thread, a process.
    { label: "no report", executor: "asyncio" as const, input: scenario(null, "threads") },
    { label: "report in the coroutine", executor: "asyncio" as const, input: scenario(cpu, "threads") },
    {
      label: "report in asyncio.to_thread",
      executor: "threads-gil" as const,
      input: scenario([{ offload: cpu }], "threads"),
    },
    {
      label: "report in a process pool",
      executor: "processes" as const,
      input: scenario([{ offload: cpu }], "processes"),
    },
  ];
  const series: EcdfSeries[] = [];
  const rows: (string | number)[][] = [];
  const stats: Record<string, Stats> = {};
  const lagSeries: Record<string, { time: number; lag: number }[]> = {};
  const reportRuns: Record<string, [number, number][]> = {};
  /** CPU the process pool's workers ran (outside the loop's process), and the reports it served. */
  const workers = { cpu: 0, reports: 0 };
  for (const d of designs) {
    const r = sim(d.input, { trace: true });
    if (!r.trace) throw new Error("trace missing");
    const health = latencies(r.trace.tasks, "health");
    const api = latencies(r.trace.tasks, "api");
    const late = health.filter((v) => v > HEALTH_TIMEOUT_MS * 1e6).length / Math.max(1, health.length);
    const loop = r.metrics.loops[0];
    stats[d.label] = {
      healthP50: quantile(health, 0.5),
      healthP99: quantile(health, 0.99),
      late,
      lagP99: loop?.lag.p99 ?? 0,
      apiP99: quantile(api, 0.99),
    };
    lagSeries[d.label] = loop?.lagSeries ?? [];
    if (d.executor === "processes") {
      workers.cpu = r.metrics.threads.filter((t) => t.process !== 0).reduce((a, t) => a + t.cpu, 0);
      workers.reports = r.trace.tasks.filter((t) => t.class === "report" && t.arrival >= WARMUP).length;
    }
    reportRuns[d.label] = episodes(r.trace.tasks.filter((t) => t.class === "report" && t.arrival >= WARMUP));
    // "no report" is the baseline the others are read against: a wide grey band that the process
    // pool's curve, nearly the same, runs inside instead of hiding it.
    series.push(
      d.label === "no report"
        ? { label: "no report (wide grey)", reference: true, values: health }
        : { label: d.label, executor: d.executor, values: health },
    );
    rows.push([d.label, ms(loop?.lag.p99 ?? 0), ms(quantile(health, 0.99)), pct(late), ms(quantile(api, 0.99))]);
  }
  const s = (label: string) => stats[label] as Stats;
  const none = s("no report");
  const inline = s("report in the coroutine");
  const toThread = s("report in asyncio.to_thread");
  const procs = s("report in a process pool");
  // In ms, as the figure's axis and labels are (ms() switches to µs below 1 ms).
  const inMs = (ns: number): string => `${Number((ns / 1e6).toPrecision(3))}\u00a0ms`;
  const caption = `Latency of the health checks (0.05 ms of Python each; the rest of each is waiting for the loop), warm-up removed, on a log axis. The wide grey band is the service with no report at all (p50 ${inMs(none.healthP50)}, p99 ${inMs(none.healthP99)}); a curve inside it is no worse. A load balancer that waits ${HEALTH_TIMEOUT_MS} ms marks the service down on every check to the right of the black line.`;
  await nb.figure(
    "health",
    ecdfChart(series, {
      scale: "log",
      quantiles: [0.5, 0.99],
      threshold: { value: HEALTH_TIMEOUT_MS * 1e6, label: `load balancer timeout ${HEALTH_TIMEOUT_MS} ms` },
      title: `With the report in asyncio.to_thread, ${pct(toThread.late)} of health checks take over ${HEALTH_TIMEOUT_MS} ms (p99 ${ms(toThread.healthP99)}); in a process pool ${pct(procs.late)}`,
      subtitle: `asyncio, Poisson ${RATE}/s: API requests, health checks, and one report (${REPORT_MS} ms of pure Python) in 15; 4 cores, Python 3.12`,
      caption,
    }),
    caption,
    Object.fromEntries(Object.entries(stats)),
    `The worker thread holds the GIL for a whole switch interval at a time, and the loop waits for it each time it wakes.`,
  );
  nb.text(
    `With the reports in a process pool, the health checks' p99 (${ms(procs.healthP99)}) is ${nb.compare("health-check p99: process pool vs no report", procs.healthP99, none.healthP99, "lower", TIME_WORDS)} with no report at all (${ms(none.healthP99)}), and the loop lag's p99 (${ms(procs.lagP99)}) is ${nb.compare("loop lag p99: process pool vs no report", procs.lagP99, none.lagP99, "lower", TIME_WORDS)} that of the design with no report (${ms(none.lagP99)}). The reports still run: the pool's worker processes ran ${ms(workers.cpu)} of CPU after warm-up, for ${workers.reports} reports of ${REPORT_MS} ms. The loop only pickles each call and collects its result, so the API requests, which draw the same arrivals and IO times in every design, see a p99 of ${ms(procs.apiP99)} against ${ms(none.apiP99)} with no report.`,
  );
  nb.table(
    ["design", "loop lag p99", "health check p99", `health checks over ${HEALTH_TIMEOUT_MS} ms`, "API p99"],
    rows,
  );

  const label = "report in asyncio.to_thread";
  const lag = lagSeries[label] ?? [];
  const start = WARMUP;
  const end = start + 3e9;
  // The series keeps the worst lag of each time bucket; its width is the spacing of the samples.
  const bucket = Math.min(...lag.slice(1).map((p, i) => p.time - (lag[i] as { time: number }).time));
  const runs = reportRuns[label] ?? [];
  // Each report run's peak: the worst bucket from the one it starts in to the one it ends in.
  const peakOf = ([a, b]: [number, number]): number =>
    Math.max(0, ...lag.filter((p) => p.time > a - bucket && p.time <= b).map((p) => p.lag));
  const peaks = runs.map(peakOf).sort((a, b) => a - b);
  // The title and caption describe the excerpt the figure draws: its report runs, its worst point.
  const shownRuns = runs.filter(([a, b]) => b > start && a < end);
  const shownPeaks = shownRuns.map(peakOf).sort((a, b) => a - b);
  const shown = lag.filter((p) => p.time >= start && p.time <= end);
  const typical = quantile(shownPeaks, 0.5);
  const worstShown = shown.reduce((a, p) => (p.lag > a.lag ? p : a), { time: 0, lag: 0 });
  const worst = lag.reduce((a, p) => (p.lag > a.lag ? p : a), { time: 0, lag: 0 });
  const above = shown.filter((p) => p.lag > toThread.lagP99).length;
  const lastSample = lag.at(-1)?.time ?? end;
  const seconds = (ns: number) => `${(ns / 1e9).toFixed(1)}\u00a0s`;
  const short = sim(designs[2]?.input as ScenarioInput, { trace: false }).metrics;
  const outside = worst.time < start || worst.time > end;
  const p99Words =
    above > 0
      ? `${above} of the ${shown.length} bars in this excerpt run above the loop-lag p99 in the subtitle (${ms(toThread.lagP99)}, over every callback after warm-up)`
      : `no bar in this excerpt reaches the loop-lag p99 in the subtitle (${ms(toThread.lagP99)}, over every callback after warm-up): the slowest 1% of callbacks fall elsewhere in the run`;
  const lagCaption = `Top: requests waiting to start, stacked on requests running. Bottom: event-loop lag, how long a ready callback waited for the loop, with the report in asyncio.to_thread; grey bands mark a report running. An excerpt: the ${seconds(end - start)} from the end of warm-up (${seconds(start)}) to ${seconds(end)}, of a run whose samples reach ${seconds(lastSample)}. Each bar is the longest wait of a callback that ran in its ${ms(bucket)}; no bar, no callback ran then (the loop was busy with one, or idle); ${p99Words}.${outside ? ` The whole run's worst bucket, ${ms(worst.lag)} at ${seconds(worst.time)}, lies outside the excerpt.` : ""}`;
  await nb.figure(
    "loop-lag",
    queueChart(
      { queue: short.queue, lag, lagBucket: bucket },
      {
        window: [start, end],
        shade: { label: "a report running", intervals: runs },
        title: `With asyncio.to_thread, loop lag peaks at ${ms(typical)} in a typical report run (median of the ${shownPeaks.length} shaded report spells), ${ms(worstShown.lag)} at worst in this excerpt (at ${seconds(worstShown.time)})`,
        subtitle: `Excerpt ${seconds(start)}–${seconds(end)}${outside ? `; the whole run's worst, ${ms(worst.lag)} at ${seconds(worst.time)}, lies outside it` : ""}. Loop lag p99 over every callback ${ms(toThread.lagP99)}, against ${ms(none.lagP99)} with no report and ${ms(procs.lagP99)} with a process pool`,
        caption: lagCaption,
      },
    ),
    lagCaption,
    { lag, reportRuns: runs, reportPeaks: peaks, excerpt: { start, end, peaks: shownPeaks, worst: worstShown } },
    `Each report thread takes the GIL from the loop for switch intervals at a time.`,
  );
  nb.verdict(
    verdictOf([
      direction(toThread.lagP99, inline.lagP99, "lower") === "better",
      direction(toThread.healthP99, none.healthP99, "lower") !== "worse",
    ]),
    `asyncio.to_thread moves the report out of the coroutine but not off the GIL. Loop lag p99 is ${ms(toThread.lagP99)} with it, ${nb.compare("loop lag p99: to_thread vs in the coroutine", toThread.lagP99, inline.lagP99, "lower")} the ${ms(inline.lagP99)} of running the report in the coroutine, but ${nb.compare("loop lag p99: to_thread vs no report", toThread.lagP99, none.lagP99, "lower")} the ${ms(none.lagP99)} with no report at all: the report thread holds the GIL for a switch interval (${ms(profile("3.12", 4).switchInterval)}) at a time, and the loop must win it back each time it wakes. ${pct(toThread.late)} of health checks take longer than ${HEALTH_TIMEOUT_MS} ms (${pct(none.late)} without the report). Pure-Python work needs a process pool (loop lag p99 ${ms(procs.lagP99)}, ${pct(procs.late)} of checks late), or C code that releases the GIL; to_thread is for blocking calls that release it (file and socket IO, sleep).`,
  );
}

await runIfMain(import.meta.url, { meta, run });
