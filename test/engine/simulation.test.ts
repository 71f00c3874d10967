import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/engine/simulation.js";

/**
 * A plan of events. Event i is scheduled at the start (parent -1) or when event `parent` < i
 * runs, `delay` ns later with `priority`; when it runs it may cancel event `cancels`. Within a
 * parent, children are scheduled in index order.
 */
interface PlannedEvent {
  parent: number;
  delay: number;
  priority: number;
  cancels: number;
  /** Schedule with `at(now + delay)` instead of `schedule(delay)`. */
  absolute: boolean;
}

/** Extra events that do nothing: scheduled by `parent` (or at the start) before its child number `before`. */
interface NoOp {
  parent: number;
  before: number;
  delay: number;
  priority: number;
}

interface Fired {
  event: number;
  time: number;
}

const eventArb = (i: number): fc.Arbitrary<PlannedEvent> =>
  fc.record({
    parent: fc.integer({ min: -1, max: i - 1 }),
    delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6 })),
    priority: fc.integer({ min: -2, max: 2 }),
    cancels: fc.oneof(fc.constant(-1), fc.integer({ min: -1, max: 40 })),
    absolute: fc.boolean(),
  });

const planArb: fc.Arbitrary<PlannedEvent[]> = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => eventArb(i))));

const noOpsArb = (n: number): fc.Arbitrary<NoOp[]> =>
  fc.array(
    fc.record({
      parent: fc.integer({ min: -1, max: n - 1 }),
      before: fc.integer({ min: 0, max: 5 }),
      delay: fc.integer({ min: 0, max: 6 }),
      priority: fc.integer({ min: -2, max: 2 }),
    }),
    { maxLength: 20 },
  );

function childrenOf(plan: readonly PlannedEvent[], parent: number): number[] {
  const out: number[] = [];
  plan.forEach((e, i) => {
    if (e.parent === parent) out.push(i);
  });
  return out;
}

/**
 * The documented semantics, written as plainly as possible: a list of pending events; the next
 * one is the least by (time, priority, scheduling order); cancelling removes a pending event.
 */
function reference(plan: readonly PlannedEvent[]): Fired[] {
  interface Pending {
    event: number;
    time: number;
    priority: number;
    order: number;
  }
  let pending: Pending[] = [];
  const scheduled = new Set<number>();
  let order = 0;
  let now = 0;
  const fired: Fired[] = [];
  const scheduleChildren = (parent: number): void => {
    for (const c of childrenOf(plan, parent)) {
      const e = plan[c]!;
      pending.push({ event: c, time: now + e.delay, priority: e.priority, order: order++ });
      scheduled.add(c);
    }
  };
  scheduleChildren(-1);
  while (pending.length > 0) {
    let best = pending[0]!;
    for (const p of pending) {
      if (
        p.time < best.time ||
        (p.time === best.time && (p.priority < best.priority || (p.priority === best.priority && p.order < best.order)))
      ) {
        best = p;
      }
    }
    pending = pending.filter((p) => p !== best);
    now = best.time;
    fired.push({ event: best.event, time: now });
    const target = plan[best.event]!.cancels;
    if (target >= 0 && scheduled.has(target)) pending = pending.filter((p) => p.event !== target);
    scheduleChildren(best.event);
  }
  return fired;
}

/** Loads the plan into `sim` (scheduling its first events); `fired` fills in as `sim` runs. */
function loadPlan(
  plan: readonly PlannedEvent[],
  noOps: readonly NoOp[],
  sim: Simulation,
): { fired: Fired[]; clockWentBack: () => boolean } {
  const fired: Fired[] = [];
  const ids = new Map<number, number>();
  let wentBack = false;
  let last = sim.now;
  const noOp = sim.register(() => {
    if (sim.now < last) wentBack = true;
    last = sim.now;
  });
  const scheduleChildren = (parent: number): void => {
    const children = childrenOf(plan, parent);
    const extras = noOps.filter((x) => x.parent === parent);
    for (let k = 0; k <= children.length; k++) {
      for (const x of extras) if (Math.min(x.before, children.length) === k) sim.schedule(x.delay, noOp, 0, x.priority);
      const c = children[k];
      if (c === undefined) continue;
      const e = plan[c]!;
      ids.set(
        c,
        e.absolute ? sim.at(sim.now + e.delay, handler, c, e.priority) : sim.schedule(e.delay, handler, c, e.priority),
      );
    }
  };
  const handler = sim.register((arg) => {
    if (sim.now < last) wentBack = true;
    last = sim.now;
    fired.push({ event: arg, time: sim.now });
    const target = plan[arg]!.cancels;
    const id = ids.get(target);
    if (id !== undefined) sim.cancel(id);
    scheduleChildren(arg);
  });
  scheduleChildren(-1);
  return { fired, clockWentBack: () => wentBack };
}

/** Runs the plan on a fresh engine, with optional no-op events, and returns what fired (no-ops left out). */
function runPlan(plan: readonly PlannedEvent[], noOps: readonly NoOp[] = []): Fired[] {
  const sim = new Simulation();
  const run = loadPlan(plan, noOps, sim);
  sim.run();
  expect(run.clockWentBack()).toBe(false);
  return run.fired;
}

describe("Simulation ordering", () => {
  it("run() fires events in (time, priority, scheduling order), as the plain reference does", () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(runPlan(plan)).toEqual(reference(plan));
      }),
      { numRuns: 300 },
    );
  });

  it("equal-time events run by priority, then in the order they were scheduled", () => {
    const sim = new Simulation();
    const order: string[] = [];
    const h = (name: string): number => sim.register(() => order.push(name));
    sim.schedule(5, h("b0"), 0, 1);
    sim.schedule(5, h("a0"), 0, 0);
    sim.schedule(5, h("a1"), 0, 0);
    sim.schedule(5, h("c-1"), 0, -1);
    sim.schedule(4, h("early"), 0, 9);
    sim.at(5, h("a2"), 0, 0);
    sim.run();
    expect(order).toEqual(["early", "c-1", "a0", "a1", "a2", "b0"]);
  });

  it("adding events that do nothing never changes the order or times of the others", () => {
    fc.assert(
      fc.property(
        planArb.chain((plan) => fc.tuple(fc.constant(plan), noOpsArb(plan.length))),
        ([plan, noOps]) => {
          expect(runPlan(plan, noOps)).toEqual(runPlan(plan));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the clock never goes back and each handler sees the time it was scheduled for", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e9 }), { minLength: 1, maxLength: 200 }), (delays) => {
        const sim = new Simulation();
        const seen: number[] = [];
        const h = sim.register((due) => {
          expect(sim.now).toBe(due);
          seen.push(sim.now);
        });
        for (const d of delays) sim.schedule(d, h, d);
        sim.run();
        expect(seen).toEqual([...delays].sort((a, b) => a - b));
        expect(sim.now).toBe(Math.max(...delays));
        expect(sim.eventsProcessed).toBe(delays.length);
      }),
    );
  });
});

describe("Simulation.cancel", () => {
  it("cancel(id) stops a pending event; the others still run in order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 20 }), fc.boolean()), { minLength: 1, maxLength: 60 }), (events) => {
        const sim = new Simulation();
        const fired: number[] = [];
        const h = sim.register((i) => fired.push(i));
        const ids = events.map(([delay], i) => sim.schedule(delay, h, i));
        events.forEach(([, cancel], i) => {
          if (cancel) sim.cancel(ids[i]!);
        });
        sim.run();
        const expected = events
          .map(([delay, cancel], i) => ({ delay, cancel, i }))
          .filter((e) => !e.cancel)
          .sort((a, b) => a.delay - b.delay || a.i - b.i)
          .map((e) => e.i);
        expect(fired).toEqual(expected);
        expect(sim.eventsProcessed).toBe(expected.length);
      }),
    );
  });

  it("cancel of an event that already ran, twice, or of an unknown id does nothing", () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const h = sim.register((i) => fired.push(i));
    const first = sim.schedule(1, h, 1);
    sim.run();
    sim.cancel(first);
    const second = sim.schedule(1, h, 2);
    sim.cancel(second);
    sim.cancel(second);
    for (const bad of [-1, 1e9, 0.5, Number.NaN]) sim.cancel(bad);
    sim.schedule(2, h, 3);
    sim.run();
    expect(fired).toEqual([1, 3]);
  });

  it("cancel keeps working after many cancels of events that already ran", () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const far = sim.register((i) => fired.push(i));
    const farIds = Array.from({ length: 100 }, (_, i) => sim.schedule(1_000_000 + i, far, i));
    for (let i = 0; i < 100; i += 2) sim.cancel(farIds[i]!);
    // 10,000 short events, each cancelling itself after it ran: stale ids pile up and are swept.
    let previous = -1;
    const tick = sim.register(() => {
      if (previous >= 0) sim.cancel(previous);
      if (sim.eventsProcessed < 10_000) previous = sim.schedule(1, tick);
    });
    previous = sim.schedule(0, tick);
    sim.run();
    expect(fired).toEqual(Array.from({ length: 50 }, (_, k) => 2 * k + 1));
  });

  it("run(until) does not run an event past `until` when a cancelled event is next", () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const h = sim.register((i) => fired.push(i));
    const early = sim.schedule(5, h, 1);
    sim.schedule(20, h, 2);
    sim.cancel(early);
    expect(sim.peek()).toBe(20);
    sim.run(10);
    expect(fired).toEqual([]);
    expect(sim.now).toBe(10);
    sim.run();
    expect(fired).toEqual([2]);
  });
});

describe("Simulation.run and step", () => {
  it("run(until) runs events at `until`, leaves later ones and sets the clock to `until`", () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const h = sim.register((t) => fired.push(t));
    for (const t of [3, 10, 11, 50]) sim.at(t, h, t);
    sim.run(10);
    expect(fired).toEqual([3, 10]);
    expect(sim.now).toBe(10);
    expect(sim.pending).toBe(2);
    expect(sim.peek()).toBe(11);
    sim.run(30);
    expect(sim.now).toBe(30);
    sim.schedule(5, h, 35);
    sim.run();
    expect(fired).toEqual([3, 10, 11, 35, 50]);
    expect(sim.now).toBe(50);
  });

  it("step() handles exactly one event and returns false when none is left", () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const h = sim.register((i) => fired.push(i));
    sim.schedule(2, h, 1);
    sim.schedule(2, h, 2);
    expect(sim.step()).toBe(true);
    expect(fired).toEqual([1]);
    expect(sim.now).toBe(2);
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
    expect(sim.peek()).toBe(Number.POSITIVE_INFINITY);
    expect(sim.eventsProcessed).toBe(2);
  });

  it("schedule and at reject a negative or NaN delay and a time in the past", () => {
    const sim = new Simulation();
    const h = sim.register(() => {});
    expect(() => sim.schedule(-1, h)).toThrow(
      new RangeError("invalid delay: -1 (expected a duration of at least 0 ns)"),
    );
    expect(() => sim.schedule(Number.NaN, h)).toThrow(
      new RangeError("invalid delay: NaN (expected a duration of at least 0 ns)"),
    );
    sim.run(10);
    expect(() => sim.at(5, h)).toThrow(new RangeError("invalid time: 5 (the clock is at 10)"));
    expect(() => sim.at(10, h)).not.toThrow();
  });
});

describe("Simulation independence", () => {
  it("two simulations stepped alternately give the same results as each run alone", () => {
    fc.assert(
      fc.property(planArb, planArb, (planA, planB) => {
        const a = new Simulation();
        const b = new Simulation();
        const runA = loadPlan(planA, [], a);
        const runB = loadPlan(planB, [], b);
        let more = true;
        while (more) {
          const stepped = a.step();
          more = b.step() || stepped;
        }
        expect(runA.fired).toEqual(runPlan(planA));
        expect(runB.fired).toEqual(runPlan(planB));
        expect(runA.clockWentBack() || runB.clockWentBack()).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it("random streams of two simulations with the same seed agree however their draws interleave", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.boolean(), { maxLength: 200 }), (seed, pattern) => {
        const a = new Simulation({ seed });
        const b = new Simulation({ seed });
        const fromA: number[] = [];
        const fromB: number[] = [];
        for (const useA of pattern) (useA ? fromA : fromB).push((useA ? a : b).random("work").nextUint32());
        const n = Math.min(fromA.length, fromB.length);
        expect(fromA.slice(0, n)).toEqual(fromB.slice(0, n));
        expect(a.random("work")).toBe(a.random("work"));
        expect(a.random("work")).not.toBe(b.random("work"));
      }),
    );
  });
});
