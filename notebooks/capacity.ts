/**
 * Capacity planning: how many workers keep p99 under a target at a given load, GIL on vs off.
 */
import { logTickLabel } from "../src/charts/axis.js";
import { type HeatCell, heatmapChart } from "../src/charts/heatmap.js";
import { type ScalingPoint, scalingChart } from "../src/charts/scaling.js";
import { MS } from "../src/engine/time.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { count, measure, ms, pct } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { direction, verdictOf } from "./lib/words.js";

export const meta: NotebookMeta = {
  id: "capacity",
  title: "Capacity planning: workers for a p99 target, GIL on vs off",
  question:
    "Requests need 1.5 ms of Python and a database call (median 25 ms, p99 60 ms) and arrive at 500/s on 4 cores. How many threads keep p99 under 100 ms on Python 3.12, and on free-threaded 3.13t? How do processes compare?",
  claim: "Add threads until the latency target is met.",
  seed: 606,
};

const TARGET = 100 * MS;
const TARGET_LABEL = "p99 at most 100 ms";
const RATE = 500;
const CPU = 1.5;
/** Share of one GIL the requests' Python needs: rate × CPU per request. */
const gilLoad = (RATE * CPU * MS) / 1e9;
const WORKERS = [8, 12, 16, 24, 32, 48, 64];
const REPLICATIONS = 3;
const CPU_PER_REQUEST = [0.5, 1, 1.5, 1.8, 2.2];
/** p99 above this (ms) means the pool is overloaded: the queue, and p99 with it, grows as long as the run lasts. */
const CAP_MS = 2000;

type Kind = "threads-gil" | "threads-nogil" | "processes";

function scenario(executor: ScenarioInput["executor"], python: "3.12" | "3.13t", cpu = CPU): ScenarioInput {
  return {
    seed: meta.seed,
    machine: { cores: 4 },
    runtime: { python },
    executor,
    workload: {
      arrivals: { kind: "poisson", rate: RATE, count: 3000 },
      classes: [
        { name: "request", steps: [{ cpu: `${cpu}ms` }, { io: { dist: "lognormal", median: "25ms", p99: "60ms" } }] },
      ],
    },
    run: { warmup: "1s", trace: false },
  };
}

function input(kind: Kind, workers: number, cpu = CPU): ScenarioInput {
  if (kind === "processes") return scenario({ kind: "processes", workers, startMethod: "fork" }, "3.12", cpu);
  return scenario({ kind: "threads", workers }, kind === "threads-gil" ? "3.12" : "3.13t", cpu);
}

/** The one rule for "meets the target", used by the figure, the table, the heatmap and the text: the p99's upper 95% bound is under it. */
const meets = (m: ReturnType<typeof measure>): boolean => m.latency.hi <= TARGET;

export async function run(nb: Notebook): Promise<void> {
  const runs = new Map<string, ReturnType<typeof measure>>();
  const get = (kind: Kind, w: number, cpu = CPU) => {
    const key = `${kind}|${w}|${cpu}`;
    let m = runs.get(key);
    if (!m) {
      m = measure(input(kind, w, cpu), REPLICATIONS);
      runs.set(key, m);
    }
    return m;
  };
  const kinds: Kind[] = ["threads-gil", "threads-nogil", "processes"];
  const label: Record<Kind, string> = {
    "threads-gil": "threads, 3.12 (GIL)",
    "threads-nogil": "threads, 3.13t (no GIL)",
    processes: "processes, 3.12",
  };
  const points: ScalingPoint[] = [];
  const best: Record<Kind, number | null> = { "threads-gil": null, "threads-nogil": null, processes: null };
  for (const kind of kinds) {
    for (const w of WORKERS) {
      const m = get(kind, w);
      points.push({
        executor: kind,
        series: label[kind],
        x: w,
        throughput: m.throughput,
        latency: m.latency,
        meetsTarget: meets(m),
      });
      if (best[kind] === null && meets(m)) best[kind] = w;
    }
  }
  /** The pool sizes of a kind that meet the target, as "16, 24" or "none". */
  const passingSizes = (kind: Kind): string => {
    const ok = WORKERS.filter((w) => meets(get(kind, w)));
    if (ok.length === 0) return "none";
    if (ok.length === WORKERS.length) return `all (${WORKERS[0]}–${WORKERS.at(-1)})`;
    return ok.join(", ");
  };
  const say = (w: number | null, unit: string) => (w === null ? `none of the sizes tried (${unit})` : `${w} ${unit}`);
  /**
   * Whether a pool is overloaded: it does not keep up with the arrivals (its mean throughput under
   * 97% of the rate), so its queue grows as long as the run lasts.
   */
  const overloaded = (m: ReturnType<typeof get>) => m.throughput.mean < 0.97 * RATE;
  /** Per kind with any, the overloaded pool sizes joined as words ("8 and 12"). */
  const overloadedSizes = kinds.flatMap((k) => {
    const sizes = WORKERS.filter((w) => overloaded(get(k, w)));
    return sizes.length > 0 ? [{ kind: k, sizes: sizes.join(" and ") }] : [];
  });
  const where =
    overloadedSizes.length === kinds.length && overloadedSizes.every((o) => o.sizes === overloadedSizes[0]?.sizes)
      ? `every kind at ${overloadedSizes[0]?.sizes}`
      : overloadedSizes.map((o) => `${label[o.kind]}: ${o.sizes}`).join("; ");
  const overloadNote =
    overloadedSizes.length > 0
      ? ` Overloaded pools (${where}) do not keep up with the ${RATE} requests/s that arrive (left): their queues grow as long as the run lasts, so their p99 is the backlog of this run's length, not a steady value.`
      : "";
  const caption = `Left: throughput with 95% confidence whiskers; ${RATE} requests/s arrive, so a pool whose throughput stays under that falls behind. Right: p99 latency with 95% confidence whiskers over ${REPLICATIONS} replications, on a log axis; a pool meets the target when the whisker's top is under the dashed line (filled markers; hollow ones miss it, even with the mean under the line). With the GIL the Python part needs ${RATE}/s × ${CPU} ms = ${pct(gilLoad)} of one GIL.${overloadNote}`;
  await nb.figure(
    "workers",
    scalingChart(points, {
      x: { quantity: "pool size", unit: "threads or processes", scale: "log" },
      throughput: { quantity: "throughput", unit: "requests/s" },
      // Overloaded pools reach seconds, the passing ones tens of ms: log, or the candidates sit on zero.
      latency: { quantity: "p99 latency", scale: "log" },
      target: { latency: TARGET, label: TARGET_LABEL },
      title: `Pools meeting ${TARGET_LABEL} (upper 95% bound) at ${RATE} requests/s: 3.12 threads ${passingSizes("threads-gil")}; 3.13t threads ${passingSizes("threads-nogil")}; processes ${passingSizes("processes")}`,
      subtitle: `${CPU} ms Python + IO (lognormal, median 25 ms, p99 60 ms) per request, 4 cores`,
      caption,
    }),
    caption,
    points,
    `Below the smallest passing pool, requests queue for a free worker and p99 grows by orders of magnitude.`,
  );
  const cell = (kind: Kind, w: number) => {
    const m = get(kind, w);
    return `${ms(m.latency.mean)} (≤ ${ms(m.latency.hi)})${meets(m) ? " ✓" : ""}${overloaded(m) ? ", overloaded" : ""}`;
  };
  nb.text(
    `Each cell: mean p99 over ${REPLICATIONS} replications and, in brackets, its upper 95% confidence bound; ✓ marks a pool whose bound meets the ${ms(TARGET)} target, and "overloaded" one that does not keep up with the ${RATE} requests/s that arrive (its throughput under 97% of them), whose queue and p99 grow as long as the run lasts (the heatmap below writes a p99 past ${logTickLabel(CAP_MS)} ms as "≥ ${logTickLabel(CAP_MS)}" and hatches it). The figure, this table and the heatmap below use the same runs and the same rule.`,
  );
  nb.table(
    ["pool size", label["threads-gil"], label["threads-nogil"], label.processes],
    WORKERS.map((w) => [w, cell("threads-gil", w), cell("threads-nogil", w), cell("processes", w)]),
  );

  const cells: HeatCell[] = [];
  for (const cpu of CPU_PER_REQUEST) {
    for (const w of WORKERS) {
      const m = get("threads-gil", w, cpu);
      cells.push({ x: w, y: `${cpu} ms`, value: Math.min(m.latency.mean / MS, CAP_MS), meetsTarget: meets(m) });
    }
  }
  const passing = (cpu: number) => WORKERS.filter((w) => meets(get("threads-gil", w, cpu)));
  const lastPassing = [...CPU_PER_REQUEST].reverse().find((cpu) => passing(cpu).length > 0);
  const firstFailing = CPU_PER_REQUEST.find((cpu) => passing(cpu).length === 0);
  const whatIfCaption = `Each cell: mean p99 of ${REPLICATIONS} replications (the ${CPU} ms row is the 3.12 thread pool of the figure above). Colour on a log scale; outlined cells meet ${TARGET_LABEL} by the same rule; hatched cells reached the cap of ${logTickLabel(CAP_MS)} ms, a p99 that grows with the length of the run. A pool can be overloaded (under 97% of the ${RATE} requests/s served, as the table above marks) before its p99 reaches the cap.`;
  await nb.figure(
    "what-if",
    heatmapChart(cells, {
      x: { quantity: "threads" },
      y: { quantity: "Python CPU per request" },
      value: { quantity: "p99 latency", unit: "ms" },
      target: { value: TARGET / MS, better: "lower", label: `${TARGET_LABEL} (upper 95% bound)` },
      cap: CAP_MS,
      reverse: true,
      title:
        firstFailing === undefined
          ? `Every CPU cost tried meets ${TARGET_LABEL} with some pool on 3.12`
          : `From ${firstFailing} ms of Python per request (${pct((RATE * firstFailing * MS) / 1e9)} of the GIL) no pool size meets ${TARGET_LABEL} on 3.12`,
      subtitle: `Thread pool size against Python CPU per request at ${RATE} requests/s; IO as above; 4 cores`,
      caption: whatIfCaption,
    }),
    whatIfCaption,
    cells,
    lastPassing === undefined
      ? "No CPU cost tried meets the target."
      : `Up to ${lastPassing} ms of Python per request some pool meets the target; beyond it none does.`,
  );
  const p99 = (w: number, cpu: number) => get("threads-gil", w, cpu).latency.mean;
  const nearSat = 1.8;
  const overSat = 2.2;
  const widest = WORKERS.at(-1) as number;
  const bestNear = WORKERS.reduce((a, b) => (p99(b, nearSat) < p99(a, nearSat) ? b : a));
  nb.text(
    `Near saturation more threads do not help: at ${nearSat} ms of Python per request (${pct((RATE * nearSat * MS) / 1e9)} of the GIL), p99 is lowest with ${bestNear} threads (${ms(p99(bestNear, nearSat))}) and ${widest} threads are ${nb.compare(`p99 at ${nearSat} ms: ${widest} vs ${bestNear} threads`, p99(widest, nearSat), p99(bestNear, nearSat), "lower")} that (${ms(p99(widest, nearSat))}): every extra runnable thread is one more waiter in the GIL's convoy. At ${overSat} ms the GIL is over-subscribed (${pct((RATE * overSat * MS) / 1e9)}) and no pool size helps (p99 ${ms(p99(24, overSat))} at 24 threads).`,
  );
  // Little's law on a pool too big to queue: requests in flight = rate × mean time in the system.
  const meanLatency = measure(input("threads-gil", widest), 1, "latency.mean").latency.mean;
  const inFlight = (RATE * meanLatency) / 1e9;
  const plateau = (kind: Kind) => get(kind, widest).latency.mean;
  const gilP99 = plateau("threads-gil");
  const freeP99 = plateau("threads-nogil");
  const gilPool = best["threads-gil"];
  // Past the smallest passing pool: whether the widest pool's p99 is any lower than that pool's.
  const poolP99 = gilPool === null ? null : get("threads-gil", gilPool).latency.mean;
  const verdict = verdictOf([gilPool !== null, gilPool !== null && inFlight <= gilPool]);
  // Below the knee: the smallest size, when every kind is overloaded there, GIL or none alike.
  const smallest = WORKERS[0] as number;
  const belowKnee = kinds.every((k) => overloaded(get(k, smallest)))
    ? ` Below the knee the pool, not the GIL, is the bottleneck: at ${smallest} workers every kind is overloaded, with the GIL or without (p99 ${kinds.map((k) => `${ms(get(k, smallest).latency.mean)} for ${label[k]}`).join("; ")}: values that grow with the length of the run).`
    : "";
  // Pools bigger than the smallest passing one that miss the target again (the bound, not the mean).
  const relapse = (kind: Kind): string => {
    const from = best[kind];
    if (from === null) return "";
    const miss = WORKERS.filter((w) => w > from && !meets(get(kind, w)));
    if (miss.length === 0) return "";
    const top = Math.max(...miss.map((w) => get(kind, w).latency.hi));
    return ` On ${kind === "threads-gil" ? "3.12" : kind === "threads-nogil" ? "3.13t" : "processes"}, pools of ${miss.length > 1 ? `${miss.slice(0, -1).join(", ")} and ${miss.at(-1)}` : miss[0]}, past the ${from} that meets it, miss it again by this rule: ${miss.every((w) => get(kind, w).latency.mean <= TARGET) ? "their mean p99 is under the target but " : ""}the upper bound reaches ${ms(top)}.`;
  };
  // With no passing 3.12 pool: the sizes whose mean p99 meets the target though their bound does not.
  const meanOnly = WORKERS.filter((w) => get("threads-gil", w).latency.mean <= TARGET);
  const nearly =
    meanOnly.length === 0
      ? ""
      : ` The mean p99 over the replications is under it from ${meanOnly[0]} threads (${ms(get("threads-gil", meanOnly[0] as number).latency.mean)}), but not the bound (${ms(get("threads-gil", meanOnly[0] as number).latency.hi)}): too close to the target to promise it.`;
  const littles = `the number of requests in flight (Little's law: ${RATE}/s × ${ms(meanLatency)} mean latency ≈ ${count(inFlight)})`;
  const lead =
    gilPool === null
      ? `On 3.12 adding threads does not meet the target here: past the knee p99 levels off, and its upper 95% bound stays over the target (${ms(get("threads-gil", widest).latency.hi)} at ${widest} threads) whatever the pool size.${nearly} Without the GIL the rule works, and what sets the pool size is ${littles}.`
      : `Adding threads until the target is met works here, but what sets the pool size is ${littles}, not the GIL.`;
  nb.verdict(
    verdict,
    `${lead} The smallest pool whose p99 upper confidence bound is under ${ms(TARGET)} is ${say(best["threads-gil"], "threads")} on 3.12, ${say(best["threads-nogil"], "threads")} on 3.13t, and ${say(best.processes, "single-threaded processes")}.${kinds.map(relapse).join("")} ${poolP99 === null ? "The plateau is the GIL's" : `Past that, more threads ${direction(gilP99, poolP99, "lower") === "better" ? "still help" : "do not help"}`}: at ${widest} threads it is ${ms(gilP99)} with the GIL${poolP99 === null ? "" : ` (${nb.compare(`p99 on 3.12: ${widest} vs ${gilPool} threads`, gilP99, poolP99, "lower")} the ${ms(poolP99)} at ${gilPool})`}, ${nb.compare(`p99 at ${widest} threads: 3.12 vs 3.13t`, gilP99, freeP99, "lower")} ${ms(freeP99)} without, the difference being queueing for a GIL that is ${pct(gilLoad)} busy.${belowKnee}${firstFailing === undefined ? "" : ` From ${firstFailing} ms of Python per request (the heatmap) no pool size tried meets the target.`}`,
  );
}

await runIfMain(import.meta.url, { meta, run });
