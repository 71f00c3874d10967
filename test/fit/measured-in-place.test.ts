import { describe, expect, it } from "vitest";
import { parseRecording } from "../../src/capture/recording.js";
import { fitRecording } from "../../src/fit/fit.js";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";

/*
 * A fitted scenario spends on each task the CPU the recording measured, and no more: the code
 * between calls is a fitted step (no per-step bookkeeping on top), a C call's time includes its
 * GIL-held edges, and cold caches are in the measured times; a send is its CPU (time off the CPU
 * in it is the model's to make). The truth here is the recording itself: tasks of known,
 * identical times, far apart, on a pool of one thread.
 */

const US = 1000;
const MS = 1_000_000;
const TASKS = 40;
const GAP = 50 * MS;
const PYTHON_BEFORE = 600 * US; // pure Python before the call
const CALL = 200 * US; // a hash that releases the GIL
const PYTHON_AFTER = 300 * US;
const SEND_CPU = 40 * US; // the answer's send: its CPU,
const SEND_WALL = 150 * US; // and its wall time (off the CPU meanwhile)
const SUBMIT = 30 * US; // the submitting thread's CPU inside submit
const LOOP = 90 * US; // and in the rest of its loop (accept, read)

function recording(withSubp: boolean): string {
  const header = {
    gilsim: "recording",
    format: 1,
    pid: 7,
    python: "3.11.7",
    cpus: 2,
    switch_interval: 0.005,
    t0_unix: 1.7e18,
  };
  const lines = [JSON.stringify(header)];
  for (let i = 0; i < TASKS; i++) {
    const arrival = 1 * MS + i * GAP;
    const start = arrival + 100 * US;
    const task = {
      task: i + 1,
      pid: 7,
      name: "GET /hash",
      arrival,
      start,
      end: start + PYTHON_BEFORE + CALL + PYTHON_AFTER + SEND_WALL,
      thread: "pool_0",
      exec: { kind: "threads", workers: 1 },
      cpu: PYTHON_BEFORE + CALL + PYTHON_AFTER + SEND_CPU,
      sub: i === 0 ? null : SUBMIT + LOOP,
      ...(withSubp && i > 0 ? { subp: SUBMIT } : {}),
      // [class, label, t, wall, cpu, n, c0, track]
      segs: [
        ["r", "hashlib", PYTHON_BEFORE, CALL, CALL, 1, PYTHON_BEFORE, 0],
        [
          "w",
          "socket.send",
          PYTHON_BEFORE + CALL + PYTHON_AFTER,
          SEND_WALL,
          SEND_CPU,
          1,
          PYTHON_BEFORE + CALL + PYTHON_AFTER,
          0,
        ],
      ],
    };
    lines.push(JSON.stringify(task));
  }
  return `${lines.join("\n")}\n`;
}

function fitted(withSubp: boolean) {
  return fitRecording(parseRecording(recording(withSubp), "hash.jsonl"), { warmup: 0, name: "hash" });
}

/** Per task, the CPU the simulated worker and main thread spent, from the trace (ns). */
function simulatedCpu(input: unknown): { worker: number[]; main: number[] } {
  const sim = simulate(parseScenario(input), { trace: true });
  const trace = sim.trace;
  if (!trace) throw new Error("no trace");
  const tasks = [...trace.tasks].sort((a, b) => a.arrival - b.arrival);
  const worker: number[] = [];
  const main: number[] = [];
  for (const [k, t] of tasks.entries()) {
    const until = tasks[k + 1]?.arrival ?? Number.POSITIVE_INFINITY;
    let w = 0;
    let m = 0;
    for (const iv of trace.intervals) {
      if (iv.state !== "gil" && iv.state !== "nogil") continue;
      const lo = Math.max(iv.start, t.arrival);
      const hi = Math.min(iv.end, until);
      if (hi <= lo) continue;
      if (iv.thread === 0) m += hi - lo;
      else w += hi - lo;
    }
    worker.push(w);
    main.push(m);
  }
  return { worker, main };
}

describe("gilsim fit: what a recording measured is not added again", () => {
  it("writes the submitting thread's CPU split into submit and the rest of its loop, and turns off what the steps already hold", () => {
    const fit = fitted(true);
    const runtime = fit.input.runtime as Record<string, unknown>;
    expect(runtime.submitCost).toBe("30us");
    expect(runtime.acceptCost).toBe("90us");
    expect(runtime.stepOverhead).toBe("0us");
    expect(runtime.cCallEdge).toBe("0us");
    expect(fit.input.machine?.coldStart).toEqual({ max: "0us", tau: "1ms", slowdown: 1 });
    expect(fit.submitCost).toBe(SUBMIT);
    expect(fit.acceptCost).toBe(LOOP);
    expect(runtime.submitReturn).toBe("0us");
    expect(fit.warnings.join("\n")).not.toMatch(/subp/);
  });

  it("charges all of it to submit, with a warning, for a recording without the split", () => {
    const fit = fitted(false);
    const runtime = fit.input.runtime as Record<string, unknown>;
    expect(runtime.submitCost).toBe("120us");
    expect(runtime.acceptCost).toBe("0us");
    expect(runtime.submitReturn).toBe("0us");
    expect(fit.acceptCost).toBeNull();
    expect(fit.warnings.some((w) => w.includes("no subp") && w.includes("record again"))).toBe(true);
  });

  it("simulates each task with the recorded times on its worker and the recorded loop on the main thread, nothing more", () => {
    const fit = fitted(true);
    const send = fit.classes[0]?.steps.find((s) => s.label === "socket.send");
    expect(send?.kind).toBe("release");
    expect(send?.dist?.mean).toBe(SEND_CPU);
    // Fit leaves runtime.gilHandoff on (2 us of CPU each time a thread takes the GIL from another):
    // it grows with contention, which a prediction at another configuration must see. Off here,
    // so the bounds are exact.
    const { worker, main } = simulatedCpu({ ...fit.input, runtime: { ...fit.input.runtime, gilHandoff: "0us" } });
    expect(worker.length).toBe(TASKS);
    const own = PYTHON_BEFORE + CALL + PYTHON_AFTER + SEND_CPU;
    // The bookkeeping, C-call edges and cold start the fit turns off would add over 200 us.
    for (const w of worker) {
      expect(w).toBeGreaterThanOrEqual(own);
      expect(w).toBeLessThanOrEqual(own + 1 * US);
    }
    // submit and the accept loop, nothing after submit; the first task's submit starts the thread.
    for (const m of main.slice(1)) expect(m).toBeGreaterThanOrEqual(SUBMIT + LOOP);
    for (const m of main.slice(1)) expect(m).toBeLessThanOrEqual(SUBMIT + LOOP + 1 * US);
  });
});
