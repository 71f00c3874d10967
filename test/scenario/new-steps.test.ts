import { describe, expect, test } from "vitest";
import { US } from "../../src/engine/time.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { problemsOf } from "./problems.js";

/*
 * The steps and the option that close the mechanism suite's format gaps: spawn (create_task from
 * a running coroutine, then await each child), threads (Thread.start then join), socket (an
 * exchange with a peer process) and workload.chunksize (Executor.map's chunks on a process pool).
 */

// biome-ignore lint/suspicious/noExplicitAny: bad inputs are free-form JSON, edited at any depth
type Loose = Record<string, any>;

function withSteps(steps: unknown[], executor: Loose = { kind: "asyncio", offload: { kind: "threads" } }): Loose {
  return { executor, workload: { arrivals: { kind: "batch", count: 3 }, classes: [{ steps }] } };
}

describe("valid new steps parse into their kinds", () => {
  test("spawn, threads and socket", () => {
    const s = parseScenario(
      withSteps([
        { spawn: 3, steps: [{ cpu: "1us" }, { io: "1ms" }] },
        { threads: 2, steps: [{ socket: { peer: "5us" } }] },
        { socket: { peer: { dist: "exponential", mean: "10us" } } },
      ]),
    );
    const steps = s.workload.classes[0]!.steps;
    expect(steps.map((x) => x.kind)).toEqual(["spawn", "threads", "socket"]);
    expect(steps[0]).toMatchObject({ kind: "spawn", count: 3 });
    expect(steps[1]).toMatchObject({ kind: "threads", count: 2 });
    expect(steps[2]).toMatchObject({ kind: "socket", peer: { dist: "exponential", mean: 10 * US } });
  });

  test("threads run in any executor's task, and sockets in background threads", () => {
    const s = parseScenario({
      ...withSteps([{ threads: 1, steps: [{ cpu: "1us" }] }], { kind: "threads", workers: 2 }),
      background: [{ name: "client", steps: [{ socket: { peer: "2us" } }] }],
    });
    expect(s.background[0]!.steps[0]!.kind).toBe("socket");
  });

  test("chunksize on a process pool with batch arrivals", () => {
    const s = parseScenario({ ...withSteps([{ cpu: "1us" }], { kind: "processes" }) });
    expect(s.workload.chunksize).toBeUndefined();
    const c = withSteps([{ cpu: "1us" }], { kind: "processes", workers: 2 });
    c.workload.chunksize = 50;
    expect(parseScenario(c).workload.chunksize).toBe(50);
  });
});

describe("bad new steps are one line each, naming the path and what is wrong", () => {
  test.each([
    [
      "spawn in a thread pool's task",
      withSteps([{ spawn: 2, steps: [{ cpu: "1us" }] }], { kind: "threads" }),
      "x.json: workload.classes[0].steps[0].spawn: spawn needs a running coroutine (an asyncio task), not a threads executor's task",
    ],
    [
      "spawn in an offload",
      withSteps([{ offload: [{ spawn: 2, steps: [{ cpu: "1us" }] }] }]),
      "x.json: workload.classes[0].steps[0].offload[0].spawn: spawn needs a running coroutine (an asyncio task), not an offloaded step",
    ],
    [
      "spawn in a thread of a threads step",
      withSteps([{ threads: 1, steps: [{ spawn: 2, steps: [{ cpu: "1us" }] }] }]),
      "x.json: workload.classes[0].steps[0].steps[0].spawn: spawn needs a running coroutine (an asyncio task), not a thread of a threads step",
    ],
    [
      "an offload in a thread of a threads step",
      withSteps([{ threads: 1, steps: [{ offload: [{ cpu: "1us" }] }] }]),
      "x.json: workload.classes[0].steps[0].steps[0].offload: a thread of a threads step cannot offload",
    ],
    [
      "spawn of 0 children",
      withSteps([{ spawn: 0, steps: [{ cpu: "1us" }] }]),
      "x.json: workload.classes[0].steps[0].spawn: 0 is invalid (expected a positive integer)",
    ],
    [
      "threads: 2.5",
      withSteps([{ threads: 2.5, steps: [{ cpu: "1us" }] }]),
      "x.json: workload.classes[0].steps[0].threads: 2.5 is invalid (expected a positive integer)",
    ],
    [
      "threads with no steps",
      withSteps([{ threads: 2, steps: [] }]),
      "x.json: workload.classes[0].steps[0].steps: [] is invalid (expected at least one step)",
    ],
    ["a socket with a negative peer time", withSteps([{ socket: { peer: "-5us" } }]), null],
    ["a socket with an unknown key", withSteps([{ socket: { peer: "5us", calls: 2 } }]), null],
  ] as const)("%s", (_, input, line) => {
    const lines = problemsOf(input);
    expect(lines).toHaveLength(1);
    if (line) expect(lines[0]).toBe(line);
    else expect(lines[0]).toMatch(/^x\.json: workload\.classes\[0\]\.steps\[0\]\.socket.*: \S/);
  });

  test("a background thread cannot start threads", () => {
    const s = {
      ...withSteps([{ cpu: "1us" }]),
      background: [{ name: "b", steps: [{ threads: 1, steps: [{ cpu: "1us" }] }] }],
    };
    expect(problemsOf(s)).toEqual(["x.json: background[0].steps[0].threads: a background thread cannot start threads"]);
  });

  test("chunksize needs a process pool, and batch arrivals", () => {
    const threads = withSteps([{ cpu: "1us" }], { kind: "threads" });
    threads.workload.chunksize = 10;
    expect(problemsOf(threads)).toEqual([
      'x.json: workload.chunksize: chunking needs a processes executor (executor.kind is "threads")',
    ]);
    const open = withSteps([{ cpu: "1us" }], { kind: "processes" });
    open.workload.arrivals = { kind: "poisson", rate: "10/s", count: 5 };
    open.workload.chunksize = 10;
    expect(problemsOf(open)).toEqual([
      'x.json: workload.chunksize: chunking needs batch arrivals, as Executor.map has all its items at once (arrivals.kind is "poisson")',
    ]);
    // Executor.map has no semaphore: a concurrency bound beside it would be ignored, so it is refused.
    const bounded = withSteps([{ cpu: "1us" }], { kind: "processes" });
    bounded.workload.chunksize = 4;
    bounded.workload.concurrency = 1;
    expect(problemsOf(bounded)).toEqual([
      "x.json: workload.chunksize: chunking submits every item at once, as Executor.map does, so it cannot be combined with workload.concurrency (remove one)",
    ]);
    const zero = withSteps([{ cpu: "1us" }], { kind: "processes" });
    zero.workload.chunksize = 0;
    expect(problemsOf(zero)).toEqual(["x.json: workload.chunksize: 0 is invalid (expected a positive integer)"]);
  });
});
