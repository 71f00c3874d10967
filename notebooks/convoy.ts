/**
 * The convoy effect (bpo-7946): an IO thread beside a CPU-bound thread, and the switch interval.
 */
import { type ScalingPoint, scalingChart } from "../src/charts/scaling.js";
import { timelineChart } from "../src/charts/timeline.js";
import { MS } from "../src/engine/time.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { ms, sim, times } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";

export const meta: NotebookMeta = {
  id: "convoy",
  title: "The convoy effect: an IO thread beside a CPU-bound thread",
  question:
    "A thread does 200 round trips of 1 ms IO and 50 µs of Python while another thread crunches numbers. How long does each round trip take, and how does sys.setswitchinterval change it?",
  claim: "Threads are fine for IO; the GIL is released while waiting.",
  seed: 404,
};

const ROUNDS = 200;
const INTERVALS = ["0.1ms", "0.5ms", "1ms", "2ms", "5ms", "10ms"];

function scenario(interval: string, background: boolean): ScenarioInput {
  return {
    seed: meta.seed,
    machine: { cores: 4 },
    runtime: { python: "3.12", switchInterval: interval },
    executor: { kind: "threads", workers: 1 },
    workload: {
      arrivals: { kind: "batch", count: 1 },
      classes: [{ name: "io-loop", steps: [{ repeat: ROUNDS, steps: [{ io: "1ms" }, { cpu: "50us" }] }] }],
    },
    background: background ? [{ name: "cruncher", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] }] : [],
    run: { until: "30s" },
  };
}

export async function run(nb: Notebook): Promise<void> {
  const alone = sim(scenario("5ms", false), { trace: false }).metrics.makespan / ROUNDS;
  const rows: (string | number)[][] = [];
  const points: { interval: string; perRound: number; convoys: number }[] = [];
  for (const interval of INTERVALS) {
    const r = sim(scenario(interval, true), { trace: false });
    const perRound = r.metrics.makespan / ROUNDS;
    points.push({ interval, perRound, convoys: r.metrics.gil[0]?.convoys ?? 0 });
    rows.push([interval, ms(perRound), times(perRound / alone), r.metrics.gil[0]?.convoys ?? 0]);
  }
  const chartPoints: ScalingPoint[] = points.map((p, i) => ({
    executor: "threads-gil",
    workers: i + 1,
    throughput: 1e9 / p.perRound,
    latency: p.perRound,
  }));
  const traced = sim({ ...scenario("5ms", true), run: { until: "40ms" } }, { trace: true });
  if (!traced.trace) throw new Error("trace missing");
  await nb.figure(
    "timeline",
    timelineChart(traced.trace, {
      window: [0, 40 * MS],
      title: "Convoy: every return from IO waits about one switch interval for the GIL",
      subtitle: "An IO thread (1 ms IO + 50 µs Python) beside a CPU-bound thread, Python 3.12, interval 5 ms",
    }),
    "The IO thread comes back from each 1 ms wait to find the GIL taken (diamonds), waits a whole interval, asks for a drop, and only then runs its 50 µs.",
    { gil: traced.trace.gil, markers: traced.trace.markers },
  );
  await nb.figure(
    "interval",
    scalingChart(chartPoints, {
      quantile: "round trip",
      workersScale: "linear",
      title: "Round trip of the IO thread against the switch interval",
      subtitle: `x: switch interval setting ${INTERVALS.map((v, i) => `${i + 1} = ${v}`).join(", ")}`,
    }),
    "Left: round trips per second. Right: time per round trip. A shorter interval cuts the convoy delay, at the price of more GIL switches for the CPU-bound thread.",
    points,
  );
  nb.table(["switch interval", "time per round trip", "vs alone", "convoys"], rows);
  const p5 = points.find((p) => p.interval === "5ms") as { perRound: number };
  const p01 = points[0] as { perRound: number };
  nb.finding(
    `False beside CPU work: alone, a round trip takes ${ms(alone)}; beside a CPU-bound thread it takes ${ms(p5.perRound)} with the default 5 ms interval (${times(p5.perRound / alone)}), because every return from IO queues behind the cruncher for a whole interval. Shrinking the interval to 0.1 ms brings it to ${ms(p01.perRound)}; the real fix is to keep CPU work out of the IO process (or to release the GIL in it).`,
  );
}

await runIfMain(import.meta.url, { meta, run });
