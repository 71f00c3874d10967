import { describe, expect, test } from "vitest";
import { replicate, replicateAsync } from "../../src/metrics/replicate.js";
import { simulate, simulateAsync } from "../../src/model/simulate.js";
import { getPreset, presetNames } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { chromeTraceJson } from "../../src/trace/chrome.js";

describe("simulateAsync", () => {
  test.each(presetNames())("simulateAsync(%s) gives the bytes simulate gives, metrics and trace", async (name) => {
    const s = parseScenario(getPreset(name));
    const a = simulate(s, { trace: true });
    const b = await simulateAsync(s, { trace: true });
    expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
    expect(chromeTraceJson(b.trace!)).toBe(chromeTraceJson(a.trace!));
    expect(b.cpu).toEqual(a.cpu);
  });

  test("replicateAsync gives the summary replicate gives", async () => {
    const s = parseScenario(getPreset("web-api"));
    expect(await replicateAsync(s, { replications: 2 })).toEqual(replicate(s, { replications: 2 }));
  });

  test("simulateAsync stops between slices when its signal is aborted", async () => {
    const s = parseScenario({
      executor: { kind: "asyncio" },
      workload: {
        arrivals: { kind: "poisson", rate: "1000/s", count: 2_000_000 },
        classes: [{ steps: [{ io: "1ms" }] }],
      },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 100);
    await expect(simulateAsync(s, { trace: false, signal: controller.signal })).rejects.toThrow("stop");
  });

  test("maxEvents bounds one task's instant steps too: 10 million zero-length steps stop after about the limit", async () => {
    // Zero-length steps take no event of their own; each is charged to the run's work, and once
    // the limit is spent the thread goes on in an event of its own, so the run can stop there.
    const s = parseScenario({
      executor: { kind: "threads", workers: 1 },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [{ steps: [{ repeat: 50, steps: [{ repeat: 200_000, steps: [{ cpu: "0ms" }] }] }] }],
      },
    });
    for (const r of [simulate(s, { maxEvents: 5000 }), await simulateAsync(s, { maxEvents: 5000 })]) {
      expect(r.stoppedBy).toBe("max-events");
      expect(r.truncated).toBe(true);
      expect(r.metrics.tasks.completed).toBe(0);
    }
    // Without a limit the same task finishes: the limit, not the model, stopped it above.
    const small = parseScenario({
      executor: { kind: "threads", workers: 1 },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [{ steps: [{ repeat: 20_000, steps: [{ cpu: "0ms" }] }] }],
      },
    });
    expect(simulate(small).metrics.tasks.completed).toBe(1);
    expect(simulate(small, { maxEvents: 5000 }).stoppedBy).toBe("max-events");
  });

  test("maxEvents stops both forms at the same event, with the same partial metrics", async () => {
    const s = parseScenario(getPreset("web-api"));
    const a = simulate(s, { maxEvents: 12_345 });
    const b = await simulateAsync(s, { maxEvents: 12_345 });
    expect(a.stoppedBy).toBe("max-events");
    expect(a.truncated).toBe(true);
    expect(a.metrics.events).toBe(12_345);
    expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
  });
});
