import { describe, expect, it } from "vitest";
import { MS, US } from "../../src/engine/time.js";
import { run } from "./helpers.js";

describe("the asyncio loop", () => {
  it("finishes 1,000 concurrent 10 ms waits in about 10 ms plus the loop's per-step overheads", () => {
    const r = run({
      executor: { kind: "asyncio" },
      workload: { arrivals: { kind: "batch", count: 1000 }, classes: [{ steps: [{ io: "10ms" }] }] },
    });
    const { loopStepCost: step, createTaskCost: create, stepOverhead: book } = r.scenario.runtime;
    expect(step.dist).toBe("constant");
    expect(create.dist).toBe("constant");
    expect(book.dist).toBe("constant");
    const perStep = step.dist === "constant" ? step.value : 0;
    const perCreate = create.dist === "constant" ? create.value : 0;
    const perBook = book.dist === "constant" ? book.value : 0;
    // Per task: create_task, then three callbacks (start, resume after the timer, the done
    // callback) and the step's bookkeeping, run one after the other on one thread.
    const overheads = 1000 * (perCreate + 3 * perStep + perBook);
    expect(r.metrics.makespan).toBeGreaterThan(10 * MS);
    expect(r.metrics.makespan).toBeLessThan(10 * MS + overheads + 1 * MS);
    expect(r.metrics.tasks.completed).toBe(1000);
  });

  it("charges every iteration's select() once: a zero-timeout poll and a select that waited alike cost syscallCost", () => {
    // Tasks that sleep for different times, so that the loop both polls (callbacks ready) and
    // waits (only timers left) between them. A batch: no arrival is read from a socket.
    const at = (syscall: string) =>
      run(
        {
          machine: { cores: 2 },
          runtime: { syscallCost: syscall },
          executor: { kind: "asyncio" },
          workload: {
            arrivals: { kind: "batch", count: 30 },
            classes: [
              { steps: [{ cpu: "20us" }, { io: { dist: "uniform", min: "1ms", max: "9ms" } }, { cpu: "20us" }] },
            ],
          },
        },
        { trace: true },
      );
    const cheap = at("0us");
    const dear = at("1us");
    const waits = (r: ReturnType<typeof at>) => r.trace?.iterations ?? [];
    expect(waits(dear).length).toBeGreaterThan(10);
    expect(waits(dear).length).toBe(waits(cheap).length);
    // The model's overhead CPU grows by syscallCost once per iteration, whichever way it selected
    // (within a few ns: the cold start's slowdown applies to that microsecond too). Charged for
    // the zero-timeout polls alone, 5 of these 20 iterations would be missing: 5 us.
    expect(Math.abs(dear.cpu.overhead - cheap.cpu.overhead - waits(dear).length * 1 * US)).toBeLessThan(100);
  });

  it("serializes the tasks when a coroutine makes a blocking call", () => {
    const r = run({
      executor: { kind: "asyncio" },
      workload: { arrivals: { kind: "batch", count: 100 }, classes: [{ steps: [{ block: "10ms" }] }] },
    });
    // Each blocking call ends a timer slack late, and the loop, idle for 10 ms, wakes cold
    // (machine.coldStart, up to 215 us): at most 10.3 ms a task, one after the other.
    expect(r.metrics.makespan).toBeGreaterThan(100 * 10 * MS);
    expect(r.metrics.makespan).toBeLessThan(100 * 10.3 * MS);
  });

  it("starts a created task in the next iteration and runs callbacks FIFO", () => {
    const r = run(
      {
        executor: { kind: "asyncio" },
        workload: { arrivals: { kind: "batch", count: 3 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
      },
      { trace: true },
    );
    const tasks = r.trace!.tasks.sort((a, b) => a.start - b.start);
    expect(tasks.map((t) => t.id)).toEqual([0, 1, 2]);
    // One iteration ran all three (gather): each started after the previous ended.
    for (let i = 1; i < tasks.length; i++) expect(tasks[i]!.start).toBeGreaterThanOrEqual(tasks[i - 1]!.end);
    expect(r.trace!.iterations.some((it) => it.callbacks === 3)).toBe(true);
  });

  it("limits concurrency with a FIFO semaphore", () => {
    const r = run(
      {
        executor: { kind: "asyncio" },
        workload: {
          arrivals: { kind: "batch", count: 20 },
          concurrency: 5,
          classes: [{ steps: [{ io: "10ms" }] }],
        },
      },
      { trace: true },
    );
    // 20 tasks, 5 at a time, 10 ms each: four waves.
    expect(r.metrics.makespan).toBeGreaterThan(40 * MS);
    expect(r.metrics.makespan).toBeLessThan(50 * MS);
    const order = r.trace!.tasks.sort((a, b) => a.end - b.end || a.id - b.id).map((t) => t.id);
    expect(order).toEqual([...Array(20).keys()]);
  });

  it("brings run_in_executor results back through the loop, two iterations after the pool finishes", () => {
    const r = run(
      {
        machine: { cores: 4 },
        executor: { kind: "asyncio", offload: { kind: "threads", workers: 4 } },
        workload: {
          arrivals: { kind: "batch", count: 4 },
          classes: [{ steps: [{ offload: [{ cpu: "20ms", gil: "release" }] }] }],
        },
      },
      { trace: true },
    );
    // Four GIL-releasing offloads run in parallel on four workers.
    expect(r.metrics.makespan).toBeGreaterThan(20 * MS);
    expect(r.metrics.makespan).toBeLessThan(23 * MS);
    const workers = r.trace!.threads.filter((t) => t.role === "worker");
    expect(workers.length).toBe(4);
  });

  it("measures loop lag when CPU work in a coroutine blocks the loop", () => {
    const lag = (cpu: string) =>
      run({
        executor: { kind: "asyncio" },
        workload: {
          arrivals: { kind: "poisson", rate: "50/s", count: 400 },
          classes: [{ steps: [{ cpu }, { io: "5ms" }] }],
        },
      }).metrics.loops[0]!.lag;
    const light = lag("100us");
    const heavy = lag("15ms");
    expect(light.p99).toBeLessThan(1 * MS);
    expect(heavy.p99).toBeGreaterThan(5 * MS);
    expect(heavy.mean).toBeGreaterThan(light.mean + 500 * US);
  });

  it("wakes for a request arriving on a socket as for a self-pipe write: threadsafeWakeup, not the process pool's ipcLatency", () => {
    // Both are a pipe written while the loop sleeps in epoll_wait. Measured alone on the 2-vCPU VM
    // (CPython 3.11), another process's write to the loop's reader callback takes 131 us median.
    const waits = (threadsafeWakeup: string, ipcLatency: string) => {
      const r = run(
        {
          machine: { cores: 2, idleWake: { max: "0us", tau: "1ms" } },
          runtime: { threadsafeWakeup, ipcLatency },
          executor: { kind: "asyncio" },
          workload: { arrivals: { kind: "fixed", rate: "100/s", count: 50 }, classes: [{ steps: [{ cpu: "20us" }] }] },
        },
        { trace: true },
      );
      // (The first arrives at 0, before the loop first sleeps in select.)
      return r.trace!.tasks.slice(1).map((t) => t.start - t.arrival);
    };
    for (const w of waits("300us", "1us")) {
      expect(w).toBeGreaterThanOrEqual(300 * US);
      expect(w).toBeLessThan(400 * US);
    }
    for (const w of waits("1us", "300us")) expect(w).toBeLessThan(100 * US);
  });
});
