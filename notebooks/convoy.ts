/**
 * The convoy effect (bpo-7946): an IO thread beside a CPU-bound thread, and the switch interval.
 */
import { scalingChart } from "../src/charts/scaling.js";
import { timelineChart } from "../src/charts/timeline.js";
import { MS, parseDuration } from "../src/engine/time.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { ms, sim, times } from "./lib/measure.js";
import { type Notebook, type NotebookMeta, runIfMain } from "./lib/notebook.js";
import { SLIGHT, verdictOf } from "./lib/words.js";

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
/** CPython's default (sys.getswitchinterval() is 0.005). */
const DEFAULT_INTERVAL = "5ms";

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
  const points: { interval: string; ms: number; perRound: number; convoys: number }[] = [];
  for (const interval of INTERVALS) {
    const r = sim(scenario(interval, true), { trace: false });
    const perRound = r.metrics.makespan / ROUNDS;
    const intervalNs = parseDuration(interval) as number;
    points.push({ interval, ms: intervalNs / MS, perRound, convoys: r.metrics.gil[0]?.convoys ?? 0 });
    rows.push([ms(intervalNs), ms(perRound), times(perRound / alone), r.metrics.gil[0]?.convoys ?? 0]);
  }
  const p5 = points.find((p) => p.interval === DEFAULT_INTERVAL) as (typeof points)[number];
  const shortest = points[0] as (typeof points)[number];

  const traced = sim({ ...scenario(DEFAULT_INTERVAL, true), run: { until: "40ms" } }, { trace: true });
  if (!traced.trace) throw new Error("trace missing");
  const trace = traced.trace;
  const io = trace.threads.find((t) => t.role === "worker");
  if (!io) throw new Error("no IO thread in the trace");
  // Each wait of the IO thread for the GIL after it came back from IO: a wait that begins at one of
  // its convoy markers (not its first wait, before any IO) and ends inside the window.
  const returns = new Set(trace.markers.filter((m) => m.thread === io.id && m.kind === "convoy").map((m) => m.time));
  const waits = trace.intervals
    .filter((iv) => iv.thread === io.id && iv.state === "wait-gil" && returns.has(iv.start) && iv.end < 40 * MS)
    .map((iv) => iv.end - iv.start);
  if (waits.length === 0) throw new Error("convoy: no return from IO found the GIL taken in the window");
  const meanWait = waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length);
  const intervalNs = parseDuration(DEFAULT_INTERVAL) as number;
  /** The IO thread's own work per round trip: 1 ms of IO and 50 µs of Python. */
  const work = 1 * MS + 50_000;
  await nb.figure(
    "timeline",
    timelineChart(trace, {
      window: [0, 40 * MS],
      title: `Convoy: each return from IO waits ${ms(meanWait)} for the GIL, ${(meanWait / intervalNs).toFixed(1)} switch intervals`,
      subtitle: `An IO thread (1 ms IO + 50 µs Python) beside a CPU-bound thread, Python 3.12, switch interval ${ms(intervalNs)}`,
    }),
    "The IO thread comes back from each 1 ms wait to find the GIL taken (diamonds), waits for a whole interval, asks for a drop (circle), and only then runs its 50 µs; the GIL track shows the brief hand-off to it.",
    { gil: trace.gil, markers: trace.markers },
    `Each wait for the GIL (${ms(meanWait)} on average over ${waits.length} returns from IO in the first 40 ms) lasts ${times(meanWait / work)} the 1 ms of IO and 50 µs of Python of a round trip: the IO thread spends ${meanWait > work ? "most" : "less than half"} of its time queued behind the cruncher.`,
  );
  const slow = p5.perRound / alone;
  // Whether every shorter interval gives a shorter round trip (points go from the shortest up).
  const shrinks = points.every((p, i) => i === 0 || p.perRound >= (points[i - 1] as (typeof points)[number]).perRound);
  await nb.figure(
    "interval",
    scalingChart(
      points.map((p) => ({
        executor: "threads-gil" as const,
        series: "IO thread beside a CPU-bound thread",
        x: p.ms,
        throughput: 1e9 / p.perRound,
        latency: p.perRound,
      })),
      {
        x: { quantity: "switch interval", unit: "ms", scale: "log" },
        throughput: { quantity: "round trips", unit: "per second" },
        latency: { quantity: "time per round trip" },
        baselines: [{ label: "IO thread alone", throughput: 1e9 / alone, latency: alone }],
        title: `A round trip takes ${times(slow)} as long beside a CPU-bound thread at the default ${ms(intervalNs)} interval, ${times(shortest.perRound / alone)} at ${ms(shortest.ms * MS)}`,
        subtitle: `${ROUNDS} round trips of 1 ms IO + 50 µs Python, Python 3.12, 4 cores`,
      },
    ),
    `Left: round trips per second; right: time per round trip, both against sys.setswitchinterval on a log axis. The thin grey line is the IO thread running alone. ${shrinks ? "Each shorter interval cuts the convoy delay" : "A shorter interval does not always cut the convoy delay"}, at the price of more GIL switches for the CPU-bound thread.`,
    points,
    shrinks
      ? `Each shorter interval brings the round trip closer to its ${ms(alone)} alone: ${points.map((p) => `${ms(p.perRound)} at ${ms(p.ms * MS)}`).join(", ")}.`
      : `The round trip does not shrink with every shorter interval: ${points.map((p) => `${ms(p.perRound)} at ${ms(p.ms * MS)}`).join(", ")}, against ${ms(alone)} alone.`,
  );
  nb.table(["switch interval", "time per round trip", "vs alone", "convoys"], rows);
  const aloneFine = alone / (1 * MS + 50_000) - 1 <= SLIGHT;
  const besideFine = slow - 1 <= SLIGHT;
  nb.verdict(
    verdictOf([aloneFine, besideFine]),
    `Alone, a round trip takes ${ms(alone)}, ${nb.compare("round trip alone vs its 1.05 ms of work", alone, 1 * MS + 50_000, "lower")} the work itself: the GIL is indeed released while waiting. Beside a CPU-bound thread it takes ${ms(p5.perRound)} at the default ${ms(intervalNs)} interval, ${nb.compare("round trip beside a CPU-bound thread vs alone", p5.perRound, alone, "lower")} alone (${times(slow)}): every return from IO queues behind the cruncher for about a whole interval. Shrinking the interval to ${ms(shortest.ms * MS)} brings it to ${ms(shortest.perRound)}; the real fix is to keep CPU work out of the IO process (or to release the GIL in it).`,
  );
}

await runIfMain(import.meta.url, { meta, run });
