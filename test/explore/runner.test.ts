// The sparkline's pool of workers: points go out as many at a time as there are workers, a newer
// run of one configuration stops its older points (terminating a worker busy on one) without
// losing another configuration's points, and every sweep settles.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FromWorker, ToWorker } from "../../src/explore/protocol.js";
import { keepPageScript, Runner, SWEEP_POOL, sweepPoolSize } from "../../src/explore/runner.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";

/** A stand-in for a Web Worker that answers only when the test tells it to. */
class FakeWorker {
  static all: FakeWorker[] = [];
  readonly inbox: ToWorker[] = [];
  terminated = false;
  private readonly listeners = new Map<string, Set<(e: MessageEvent<FromWorker>) => void>>();
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(m: ToWorker): void {
    if (this.terminated) throw new Error("posted to a terminated worker");
    this.inbox.push(m);
  }
  addEventListener(type: string, f: (e: MessageEvent<FromWorker>) => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(f);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, f: (e: MessageEvent<FromWorker>) => void): void {
    this.listeners.get(type)?.delete(f);
  }
  /** Fails as a worker whose script throws: its "error" listeners hear of it. */
  fail(): void {
    for (const f of [...(this.listeners.get("error") ?? [])]) f({} as MessageEvent<FromWorker>);
  }
  terminate(): void {
    this.terminated = true;
  }
  /** Answers the oldest message with a point whose p99 is 1000 x its worker count. */
  answer(): void {
    const m = this.inbox.shift();
    if (m?.kind !== "point") throw new Error("nothing to answer");
    for (const f of [...(this.listeners.get("message") ?? [])])
      f({
        data: { id: m.id, kind: "point", workers: m.workers, p99: 1000 * m.workers, throughput: 1 },
      } as MessageEvent<FromWorker>);
  }
}

const live = () => FakeWorker.all.filter((w) => !w.terminated);
const busy = () => live().filter((w) => w.inbox.length > 0);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("the sparkline's sweep workers", () => {
  const input = getPreset("threads-cpu");
  const scenario = parseScenario(input, "threads-cpu");

  beforeEach(() => {
    FakeWorker.all = [];
    vi.stubGlobal("Worker", FakeWorker);
    vi.stubGlobal("URL", { createObjectURL: () => "blob:page" });
    vi.stubGlobal("navigator", { hardwareConcurrency: 2 });
    keepPageScript("/* the page */");
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    keepPageScript(null);
  });

  it("runs one point per core the browser reports, at most SWEEP_POOL", () => {
    expect(sweepPoolSize(2)).toBe(2);
    expect(sweepPoolSize(64)).toBe(SWEEP_POOL);
    expect(sweepPoolSize(undefined)).toBe(1);
    expect(sweepPoolSize(0)).toBe(1);
  });

  it("keeps every worker busy and hands out the next count as one finishes", async () => {
    const runner = new Runner();
    const got: number[] = [];
    const done = runner.sweep("a", input, scenario, [1, 2, 4, 8], (p) => got.push(p.workers));
    expect(live()).toHaveLength(2);
    expect(busy()).toHaveLength(2);
    const [first, second] = live() as [FakeWorker, FakeWorker];
    second.answer();
    await settle();
    expect(got).toEqual([2]);
    expect(second.inbox).toHaveLength(1); // it took the next count at once
    first.answer();
    second.answer();
    await settle();
    (busy()[0] as FakeWorker).answer();
    expect(await done).toBe(true);
    expect(got.sort((x, y) => x - y)).toEqual([1, 2, 4, 8]);
  });

  it("a newer run stops the older points: the busy workers are terminated, the sweep settles, fresh workers start only when needed", async () => {
    const runner = new Runner();
    const got: number[] = [];
    const old = runner.sweep("a", input, scenario, [1, 2, 4, 8], (p) => got.push(p.workers));
    const before = live();
    runner.stopSweep("a");
    expect(before.every((w) => w.terminated)).toBe(true);
    expect(live()).toHaveLength(0); // nothing parses the page's script while the new run goes
    expect(await old).toBe(false);
    expect(got).toEqual([]);
    const next = runner.sweep("a", input, scenario, [1, 2], (p) => got.push(p.workers));
    expect(busy()).toHaveLength(2);
    for (const w of busy()) w.answer();
    expect(await next).toBe(true);
    expect(got.sort((x, y) => x - y)).toEqual([1, 2]);
  });

  it("a worker that fails loses its own point only: a fresh one takes the next, and the sweep says it is incomplete", async () => {
    const runner = new Runner();
    const got: number[] = [];
    const done = runner.sweep("a", input, scenario, [1, 2, 4], (p) => got.push(p.workers));
    const [first, second] = live() as [FakeWorker, FakeWorker];
    first.fail();
    expect(first.terminated).toBe(true);
    second.answer();
    await settle();
    for (const w of busy()) w.answer();
    expect(await done).toBe(false);
    expect(got).toHaveLength(2);
    expect(live()).toHaveLength(2);
  });

  it("stopping one configuration keeps the other's points", async () => {
    const runner = new Runner();
    const a: number[] = [];
    const b: number[] = [];
    const sweepA = runner.sweep("a", input, scenario, [1, 2], (p) => a.push(p.workers));
    const sweepB = runner.sweep("b", input, scenario, [16, 32], (p) => b.push(p.workers));
    runner.stopSweep("a"); // both workers were on a's points; b's now run on the fresh ones
    expect(await sweepA).toBe(false);
    for (const w of busy()) w.answer();
    await settle();
    expect(await sweepB).toBe(true);
    expect(b.sort((x, y) => x - y)).toEqual([16, 32]);
    expect(a).toEqual([]);
  });

  it("without workers it runs the points on the page's thread", async () => {
    vi.stubGlobal("Worker", undefined);
    const runner = new Runner();
    const got: number[] = [];
    expect(await runner.sweep("a", input, scenario, [1, 2], (p) => got.push(p.workers))).toBe(true);
    expect(got).toEqual([1, 2]);
  });
});
