/**
 * CPU-bound pure Python: threads with the GIL, processes, and threads on a free-threaded build.
 */
import { type ScalingPoint, scalingChart } from "../src/charts/scaling.js";
import { timelineChart } from "../src/charts/timeline.js";
import { MS } from "../src/engine/time.js";
import { profile } from "../src/model/profiles.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { measure, ms, pct, sim, times } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { SAME, SLIGHT, verdictOf } from "./lib/words.js";

export const meta: NotebookMeta = {
  id: "cpu-bound",
  title: "CPU-bound pure Python: threads give no speedup with the GIL",
  question:
    "Eight 50 ms pure-Python computations on a 4-core machine: how much faster do 1 to 8 threads, 1 to 8 processes, or threads on free-threaded 3.13t make them?",
  claim: "Threads don't help CPU-bound Python because of the GIL; use processes.",
  seed: 202,
};

const TASKS = 8;
const WORKERS = [1, 2, 4, 8];

function scenario(executor: ScenarioInput["executor"], python: "3.12" | "3.13t" = "3.12"): ScenarioInput {
  return {
    seed: meta.seed,
    machine: { cores: 4 },
    runtime: { python },
    executor,
    workload: { arrivals: { kind: "batch", count: TASKS }, classes: [{ name: "compute", steps: [{ cpu: "50ms" }] }] },
    run: { trace: false },
  };
}

export async function run(nb: Notebook): Promise<void> {
  const points: ScalingPoint[] = [];
  const makespan: Record<string, number[]> = { threads: [], processes: [], free: [] };
  for (const w of WORKERS) {
    const t = measure(scenario({ kind: "threads", workers: w }), 1, "makespan");
    const p = measure(scenario({ kind: "processes", workers: w, startMethod: "fork" }), 1, "makespan");
    const f = measure(scenario({ kind: "threads", workers: w }, "3.13t"), 1, "makespan");
    points.push({
      executor: "threads-gil",
      series: "threads, 3.12",
      x: w,
      throughput: t.throughput,
      latency: t.latency,
    });
    points.push({
      executor: "processes",
      series: "processes, 3.12",
      x: w,
      throughput: p.throughput,
      latency: p.latency,
    });
    points.push({
      executor: "threads-nogil",
      series: "threads, 3.13t (GIL off)",
      x: w,
      throughput: f.throughput,
      latency: f.latency,
    });
    makespan.threads?.push(t.makespan);
    makespan.processes?.push(p.makespan);
    makespan.free?.push(f.makespan);
  }
  // Speed-ups against one 3.12 thread, the same baseline for every kind: 3.13t's own single thread
  // is slower (free-threading overhead), so against itself it would look better than it is.
  const speed = (k: string, i: number) => (makespan.threads?.[0] as number) / (makespan[k]?.[i] as number);
  const i4 = WORKERS.indexOf(4);
  const serial = TASKS * 50 * MS;
  const caption = `Left: tasks per second. Right: time until the last task ends; the thin grey line is the serial work, ${TASKS} × 50 ms. Threads with the GIL stay flat; processes and free-threaded threads scale up to the 4 cores.`;
  await nb.figure(
    "scaling",
    scalingChart(points, {
      x: { quantity: "workers", unit: "threads or processes", scale: "log" },
      throughput: { quantity: "throughput", unit: "tasks/s" },
      latency: { quantity: "makespan" },
      baselines: [{ label: `serial work (${TASKS} × 50 ms)`, latency: serial }],
      // Fastest first; a speed-up within 5% of 1 (words.ts SAME) is "none".
      title: `Speed-up with 4 workers over one 3.12 thread: ${(
        [
          ["processes", "processes"],
          ["free", "threads on 3.13t"],
          ["threads", "threads on 3.12"],
        ] as const
      )
        .map(([k, label]) => ({ label, x: speed(k, i4) }))
        .sort((a, b) => b.x - a.x)
        .map(({ label, x }) => `${times(x)} for ${label}${Math.abs(x - 1) <= SAME ? " (none)" : ""}`)
        .join(", ")}`,
      subtitle: `${TASKS} tasks of 50 ms pure Python, 4 cores`,
      caption,
    }),
    caption,
    points,
    `With the GIL, more threads give no speedup; processes and 3.13t threads do.`,
  );
  nb.table(
    ["workers", "threads 3.12", "processes 3.12", "threads 3.13t"],
    WORKERS.map((w, i) => [
      w,
      ms(makespan.threads?.[i] ?? 0),
      ms(makespan.processes?.[i] ?? 0),
      ms(makespan.free?.[i] ?? 0),
    ]),
  );

  const two = sim(
    {
      seed: meta.seed,
      machine: { cores: 4 },
      executor: { kind: "threads", workers: 2 },
      workload: { arrivals: { kind: "batch", count: 2 }, classes: [{ steps: [{ cpu: "30ms" }] }] },
    },
    { trace: true },
  );
  const trace = two.trace;
  if (!trace) throw new Error("trace missing");
  // The workers' holds between two hand-offs (not the first, begun at start-up, nor the last): most
  // last one interval. One that follows a brief hold of the main thread's lasts about two: that
  // switch came during the waiting worker's interval, so its timer starts again (CPython asks for
  // a drop only when no switch happened during a whole interval).
  const interval = 5 * MS;
  const workers = new Set(trace.threads.filter((t) => t.role === "worker").map((t) => t.id));
  const all = trace.gil;
  const holds = all.filter((h) => workers.has(h.thread)).slice(1, -1);
  const long = holds.filter((h) => h.end - h.start > 1.5 * interval);
  const afterMain = long.every((h) => {
    const before = all[all.indexOf(h) - 1];
    return before !== undefined && !workers.has(before.thread);
  });
  const longText =
    long.length === 0
      ? ""
      : ` ${long.length} of the ${holds.length} holds between hand-offs last about ${(long.reduce((a, h) => a + h.end - h.start, 0) / long.length / interval).toFixed(0)} intervals${afterMain ? ": each follows a brief hold of the main thread's, a switch during the waiting worker's interval, so its timer started again (CPython asks for a drop only when no switch happened during a whole interval)" : ""}.`;
  const timelineCaption = `Each worker runs with the GIL for about one switch interval; then the waiter's drop request (circle) forces a switch (triangle) and the GIL track's shade flips.${longText}`;
  await nb.figure(
    "timeline",
    timelineChart(trace, {
      title: `Two CPU-bound threads take turns holding the GIL: ${two.metrics.gil[0]?.switches ?? 0} hand-offs, ${two.metrics.gil[0]?.forced ?? 0} of them forced, in ${ms(two.metrics.makespan)}`,
      subtitle: "2 × 30 ms pure Python, switch interval 5 ms, Python 3.12, 4 cores",
      caption: timelineCaption,
    }),
    timelineCaption,
    { intervals: trace.intervals.length, gil: trace.gil, markers: trace.markers },
    `While one thread runs, the other waits for the GIL: two threads on four cores make one core's worth of progress.`,
  );
  const gil = two.metrics.gil[0];
  const slowdown = profile("3.13t", 4).pythonSlowdown;
  const threadsFlat = speed("threads", i4) <= 1 + SLIGHT;
  const processesScale = speed("processes", i4) >= 2;
  nb.verdict(
    verdictOf([threadsFlat, processesScale]),
    `Measurably so: with the GIL, 4 threads finish the ${TASKS} tasks in ${ms(makespan.threads?.[i4] ?? 0)}, ${times(speed("threads", i4))} the speed of one thread (the serial work is ${ms(serial)}). Against that one 3.12 thread, 4 processes reach ${times(speed("processes", i4))} and 4 free-threaded 3.13t threads ${times(speed("free", i4))}: 3.13t runs each task ${pct(slowdown - 1)} slower single-threaded, so its 4-thread makespan (${ms(makespan.free?.[i4] ?? 0)}) is ${nb.compare("makespan at 4 workers: 3.13t threads vs 3.12 processes", makespan.free?.[i4] ?? 0, makespan.processes?.[i4] ?? 0, "lower")} that of processes (${ms(makespan.processes?.[i4] ?? 0)}). In the two-thread timeline the GIL changed hands ${gil?.switches ?? 0} times, ${gil?.forced ?? 0} of them forced, and the process's threads spent ${pct(gil?.waitShare ?? 0)} of their time waiting for it.`,
  );
}

await runIfMain(import.meta.url, { meta, run });
