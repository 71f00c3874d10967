/**
 * The model's side of scripts/pinned-sleeper.py: on one core, a thread that sleeps 1 ms then works
 * 20 or 500 us, beside a CPU-bound thread (free-threaded, so the GIL plays no part): how many of
 * its wake-ups wait over 500 us for the core, per kernel the model knows. The slice is the 2-CPU
 * development VM's (1.4 ms): pinning both processes to one CPU does not change Linux's base slice,
 * which follows the CPUs online.
 *
 *     npx tsx scripts/pinned-sleeper.ts [ROUNDS]
 */
import { simulate } from "../src/model/simulate.js";
import { parseScenario } from "../src/scenario/scenario.js";

const LATE = 500_000;
/** The kernels a scenario can name (machine.kernel). */
const KERNELS = ["eevdf-6.18", "eevdf", "cfs"] as const;
const rounds = Number(process.argv[2] ?? 600);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write("usage: npx tsx scripts/pinned-sleeper.ts [ROUNDS]\n");
  process.exit(2);
}
process.stdout.write(
  `# scripts/pinned-sleeper.ts ${rounds}: the sleeper's waits for the core; 'late' is over ${LATE / 1000} us\n`,
);
for (const kernel of KERNELS) {
  for (const work of [20, 500]) {
    const s = parseScenario({
      name: "pinned-sleeper",
      machine: { cores: 1, kernel, slice: "1.4ms" },
      runtime: { python: "3.13t", gil: "off", stepOverhead: "0us" },
      executor: { kind: "sync" },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ io: "1ms" }] }] },
      background: [
        { name: "hog", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] },
        { name: "sleeper", steps: [{ repeat: rounds, steps: [{ io: "1ms" }, { cpu: `${work}us` }] }] },
      ],
      run: { until: `${Math.ceil(rounds * (1 + work / 1000) * 3)}ms` },
    });
    const trace = simulate(s, { trace: true }).trace;
    if (!trace) throw new Error("no trace");
    const id = trace.threads.findIndex((t) => t.name === "sleeper");
    const wakes = trace.intervals.filter((i) => i.thread === id && i.state === "io").length;
    const late = trace.intervals.filter(
      (i) => i.thread === id && i.state === "wait-core" && i.end - i.start > LATE,
    ).length;
    process.stdout.write(
      `${kernel} work ${work} us: late ${late} of ${wakes} wake-ups (${((100 * late) / wakes).toFixed(1)}%)\n`,
    );
  }
}
