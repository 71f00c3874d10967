/**
 * Free-threaded Python: 3.12 vs 3.13t vs 3.14t on the same workloads.
 */
import { type HeatCell, heatmapChart } from "../src/charts/heatmap.js";
import { type ScalingPoint, scalingChart } from "../src/charts/scaling.js";
import { type PythonVersion, profile } from "../src/model/profiles.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { ms, pct, sim, times } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { direction, verdictOf } from "./lib/words.js";

export const meta: NotebookMeta = {
  id: "free-threaded",
  title: "Free-threaded Python: 3.12 vs 3.13t vs 3.14t",
  question:
    "The same thread-pool programs on 3.12 (GIL), 3.13t and 3.14t (no GIL): pure-Python CPU work, IO-bound requests, and mixed work. Who wins, and by how much?",
  claim: "Free-threaded Python makes threads as good as processes.",
  seed: 707,
};

const VERSIONS: PythonVersion[] = ["3.12", "3.13t", "3.14t"];
const THREADS = [1, 2, 4, 8];

type Steps = ScenarioInput["workload"]["classes"][number]["steps"];
const WORKLOADS: { name: string; steps: Steps; count: number }[] = [
  { name: "pure-Python CPU", steps: [{ cpu: "20ms" }], count: 32 },
  { name: "IO-bound", steps: [{ cpu: "300us" }, { io: "20ms" }], count: 400 },
  { name: "mixed", steps: [{ cpu: "4ms" }, { io: "10ms" }], count: 100 },
];

function scenario(
  python: PythonVersion,
  executor: ScenarioInput["executor"],
  steps: Steps,
  count: number,
): ScenarioInput {
  return {
    seed: meta.seed,
    machine: { cores: 4 },
    runtime: { python },
    executor,
    workload: { arrivals: { kind: "batch", count }, classes: [{ steps }] },
    run: { trace: false },
  };
}

export async function run(nb: Notebook): Promise<void> {
  const cells: HeatCell[] = [];
  const rows: (string | number)[][] = [];
  const span = new Map<string, number>();
  for (const w of WORKLOADS) {
    for (const v of VERSIONS) {
      for (const t of THREADS) {
        const m = sim(scenario(v, { kind: "threads", workers: t }, w.steps, w.count)).metrics;
        span.set(`${w.name}|${v}|${t}`, m.makespan);
      }
    }
    const base = span.get(`${w.name}|3.12|4`) ?? 1;
    for (const v of VERSIONS) cells.push({ x: v, y: w.name, value: base / (span.get(`${w.name}|${v}|4`) ?? 1) });
    rows.push([w.name, ...VERSIONS.map((v) => ms(span.get(`${w.name}|${v}|4`) ?? 0))]);
  }
  const speed = (name: string, v: PythonVersion) =>
    (span.get(`${name}|3.12|4`) ?? 0) / (span.get(`${name}|${v}|4`) ?? 1);
  const cpuName = "pure-Python CPU";
  const speedupCaption =
    "Each cell: 3.12's makespan divided by the build's makespan with 4 threads (above 1: faster than 3.12), on a log colour scale centred on 1.";
  await nb.figure(
    "speedup",
    heatmapChart(cells, {
      x: { quantity: "Python build" },
      y: { quantity: "workload" },
      value: { quantity: "speed against 3.12 with 4 threads", unit: "×" },
      scheme: "diverging",
      pivot: 1,
      title: `With 4 threads, 3.14t runs pure-Python CPU work ${times(speed(cpuName, "3.14t"))} as fast as 3.12 and 3.13t ${times(speed(cpuName, "3.13t"))}; IO-bound work ${times(speed("IO-bound", "3.14t"))}`,
      subtitle: `4 cores; ${WORKLOADS.map((w) => `${w.name}: ${w.count} tasks`).join("; ")}`,
      caption: speedupCaption,
    }),
    speedupCaption,
    cells,
    "Free-threading pays where the GIL was the limit, pure-Python CPU work, and not where the work waits on IO.",
  );

  // Pure-Python CPU on threads (3.12, 3.13t, 3.14t) against processes (3.12).
  const cpu = WORKLOADS[0] as (typeof WORKLOADS)[number];
  const points: ScalingPoint[] = [];
  for (const t of THREADS) {
    const g = sim(scenario("3.12", { kind: "threads", workers: t }, cpu.steps, cpu.count)).metrics;
    const f = sim(scenario("3.14t", { kind: "threads", workers: t }, cpu.steps, cpu.count)).metrics;
    const f13 = sim(scenario("3.13t", { kind: "threads", workers: t }, cpu.steps, cpu.count)).metrics;
    const p = sim(
      scenario("3.12", { kind: "processes", workers: t, startMethod: "fork" }, cpu.steps, cpu.count),
    ).metrics;
    points.push({
      executor: "threads-gil",
      series: "threads, 3.12",
      x: t,
      throughput: g.throughput,
      latency: g.makespan,
    });
    // 3.13t first: it takes the no-GIL threads' own colour, as in every other figure that shows it;
    // 3.14t, only here, takes the darker shade.
    points.push({
      executor: "threads-nogil",
      series: "threads, 3.13t",
      x: t,
      throughput: f13.throughput,
      latency: f13.makespan,
    });
    points.push({
      executor: "threads-nogil",
      series: "threads, 3.14t",
      x: t,
      throughput: f.throughput,
      latency: f.makespan,
    });
    points.push({
      executor: "processes",
      series: "processes, 3.12",
      x: t,
      throughput: p.throughput,
      latency: p.makespan,
    });
  }
  const procs = points.find((p) => p.executor === "processes" && p.x === 4)?.latency as number;
  const free = points.find((p) => p.series === "threads, 3.14t" && p.x === 4)?.latency as number;
  const free13At4 = points.find((p) => p.series === "threads, 3.13t" && p.x === 4)?.latency as number;
  const slow13 = profile("3.13t", 4).pythonSlowdown - 1;
  const slow14 = profile("3.14t", 4).pythonSlowdown - 1;
  const scalingCaption = `Left: tasks per second; right: makespan. Threads on 3.14t use the cores as processes do, without pickling or start-up, at a single-thread cost of ${pct(slow14)}; on 3.13t (solid green, the colour of threads without the GIL in every figure here) the same threads pay ${pct(slow13)}, ${nb.compare("single-thread cost: 3.13t vs 3.14t", slow13, slow14, "lower", { better: "smaller", worse: "larger" })} 3.14t's; 3.14t is dashed, in a darker shade.`;
  await nb.figure(
    "cpu-scaling",
    scalingChart(points, {
      x: { quantity: "workers", unit: "threads or processes", scale: "log" },
      throughput: { quantity: "throughput", unit: "tasks/s" },
      latency: { quantity: "makespan" },
      title: `Pure-Python CPU with 4 workers: 3.14t threads finish in ${ms(free)}, 3.13t threads in ${ms(free13At4)}, processes on 3.12 in ${ms(procs)}`,
      subtitle: `${cpu.count} tasks of 20 ms on 4 cores`,
      caption: scalingCaption,
    }),
    scalingCaption,
    points,
    `3.14t threads are ${nb.compare("makespan at 4 workers: 3.14t threads vs 3.12 processes", free, procs, "lower")} processes on 3.12; 3.13t threads are ${nb.compare("makespan at 4 workers: 3.13t threads vs 3.12 processes (figure)", free13At4, procs, "lower")} them.`,
  );
  nb.table(["workload (4 threads)", ...VERSIONS], rows);
  nb.heading("What the model leaves out");
  nb.text(
    `**The GIL can come back.** A free-threaded build turns the GIL back on, for the whole process, when it imports a C extension that has not declared itself safe without it (the \`Py_mod_gil\` slot); it prints a warning, and \`PYTHON_GIL=0\` or \`-X gil=0\` forces it off at your own risk. One old extension in the dependency tree puts every thread back behind the GIL, and these figures no longer apply.`,
  );
  nb.text(
    `**The single-thread cost.** 3.13t is slower per thread (the model takes ${pct(slow13)}) mainly because its specializing adaptive interpreter is turned off (not yet thread-safe in 3.13), and because of biased reference counting and per-object locking. 3.14t turns specialization back on, and the model takes ${pct(slow14)}: ${pct(1 - slow14 / slow13)} of 3.13t's cost is gone.`,
  );
  nb.text(
    "**Contention on shared objects.** Threads that update the same dict, list or counter serialize on that object's lock, and reference counts of objects shared by every thread bounce between cores. Scaling then stops well short of the core count. These runs share nothing between tasks, so they show the best case; the model does not simulate such contention.",
  );
  // As good as processes: each free-threaded build's 4 threads against 4 processes on 3.12, same work.
  const free13 = span.get(`${cpuName}|3.13t|4`) ?? 0;
  const as14 = direction(free, procs, "lower") !== "worse";
  const as13 = direction(free13, procs, "lower") !== "worse";
  nb.verdict(
    verdictOf([as14, as13]),
    `For pure-Python CPU work, with a cost that depends on the build: with 4 threads it runs ${times(speed(cpuName, "3.14t"))} as fast on 3.14t as on 3.12 and ${times(speed(cpuName, "3.13t"))} on 3.13t, whose ${pct(slow13)} single-thread overhead eats part of the gain. 3.14t threads finish in ${ms(free)}, ${nb.compare("makespan at 4 workers: 3.14t threads vs 3.12 processes (verdict)", free, procs, "lower")} 4 processes on 3.12 (${ms(procs)}); 3.13t threads take ${ms(free13)}, ${nb.compare("makespan at 4 workers: 3.13t threads vs 3.12 processes", free13, procs, "lower")} them. IO-bound work runs ${times(speed("IO-bound", "3.14t"))} as fast on 3.14t as on 3.12: it never needed more than one core, so there threads were already as good as they get. Mixed work: ${times(speed("mixed", "3.14t"))}. All of this holds only while no extension turns the GIL back on and the threads share little.`,
  );
}

await runIfMain(import.meta.url, { meta, run });
