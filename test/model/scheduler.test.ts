import { describe, expect, test } from "vitest";
import { US } from "../../src/engine/time.js";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";

/*
 * The kernel's wake-up preemption: a thread that slept 1 ms and wakes beside two CPU hogs on one
 * core runs at once under EEVDF (its lag makes it eligible first) and under CFS
 * (check_preempt_wakeup: the woken entity, with the smallest vruntime, preempts the current one).
 */
function waitsAfterWake(kernel: "eevdf" | "cfs"): { sleeps: number; waits: number[] } {
  const s = parseScenario({
    name: `wake-${kernel}`,
    machine: { cores: 1, kernel },
    run: { until: "400ms" },
    // (no per-step bookkeeping: the thread's CPU per wake-up is the 10 us step)
    runtime: { python: "3.13t", stepOverhead: "0us" },
    executor: { kind: "threads", workers: 1 },
    workload: {
      arrivals: { kind: "batch", count: 1 },
      classes: [{ steps: [{ repeat: 200, steps: [{ block: "1ms" }, { cpu: "10us" }] }] }],
    },
    background: [
      { name: "hog-a", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] },
      { name: "hog-b", steps: [{ repeat: "forever", steps: [{ cpu: "100ms" }] }] },
    ],
  });
  const trace = simulate(s, { trace: true }).trace;
  if (!trace) throw new Error("no trace");
  const worker = trace.threads.find((t) => t.name.startsWith("ThreadPoolExecutor"));
  const mine = trace.intervals.filter((i) => i.thread === worker?.id);
  return {
    sleeps: mine.filter((i) => i.state === "io").length,
    waits: mine.filter((i) => i.state === "wait-core").map((i) => i.end - i.start),
  };
}

describe("the scheduler", () => {
  for (const kernel of ["eevdf", "cfs"] as const) {
    test(`${kernel}: a thread woken beside two CPU hogs on one core runs within 100 us, nearly always`, () => {
      const { sleeps, waits } = waitsAfterWake(kernel);
      expect(sleeps).toBe(200);
      const late = waits.filter((w) => w > 100 * US).length;
      expect(late).toBeLessThanOrEqual(5);
    });
  }
});
