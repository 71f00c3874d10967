import { describe, expect, test } from "vitest";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";

describe("instant ops", () => {
  test("a long run of ops that take no time goes through without growing the stack", () => {
    // Each op ends at once and resumes its thread from inside the last; 200,000 of them in a row
    // (a closed client with no think time issues each next task at once) used to overflow the stack.
    for (const executor of [{ kind: "sync" }, { kind: "threads", workers: 2 }, { kind: "asyncio" }] as const) {
      const s = parseScenario({
        name: "instant",
        executor,
        workload: { arrivals: { kind: "closed", clients: 1, count: 200_000 }, classes: [{ steps: [{ cpu: 0 }] }] },
      });
      const r = simulate(s, { trace: false });
      expect(r.metrics.tasks.completed).toBe(200_000);
      // On the main thread each next task is issued at once and costs only its accept and the
      // bookkeeping of its one step.
      const { acceptCost: accept, stepOverhead: book } = s.runtime;
      if (executor.kind === "sync")
        expect(r.metrics.latency.p50).toBe(
          accept.dist === "constant" && book.dist === "constant" ? accept.value + book.value : NaN,
        );
    }
    const repeat = parseScenario({
      name: "instant-steps",
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [{ steps: [{ repeat: 200_000, steps: [{ cpu: 0 }] }] }],
      },
    });
    expect(simulate(repeat, { trace: false }).metrics.tasks.completed).toBe(1);
  });
});
