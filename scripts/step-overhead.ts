// Measures what the real harness spends on each step of a task besides the step itself (the
// default of runtime.stepOverhead, src/model/profiles.ts): in every CPython present, 200 tasks of
// five 5 us pure-Python steps, run RUNS times in a sync loop and RUNS times in an event loop. Per
// run: the median gap between two steps of a task plus the median overrun of a step (its length
// less its 5 us). Writes data/harness/step-overhead.json; prints one line per version.
//   npx tsx scripts/step-overhead.ts
import { mkdirSync } from "node:fs";
import { writeFileAtomicSync } from "../src/io/atomic.js";
import { resolveInterpreters } from "../src/real/mechanisms/interpreters.js";
import { runReal } from "../src/real/runner.js";
import { parseScenario } from "../src/scenario/scenario.js";
import { median } from "../src/validate/errors.js";

const RUNS = 4;

const out: Record<string, { runs: { executor: string; gap: number; overrun: number; sum: number }[]; median: number }> =
  {};
for (const py of await resolveInterpreters("all")) {
  const minor = `${py.major}.${py.minor}`;
  const runs = [];
  for (const executor of ["sync", "asyncio"] as const) {
    for (let r = 0; r < RUNS; r++) {
      const s = parseScenario({
        name: `step-overhead-${executor}`,
        seed: 7 + r,
        machine: { cores: 2 },
        runtime: { python: minor as "3.11" },
        executor: { kind: executor },
        workload: {
          arrivals: { kind: "batch", count: 200 },
          classes: [{ name: "t", steps: Array.from({ length: 5 }, () => ({ cpu: "5us" })) }],
        },
      });
      const res = await runReal(s, { python: py.executable, env: { GILSIM_PRIORITY: "10" } });
      const gaps: number[] = [];
      const overruns: number[] = [];
      for (const t of res.trace.tasks) {
        t.steps.forEach((st, i) => {
          overruns.push(st.end - st.start - st.demand);
          const prev = t.steps[i - 1];
          if (prev) gaps.push(st.start - prev.end);
        });
      }
      const gap = median(gaps);
      const overrun = median(overruns);
      runs.push({ executor, gap, overrun, sum: gap + overrun });
    }
  }
  const m = median(runs.map((x) => x.sum));
  out[py.version] = { runs, median: m };
  console.log(
    `${py.version}: ${runs.map((x) => (x.sum / 1000).toFixed(1)).join(", ")} us per step; median ${(m / 1000).toFixed(2)} us`,
  );
}
mkdirSync("data/harness", { recursive: true });
writeFileAtomicSync(
  "data/harness/step-overhead.json",
  `${JSON.stringify({ what: "the real harness's time per step besides the step (ns): gap between two steps of a task + a step's overrun, medians per run", recorded: new Date().toISOString().slice(0, 10), versions: out }, null, 1)}\n`,
);
