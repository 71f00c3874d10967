/**
 * Mixed work: asyncio with run_in_executor vs a thread pool vs a process pool.
 */

import { type EcdfSeries, ecdfChart } from "../src/charts/ecdf.js";
import { nearestRank, sortedSample } from "../src/charts/ecdf-data.js";
import type { ExecutorKind } from "../src/charts/palette.js";
import { queueChart } from "../src/charts/queue.js";
import { utilizationChart } from "../src/charts/utilization.js";
import { estimate, replicate, scalarMetrics } from "../src/metrics/replicate.js";
import type { Metrics } from "../src/metrics/types.js";
import { parseScenario } from "../src/scenario/scenario.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { THREAD_STATES, type ThreadState } from "../src/trace/types.js";
import { ms, pct, sim } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { verdictOf } from "./lib/words.js";

export const meta: NotebookMeta = {
  id: "mixed",
  title: "Mixed work: asyncio + run_in_executor vs thread pool vs process pool",
  question:
    "A web handler parses a request (1 ms of Python), queries a database (20 ms of IO on average, exponentially distributed), then renders a report (8 ms of pure Python on average, exponential). At 60 requests/s on 4 cores, which executor design gives the best latency?",
  claim: "Combine them for mixed work: asyncio for the IO, an executor for the CPU part.",
  seed: 505,
};

/** Seeds behind the p99 intervals: the figure's own and the next ones. */
const REPLICATIONS = 5;

const STEPS_INLINE = [
  { cpu: "1ms" },
  { io: { dist: "exponential", mean: "20ms" } },
  { cpu: { dist: "exponential", mean: "8ms" } },
];
const STEPS_OFFLOAD = [
  { cpu: "1ms" },
  { io: { dist: "exponential", mean: "20ms" } },
  { offload: [{ cpu: { dist: "exponential", mean: "8ms" } }] },
];

interface Design {
  label: string;
  executor: ExecutorKind;
  input: ScenarioInput;
}

function base(executor: ScenarioInput["executor"], steps: unknown[]): ScenarioInput {
  return {
    seed: meta.seed,
    machine: { cores: 4 },
    runtime: { python: "3.12" },
    executor,
    workload: {
      arrivals: { kind: "poisson", rate: "60/s", count: 3000 },
      classes: [
        { name: "request", payload: "16KiB", steps: steps as ScenarioInput["workload"]["classes"][number]["steps"] },
      ],
    },
    run: { warmup: "2s", trace: true },
  };
}

export async function run(nb: Notebook): Promise<void> {
  // Each design takes the colour and symbol of the executor that runs its CPU part: the loop
  // itself (asyncio), threads, or processes; the two thread designs differ by dash.
  const designs: Design[] = [
    {
      label: "asyncio, CPU inline",
      executor: "asyncio",
      input: base({ kind: "asyncio", offload: "none" }, STEPS_INLINE),
    },
    { label: "thread pool (16)", executor: "threads-gil", input: base({ kind: "threads", workers: 16 }, STEPS_INLINE) },
    {
      label: "asyncio + thread pool (4)",
      executor: "threads-gil",
      input: base({ kind: "asyncio", offload: { kind: "threads", workers: 4 } }, STEPS_OFFLOAD),
    },
    {
      label: "asyncio + process pool (4)",
      executor: "processes",
      input: base({ kind: "asyncio", offload: { kind: "processes", workers: 4, startMethod: "fork" } }, STEPS_OFFLOAD),
    },
  ];
  const series: EcdfSeries[] = [];
  const rows: (string | number)[][] = [];
  const results: Record<string, { p50: number; p99: number; lag: number }> = {};
  const metrics: Record<string, Metrics> = {};
  for (const d of designs) {
    const r = sim(d.input, { trace: true });
    const trace = r.trace;
    if (!trace) throw new Error("trace missing");
    const m = r.metrics;
    const values = trace.tasks.filter((t) => t.arrival >= 2e9).map((t) => t.end - t.arrival);
    series.push({ label: d.label, executor: d.executor, values });
    metrics[d.label] = m;
    const lag = m.loops[0]?.lag.p99 ?? 0;
    // The figure's quantiles (nearest rank over every request), so the table and the words agree
    // with the labels on the curves to the last digit; the metrics' sketch is approximate.
    const sorted = sortedSample(d.label, values);
    const p50 = nearestRank(sorted, 0.5);
    const p99 = nearestRank(sorted, 0.99);
    results[d.label] = { p50, p99, lag };
    rows.push([d.label, ms(p50), ms(p99), m.loops.length ? ms(lag) : "-", m.gil[0]?.convoys ?? 0]);
  }
  const get = (label: string) => results[label] as { p50: number; p99: number; lag: number };
  const inline = get("asyncio, CPU inline");
  const threads = get("asyncio + thread pool (4)");
  const procs = get("asyncio + process pool (4)");
  const pool = get("thread pool (16)");
  const bestDesign = designs.reduce((a, b) => (get(b.label).p99 < get(a.label).p99 ? b : a));
  // The same designs over REPLICATIONS seeds (the figure's own and the next ones), every design on
  // the same seeds: a difference between two designs is judged per seed (a paired interval), since
  // a busy seed is busy for all of them.
  const seeds = `seeds ${meta.seed} to ${meta.seed + REPLICATIONS - 1}`;
  const p99s = Object.fromEntries(
    designs.map((d) => [
      d.label,
      replicate(parseScenario(d.input), { replications: REPLICATIONS }).runs.map(
        (m) => scalarMetrics(m)["latency.p99"] as number,
      ),
    ]),
  );
  const perSeed = (label: string) => p99s[label] as number[];
  const mean95 = (label: string) => estimate(perSeed(label), 0.95);
  const showMean = (label: string) => {
    const e = mean95(label);
    return `${ms(e.mean)} (${ms(e.lo)} to ${ms(e.hi)})`;
  };
  /** The paired difference a - b over the seeds: mean, 95% interval, and on how many seeds a is higher. */
  const paired = (a: string, b: string) => {
    const d = perSeed(a).map((v, k) => v - (perSeed(b)[k] as number));
    return { ...estimate(d, 0.95), higher: d.filter((x) => x > 0).length };
  };
  const signed = (ns: number) => `${ns >= 0 ? "+" : "−"}${ms(Math.abs(ns))}`;
  const showPaired = (a: string, b: string) => {
    const p = paired(a, b);
    // How sure, not how much (the finding grades the size): a difference whose 95% interval over
    // the seeds leaves 0 out is beyond their noise at that level, no more.
    const sure =
      p.lo > 0
        ? "higher beyond the seeds' noise (95%)"
        : p.hi < 0
          ? "lower beyond the seeds' noise (95%)"
          : "within the seeds' noise (95%)";
    return `${signed(p.mean)} (95% interval ${signed(p.lo)} to ${signed(p.hi)}; higher on ${p.higher} of ${REPLICATIONS} seeds): ${sure}`;
  };
  for (const row of rows) row.splice(3, 0, showMean(String(row[0])));
  const latencyCaption =
    "Empirical distribution of request latency (arrival to response), warm-up removed, on a log axis; marks at p50 and p99. Colour and symbol follow the executor that runs the render: the loop (asyncio), threads, or processes; a second curve of one kind (asyncio + thread pool, beside the plain thread pool) takes a darker shade of its colour and a dash.";
  await nb.figure(
    "latency",
    ecdfChart(series, {
      scale: "log",
      quantiles: [0.5, 0.99],
      title: `${bestDesign.label} has the lowest p99 (${ms(get(bestDesign.label).p99)}); the render offloaded to a thread pool (4) gives ${ms(threads.p99)} against ${ms(inline.p99)} run on the loop`,
      subtitle:
        "1 ms parse + IO (exponential, mean 20 ms) + render (pure Python, exponential, mean 8 ms), Poisson 60/s, 4 cores, Python 3.12",
      caption: latencyCaption,
    }),
    latencyCaption,
    series.map((s) => ({ label: s.label, count: s.values.length })),
    procs.p99 < inline.p99 && threads.p99 >= inline.p99 && pool.p99 >= inline.p99
      ? "Only the process pool takes the render off the GIL, and only it shortens the tail."
      : `The process pool takes the render off the GIL: p99 ${ms(procs.p99)}, against ${ms(inline.p99)} inline and ${ms(threads.p99)} with the render in threads.`,
  );
  nb.table(
    ["design", "p50", "p99", `mean p99 over ${seeds} (95% interval of the mean)`, "loop lag p99", "convoys"],
    rows,
  );
  nb.text(
    `Over ${seeds} (the figure's run is the first), every design on the same seeds, the difference in p99 from inline is, for the render in threads, ${showPaired("asyncio + thread pool (4)", "asyncio, CPU inline")}; for a plain thread pool, ${showPaired("thread pool (16)", "asyncio, CPU inline")}; for a process pool, ${showPaired("asyncio + process pool (4)", "asyncio, CPU inline")}. Each is judged seed by seed (a paired interval), since a seed that brings a burst of arrivals brings it to every design.`,
  );

  const offload = metrics["asyncio + thread pool (4)"] as Metrics;
  const loopThread = offload.threads.find((t) => t.role === "loop" || t.role === "main");
  const workers = offload.threads.filter((t) => t.role === "worker");
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const workerWait = mean(workers.map((t) => t.share["wait-gil"]));
  const workerRun = mean(workers.map((t) => t.share.gil));
  const loopWait = loopThread?.share["wait-gil"] ?? 0;
  const loopRun = loopThread?.share.gil ?? 0;
  // The caption names the states the bars show; the rest are under 0.5% of every thread's window
  // (under a pixel of the bar), as the legend leaves them out.
  const words: Record<ThreadState, string> = {
    gil: "running with the GIL",
    nogil: "running without the GIL",
    "wait-gil": "waiting for the GIL",
    "wait-core": "waiting for a core",
    io: "in IO",
    idle: "idle",
  };
  const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
  const drawn = THREAD_STATES.filter((s) => offload.threads.some((t) => t.share[s] >= 0.005));
  const hidden = THREAD_STATES.filter((s) => !drawn.includes(s));
  const threadsCaption = `Per thread, the share of the measured window in each state drawn: ${drawn.map((s) => words[s]).join(", ")}.${hidden.length > 0 ? ` ${capitalized(hidden.map((s) => words[s]).join(", "))}: under 0.5% of every thread's window.` : ""}`;
  await nb.figure(
    "threads",
    utilizationChart(offload.threads, {
      title: `asyncio + thread pool: the loop waits for the GIL ${pct(loopWait)} of the time, a worker ${pct(workerWait)} on average`,
      subtitle: `The workers hold the GIL ${pct(workerRun)} of the time on average while rendering, the loop ${pct(loopRun)}: renders and the loop take turns on one GIL`,
      caption: threadsCaption,
    }),
    threadsCaption,
    offload.threads,
    `The loop's share of time waiting for the GIL is ${nb.compare("GIL wait share: loop vs a worker", loopWait, workerWait, "lower", { better: "smaller", worse: "larger" })} a worker's: while renders run in the pool, the loop queues for the GIL they hold.`,
  );

  // A short run of the inline design for a readable window: 4 s, no warm-up, so both panels start at 0.
  const SHORT_RUN = 240;
  const short = sim(
    {
      ...(designs[0] as Design).input,
      workload: {
        ...(designs[0] as Design).input.workload,
        arrivals: { kind: "poisson", rate: "60/s", count: SHORT_RUN },
      },
      run: { trace: false },
    },
    { trace: false },
  ).metrics;
  const lagSeries = short.loops[0]?.lagSeries ?? [];
  const windowEnd = Math.min(short.makespan, 4e9);
  const peakLag = Math.max(0, ...lagSeries.filter((p) => p.time <= windowEnd).map((p) => p.lag));
  const peakQueue = Math.max(0, ...short.queue.filter((p) => p.time <= windowEnd).map((p) => p.waiting + p.running));
  const queueCaption = `Top: requests that arrived and have not started (waiting), stacked on requests started and not finished (running). Bottom: event-loop lag, how long a ready callback waited for the loop: each bar is the longest wait of a callback that ran in that millisecond or so; no bar, no callback ran. The first ${(windowEnd / 1e9).toFixed(0)} s of a run of its own: the inline design with ${SHORT_RUN} requests at the same rate and seed, and no warm-up removed, so both panels start at 0 (the table's and the other figures' runs have more requests and drop a warm-up, so their loop lag differs). Both panels share the time axis.`;
  await nb.figure(
    "queue-lag",
    queueChart(
      { queue: short.queue, lag: lagSeries },
      {
        window: [0, windowEnd],
        title: `asyncio with the CPU inline, first ${(windowEnd / 1e9).toFixed(0)} s: loop lag reaches ${ms(peakLag)} when renders pile up, with up to ${peakQueue} requests in the system`,
        subtitle:
          "Every render (8 ms on average) blocks the loop for every other request: the IO results wait behind it",
        caption: queueCaption,
      },
    ),
    queueCaption,
    { queue: short.queue, lag: lagSeries },
    `Loop lag follows the queue: each burst of arrivals means several renders in a row, and the loop can do nothing else meanwhile.`,
  );
  const processesBest = bestDesign.label === "asyncio + process pool (4)";
  const threadsLessInline = paired("asyncio + thread pool (4)", "asyncio, CPU inline");
  nb.verdict(
    // Threads count as helping only when the paired interval of their p99 less inline's is below 0.
    verdictOf([processesBest, threadsLessInline.hi < 0]),
    `Combining asyncio with an executor helps only when the executor takes the CPU part off the GIL. Offloading the pure-Python render to a thread pool gives p99 ${ms(threads.p99)}, ${nb.compare("p99: asyncio + thread pool vs asyncio inline", threads.p99, inline.p99, "lower")} keeping it inline in the loop (p99 ${ms(inline.p99)}, loop lag p99 ${ms(inline.lag)}) in this run (over ${seeds}: ${signed(threadsLessInline.mean)} on average, higher on ${threadsLessInline.higher} of ${REPLICATIONS}): the threads still need the GIL the loop needs. A plain thread pool gives p99 ${ms(pool.p99)}, ${nb.compare("p99: thread pool vs asyncio inline", pool.p99, inline.p99, "lower")} inline. asyncio + a process pool gives p99 ${ms(procs.p99)}, ${nb.compare("p99: asyncio + process pool vs asyncio inline", procs.p99, inline.p99, "lower")} inline, paying pickling per request. For mixed work, pick the executor by the CPU part: threads only if it releases the GIL, processes if it is pure Python.`,
  );
}

await runIfMain(import.meta.url, { meta, run });
