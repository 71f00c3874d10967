/**
 * A blocking call inside a coroutine (a sync HTTP client, time.sleep, a sync database driver)
 * stops the event loop, and with it every other request in flight.
 */
import { type EcdfSeries, ecdfChart } from "../src/charts/ecdf.js";
import { timelineChart } from "../src/charts/timeline.js";
import { MS } from "../src/engine/time.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import type { TaskRecord } from "../src/trace/types.js";
import { ms, pct, sim } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { direction, verdictOf } from "./lib/words.js";

export const meta: NotebookMeta = {
  id: "blocking-call",
  title: "A blocking call in a coroutine stalls every request",
  question:
    "An asyncio service answers 200 requests/s (0.3 ms of Python and an awaited database call of about 20 ms each). One request in 50 also calls a slow API for 40 ms with a blocking client instead of awaiting it. What does that do to the other 49?",
  claim: "asyncio keeps serving other requests while one waits.",
  seed: 808,
};

const RATE = 200;
const COUNT = 4000;
const WARMUP = 2e9;
const BLOCK_MS = 40;
const BLOCK = `${BLOCK_MS}ms`;
/** Curves whose every quantile lies within this relative gap are drawn as one (they would hide each other). */
const SAME_CURVE = 0.02;

type Steps = ScenarioInput["workload"]["classes"][number]["steps"];
const API: Steps = [{ cpu: "300us" }, { io: { dist: "lognormal", median: "20ms", p99: "35ms" } }];

interface Design {
  label: string;
  /** Where the slow call runs: in the loop's thread (asyncio) or a pool thread. */
  executor: "asyncio" | "threads-gil";
  slow: Steps | null;
}

function scenario(slow: Steps | null): ScenarioInput {
  return {
    seed: meta.seed,
    machine: { cores: 4 },
    runtime: { python: "3.12" },
    executor: { kind: "asyncio", offload: { kind: "threads", workers: 4 } },
    workload: {
      arrivals: { kind: "poisson", rate: RATE, count: COUNT },
      classes: [
        { name: "api", weight: 49, steps: API },
        // Without the slow call the 50th request is like the others.
        { name: "slow", weight: 1, steps: slow ?? API },
      ],
    },
    run: { warmup: "2s", trace: true },
  };
}

/** Latencies of the measured (after warm-up) requests of one class. */
function latencies(tasks: readonly TaskRecord[], name: string): number[] {
  return tasks.filter((t) => t.class === name && t.arrival >= WARMUP).map((t) => t.end - t.arrival);
}

function quantile(values: ArrayLike<number>, p: number): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

export async function run(nb: Notebook): Promise<void> {
  const designs: Design[] = [
    { label: "no slow call", executor: "asyncio", slow: null },
    { label: "slow call awaited (async client)", executor: "asyncio", slow: [...API, { io: BLOCK }] },
    { label: "slow call blocking in the coroutine", executor: "asyncio", slow: [...API, { block: BLOCK }] },
    {
      label: "slow call offloaded (run_in_executor)",
      executor: "threads-gil",
      slow: [...API, { offload: [{ block: BLOCK }] }],
    },
  ];
  const series: EcdfSeries[] = [];
  const rows: (string | number)[][] = [];
  const p99: Record<string, number> = {};
  const lag: Record<string, number> = {};
  let blockedTrace = null;
  for (const d of designs) {
    const r = sim(scenario(d.slow), { trace: true });
    if (!r.trace) throw new Error("trace missing");
    const api = latencies(r.trace.tasks, "api");
    p99[d.label] = quantile(api, 0.99);
    lag[d.label] = r.metrics.loops[0]?.lag.p99 ?? 0;
    // The design without the slow call is the reference the others are read against: a wide grey
    // band under them, which also stays visible where a design's curve coincides with it.
    series.push({ label: d.label, executor: d.executor, values: api, ...(d.slow === null ? { reference: true } : {}) });
    rows.push([d.label, ms(quantile(api, 0.5)), ms(p99[d.label] as number), ms(lag[d.label] as number)]);
    if (d.label.includes("blocking in the coroutine")) blockedTrace = r.trace;
  }
  // Designs whose ordinary requests finish at exactly the same times are one curve: drawn once,
  // with a combined label, rather than stacked so that the last one hides the others.
  const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);
  /** Largest relative gap between the two distributions, quantile by quantile (same-size samples). */
  const gap = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    if (a.length !== b.length) return Number.POSITIVE_INFINITY;
    const sa = sorted(a);
    const sb = sorted(b);
    return Math.max(0, ...sa.map((v, i) => Math.abs(v - (sb[i] as number)) / Math.max(v, sb[i] as number)));
  };
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => gap(a, b) <= SAME_CURVE;
  const drawn: EcdfSeries[] = [];
  for (const s of series) {
    const twin = drawn.find((d) => same(d.values, s.values));
    if (twin) twin.label = `${twin.label} = ${s.label}`;
    else drawn.push({ ...s });
  }
  const merged = series.filter((x) => !drawn.some((d) => d.values === x.values));
  const worstGap = Math.max(0, ...merged.map((m) => Math.min(...drawn.map((d) => gap(d.values, m.values)))));
  const none = p99["no slow call"] as number;
  const blocked = p99["slow call blocking in the coroutine"] as number;
  const awaited = p99["slow call awaited (async client)"] as number;
  const offloaded = p99["slow call offloaded (run_in_executor)"] as number;
  const caption = `Latency of the 49 ordinary requests in 50 (arrival to response), warm-up removed, on a log axis; marks at p50 and p99. The slow requests themselves are left out: the question is what they do to the others. The wide grey band is the design without a slow call, drawn under the others for reference (its p50 and p99 are in the table).${drawn.length < series.length ? ` Designs whose distributions agree within ${pct(SAME_CURVE)} at every quantile (here at most ${(worstGap * 100).toFixed(1)}%) are drawn as one curve, their labels joined by =.` : ""}`;
  await nb.figure(
    "latency",
    ecdfChart(drawn, {
      scale: "log",
      quantiles: [0.5, 0.99],
      title: `A ${BLOCK_MS} ms blocking call in 2% of requests raises the others' p99 from ${ms(none)} to ${ms(blocked)}; ${
        awaited === none && offloaded === none
          ? `awaited or offloaded it leaves p99 at ${ms(none)}`
          : `awaited ${ms(awaited)}, offloaded ${ms(offloaded)}`
      }`,
      subtitle: `asyncio, Poisson ${RATE}/s, 0.3 ms Python + awaited IO (median 20 ms, p99 35 ms) per request; one in 50 also makes a ${BLOCK_MS} ms call; 4 cores, Python 3.12`,
      caption,
    }),
    caption,
    series.map((s) => ({ label: s.label, count: s.values.length, p99: quantile(s.values, 0.99) })),
    `Blocking in the coroutine makes the ordinary requests' p99 ${nb.compare("ordinary requests' p99: blocking in the coroutine vs no slow call", blocked, none, "lower")} without the slow call.`,
  );
  nb.table(["design", "p50 of the others", "p99 of the others", "loop lag p99"], rows);

  if (!blockedTrace) throw new Error("no blocking run traced");
  const trace = blockedTrace;
  // Zoom on the first blocking call after warm-up.
  const firstBlock = trace.tasks
    .filter((t) => t.class === "slow" && t.arrival >= WARMUP)
    .flatMap((t) => t.steps.filter((s) => s.kind === "block"))
    .sort((a, b) => a.start - b.start)[0];
  if (!firstBlock) throw new Error("no blocking step");
  // The window ends before the next blocking call, so every IO / sleep bar drawn is the one discussed.
  const nextBlock = trace.tasks
    .flatMap((t) => t.steps.filter((s) => s.kind === "block"))
    .filter((s) => s.start > firstBlock.start)
    .sort((a, b) => a.start - b.start)[0];
  // 20 ms before the call, down to a whole millisecond: the axis counts from there, as the alt text does.
  const from = Math.floor((firstBlock.start - 20 * MS) / MS) * MS;
  // The call itself as the lane draws it: the loop thread's IO / sleep stretch inside the step (the
  // step begins with its bookkeeping, run cold after the loop's idle).
  const inCall = trace.intervals.find(
    (i) => i.thread === firstBlock.thread && i.state === "io" && i.end > firstBlock.start && i.start < firstBlock.end,
  );
  if (!inCall) throw new Error("no IO / sleep interval in the blocking step");
  const to = Math.min(firstBlock.end + 40 * MS, nextBlock ? nextBlock.start - MS : Number.POSITIVE_INFINITY);
  const during = trace.tasks.filter(
    (t) => t.class === "api" && t.arrival >= firstBlock.start && t.arrival < firstBlock.end,
  );
  const timelineCaption = `The event loop's thread (MainThread) sits in the blocking call (IO / sleep) for the whole ${BLOCK_MS} ms: nothing else runs, and requests that arrive (${during.length} of them; arrivals are not drawn) or whose database answer comes back wait until it returns. The bursts after it are the loop catching up.`;
  await nb.figure(
    "timeline",
    timelineChart(trace, {
      window: [from, to],
      title: `During one ${BLOCK_MS}\u00a0ms blocking call the loop runs nothing else; the ${during.length} requests that arrive meanwhile (not drawn) wait for it`,
      subtitle: `The event loop's thread around the first blocking call after warm-up, up to ${nextBlock ? "just before the next one" : "its end"}`,
      caption: timelineCaption,
    }),
    timelineCaption,
    { block: firstBlock, arrivedDuring: during.length },
    `The loop thread is in the blocking call from ${ms(inCall.start - from)} to ${ms(inCall.end - from)} of the window.`,
  );
  nb.verdict(
    verdictOf([direction(awaited, none, "lower") !== "worse", direction(blocked, none, "lower") !== "worse"]),
    `asyncio keeps serving others only while a request awaits. Awaiting the slow API, the other requests' p99 is ${ms(awaited)}, ${nb.compare("ordinary p99: slow call awaited vs none", awaited, none, "lower")} the ${ms(none)} without any slow call. Calling it with a blocking client in the coroutine freezes the loop for ${BLOCK_MS} ms each time: the others' p99 becomes ${ms(blocked)}, loop lag p99 ${ms(lag["slow call blocking in the coroutine"] as number)}, although only ${pct(1 / 50)} of requests make the call. Moving the same blocking call to a thread with run_in_executor (or asyncio.to_thread) gives ${ms(offloaded)}, ${nb.compare("ordinary p99: offloaded vs awaited", offloaded, awaited, "lower")} awaiting it: the thread releases the GIL while it waits.`,
  );
}

await runIfMain(import.meta.url, { meta, run });
