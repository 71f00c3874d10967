/**
 * Free-threaded Python: 3.12 vs 3.13t vs 3.14t on the same workloads.
 */
import { type HeatCell, heatmapChart } from "../src/charts/heatmap.js";
import { type ScalingPoint, scalingChart } from "../src/charts/scaling.js";
import { type PythonVersion, profile } from "../src/model/profiles.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { ms, pct, sim, times } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";

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
  await nb.figure(
    "speedup",
    heatmapChart(cells, {
      xLabel: "Python build",
      yLabel: "workload",
      valueLabel: "speed vs 3.12 (×, 4 threads)",
      scheme: "diverging",
      pivot: 1,
      title: "Free-threaded builds against 3.12, on a pool of 4 threads",
      subtitle: `4 cores; ${WORKLOADS.map((w) => `${w.name}: ${w.count} tasks`).join("; ")}`,
    }),
    "Each cell: 3.12's makespan divided by the build's makespan with 4 threads (above 1: faster than 3.12).",
    cells,
  );

  // Pure-Python CPU on threads (3.12, 3.13t) against processes (3.12).
  const cpu = WORKLOADS[0] as (typeof WORKLOADS)[number];
  const points: ScalingPoint[] = [];
  for (const t of THREADS) {
    const g = sim(scenario("3.12", { kind: "threads", workers: t }, cpu.steps, cpu.count)).metrics;
    const f = sim(scenario("3.14t", { kind: "threads", workers: t }, cpu.steps, cpu.count)).metrics;
    const p = sim(
      scenario("3.12", { kind: "processes", workers: t, startMethod: "fork" }, cpu.steps, cpu.count),
    ).metrics;
    points.push({ executor: "threads-gil", workers: t, throughput: g.throughput, latency: g.makespan });
    points.push({ executor: "threads-nogil", workers: t, throughput: f.throughput, latency: f.makespan });
    points.push({ executor: "processes", workers: t, throughput: p.throughput, latency: p.makespan });
  }
  await nb.figure(
    "cpu-scaling",
    scalingChart(points, {
      quantile: "makespan",
      title: "Pure-Python CPU: threads on 3.12 and 3.14t against processes on 3.12",
      subtitle: `${cpu.count} tasks of 20 ms on 4 cores; threads (no GIL) are 3.14t threads`,
    }),
    "Left: tasks per second; right: makespan. 3.14t threads scale like processes, without pickling or start-up, at a small single-thread cost.",
    points,
  );
  nb.table(["workload (4 threads)", ...VERSIONS], rows);
  const speed = (name: string, v: PythonVersion) =>
    (span.get(`${name}|3.12|4`) ?? 0) / (span.get(`${name}|${v}|4`) ?? 1);
  const procs = points.find((p) => p.executor === "processes" && p.workers === 4)?.latency as number;
  const free = points.find((p) => p.executor === "threads-nogil" && p.workers === 4)?.latency as number;
  nb.finding(
    `True for CPU-bound work, with a cost that depends on the build: with 4 threads, pure-Python work runs ${times(speed("pure-Python CPU", "3.14t"))} faster on 3.14t than on 3.12 and ${times(speed("pure-Python CPU", "3.13t"))} on 3.13t, whose ${pct(profile("3.13t", 4).pythonSlowdown - 1)} single-thread overhead eats part of the gain. 3.14t threads finish in ${ms(free)} against ${ms(procs)} for 4 processes on 3.12. IO-bound work gains nothing (${times(speed("IO-bound", "3.14t"))}): it never needed more than one core. Mixed work gains ${times(speed("mixed", "3.14t"))}.`,
  );
}

await runIfMain(import.meta.url, { meta, run });
