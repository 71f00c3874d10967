import { describe, expect, test } from "vitest";
import { parseScenario } from "../../src/scenario/scenario.js";
import { bottlenecks, gilWords, whyMisses } from "../../src/sweep/bottleneck.js";

/** 500 requests/s of `steps`, run by `executor`, on `cores` cores of Python 3.12. */
function at(executor: unknown, steps: unknown[], cores = 4, rate = "500/s") {
  return parseScenario({
    machine: { cores },
    runtime: { python: "3.12" },
    executor,
    workload: { arrivals: { kind: "poisson", rate, count: 100 }, classes: [{ steps }] },
  });
}

const WEB = [{ cpu: "2ms" }, { io: "30ms" }];

describe("bottlenecks", () => {
  test("a thread pool at 500/s × 2 ms of Python asks for one whole GIL, whatever its size", () => {
    for (const workers of [4, 128]) {
      const why = whyMisses(at({ kind: "threads", workers }, WEB));
      expect(why).toBe(
        "500/s × 2ms of Python (GIL held) = one whole GIL: at or past the whole resource, so requests queue without bound whatever the size",
      );
    }
  });

  test("the load is computed from the scenario: rate, step means, class weights, repeats and processes", () => {
    const mixed = parseScenario({
      machine: { cores: 8 },
      runtime: { python: "3.12" },
      executor: { kind: "processes", workers: 4 },
      workload: {
        arrivals: { kind: "poisson", rate: "300/s", count: 100 },
        classes: [
          { weight: 3, steps: [{ repeat: 2, steps: [{ cpu: { dist: "exponential", mean: "1ms" } }] }] },
          { weight: 1, steps: [{ cpu: "4ms", gil: "release" }] },
        ],
      },
    });
    // GIL-held: 3/4 × 2 ms = 1.5 ms per request; CPU: 1.5 + 1/4 × 4 = 2.5 ms.
    const list = bottlenecks(mixed);
    expect(list?.map((b) => b.resource)).toEqual(["GIL", "cores"]);
    expect(list?.[0]?.load).toBeCloseTo((300 * 0.0015) / 4, 12);
    expect(list?.[0]?.text).toBe("300/s × 1.5ms of Python (GIL held) over 4 processes = 0.11 of one GIL each");
    expect(list?.[1]?.load).toBeCloseTo((300 * 0.0025) / 8, 12);
    expect(list?.[1]?.text).toBe("300/s × 2.5ms of CPU on 8 cores = 0.09 of the machine");
  });

  test("asyncio: the loop's own thread, and a thread pool sharing its GIL", () => {
    const loop = whyMisses(at({ kind: "asyncio" }, [{ cpu: "3ms" }, { io: "30ms" }]));
    expect(loop).toContain("500/s × 3ms in the loop's thread = 1.50 of each loop");
    expect(loop).toContain("500/s × 3ms of Python (GIL held) in the loop = 1.50 GILs' worth");
    const offload = bottlenecks(
      at({ kind: "asyncio", offload: { kind: "threads", workers: 8 } }, [
        { cpu: "1ms" },
        { offload: [{ cpu: "1ms" }] },
      ]),
    );
    expect(offload?.find((b) => b.resource === "GIL")?.text).toBe(
      "500/s × 2ms of Python (GIL held) (loop and thread pool) = one whole GIL",
    );
    expect(offload?.find((b) => b.resource === "event loop")?.load).toBeCloseTo(0.5, 12);
  });

  test("child tasks load the loop; threads a coroutine starts load its GIL, not the loop; a socket's peer loads the cores", () => {
    // spawn 4 × 1 ms: 4 ms in the loop's thread and its GIL per request, as four inline steps would.
    const spawned = bottlenecks(at({ kind: "asyncio" }, [{ spawn: 4, steps: [{ cpu: "1ms" }] }]));
    expect(spawned?.find((b) => b.resource === "event loop")?.load).toBeCloseTo(2, 12);
    expect(spawned?.find((b) => b.resource === "GIL")?.load).toBeCloseTo(2, 12);
    // threads 2 × 1 ms: the same process's GIL (1 GIL at 500/s), but the loop only waits in join.
    const threads = bottlenecks(at({ kind: "asyncio" }, [{ threads: 2, steps: [{ cpu: "1ms" }] }]));
    expect(threads?.find((b) => b.resource === "event loop")?.load).toBeCloseTo(0, 12);
    expect(threads?.find((b) => b.resource === "GIL")?.load).toBeCloseTo(1, 12);
    expect(threads?.find((b) => b.resource === "cores")?.load).toBeCloseTo(0.25, 12);
    // A socket exchange whose peer spends 2 ms of CPU: cores only (500/s × 2 ms on 4 cores).
    const socket = bottlenecks(at({ kind: "threads", workers: 4 }, [{ socket: { peer: "2ms" } }]));
    expect(socket?.find((b) => b.resource === "GIL")?.load).toBeCloseTo(0, 12);
    expect(socket?.find((b) => b.resource === "cores")?.load).toBeCloseTo(0.25, 12);
  });

  test("no saturated resource: the busiest one is named; no rate to reason from: null", () => {
    expect(whyMisses(at({ kind: "threads", workers: 4 }, [{ cpu: "1ms", gil: "release" }], 2, "100/s"))).toBe(
      "no shared resource is saturated; the busiest: 100/s × 1ms of CPU on 2 cores = 0.05 of the machine",
    );
    const batch = parseScenario({
      executor: { kind: "threads", workers: 4 },
      workload: { arrivals: { kind: "batch", count: 10 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
    });
    expect(whyMisses(batch)).toBeNull();
    expect([gilWords(1.001), gilWords(0.5), gilWords(2)]).toEqual([
      "one whole GIL",
      "0.50 of one GIL",
      "2.00 GILs' worth",
    ]);
  });
});
