import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANCELLED, EventQueue } from "../../src/engine/queue.js";

type Op =
  | { kind: "push"; time: number; priority: number; handler: number; arg: number }
  | { kind: "pop" }
  | { kind: "cancel"; which: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      // Few distinct times and priorities, so ties are common.
      time: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.nat({ max: 2 ** 53 - 1 })),
      priority: fc.integer({ min: -3, max: 3 }),
      handler: fc.nat({ max: 1000 }),
      arg: fc.double({ noNaN: true }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "pop" as const }) },
  // Cancels the which-th id handed out so far (pending, already popped, or already cancelled).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), which: fc.nat({ max: 400 }) }) },
);

interface Entry {
  id?: number;
  time: number;
  priority: number;
  seq: number;
  handler: number;
  arg: number;
}

const before = (a: Entry, b: Entry): boolean =>
  a.time !== b.time ? a.time < b.time : a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;

/** Pops the least entry from a plain list: the order the heap must reproduce. */
function popLeast(list: Entry[]): Entry | undefined {
  let best = -1;
  list.forEach((e, i) => {
    if (best < 0 || before(e, list[best]!)) best = i;
  });
  return best < 0 ? undefined : list.splice(best, 1)[0];
}

function slotEntry(q: EventQueue, slot: number): Entry {
  return {
    time: q.timeOf(slot),
    priority: q.priorityOf(slot),
    seq: q.seqOf(slot),
    handler: q.handlerOf(slot),
    arg: q.argOf(slot),
  };
}

describe("EventQueue", () => {
  it("pops in (time, priority, insertion) order for any pushes, pops and cancels; a cancelled event pops as CANCELLED", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (ops, capacity) => {
        const q = new EventQueue(capacity);
        const model: Entry[] = [];
        const ids: number[] = [];
        let seq = 0;
        const popExpected = (): void => {
          const expected = popLeast(model);
          const slot = q.pop();
          if (expected === undefined) expect(slot).toBe(-1);
          else {
            const { id: _, ...fields } = expected;
            expect(slotEntry(q, slot)).toEqual(fields);
          }
        };
        for (const op of ops) {
          if (op.kind === "push") {
            const id = q.push(op.time, op.priority, op.handler, op.arg);
            expect(ids).not.toContain(id);
            ids.push(id);
            model.push({ id, time: op.time, priority: op.priority, seq: seq++, handler: op.handler, arg: op.arg });
          } else if (op.kind === "pop") {
            popExpected();
          } else if (ids.length > 0) {
            const id = ids[op.which % ids.length]!;
            const entry = model.find((e) => e.id === id && e.handler !== CANCELLED);
            expect(q.cancel(id)).toBe(entry !== undefined);
            if (entry) entry.handler = CANCELLED;
          }
          expect(q.size).toBe(model.length);
          expect(q.inserted).toBe(seq);
          const least = [...model].sort((a, b) => (before(a, b) ? -1 : 1))[0];
          expect(q.peekTime()).toBe(least ? least.time : Number.POSITIVE_INFINITY);
          const { id: _, ...leastFields } = least ?? {};
          expect(q.peekSlot() < 0 ? undefined : slotEntry(q, q.peekSlot())).toEqual(least ? leastFields : undefined);
          expect(q.pendingIds().sort((a, b) => a - b)).toEqual(
            model
              .filter((e) => e.handler !== CANCELLED)
              .map((e) => e.id)
              .sort((a, b) => a! - b!),
          );
        }
        // Draining gives the model's full order.
        while (model.length > 0) popExpected();
        expect(q.pop()).toBe(-1);
        // No id handed out names an event any more.
        for (const id of ids) expect(q.cancel(id)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("an id names one event for good: after its slot is reused, cancelling the old id does nothing", () => {
    const q = new EventQueue(16);
    const first = q.push(1, 0, 7, 0);
    expect(q.handlerOf(q.pop())).toBe(7);
    const second = q.push(2, 0, 8, 0);
    expect(second).not.toBe(first);
    expect(q.cancel(first)).toBe(false);
    expect(q.handlerOf(q.pop())).toBe(8);
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53, 1e300]) expect(q.cancel(bad)).toBe(false);
  });

  it("grows past its initial capacity without losing or reordering events", () => {
    const q = new EventQueue(16);
    const n = 10_000;
    // Times in a scrambled order (a permutation by a multiplier coprime with n).
    for (let i = 0; i < n; i++) q.push((i * 7919) % n, 0, i, i + 0.5);
    expect(q.size).toBe(n);
    for (let t = 0; t < n; t++) {
      const slot = q.pop();
      expect(q.timeOf(slot)).toBe(t);
      expect(q.argOf(slot)).toBe(q.handlerOf(slot) + 0.5);
    }
  });

  it("pop() keeps the popped event's fields readable until the next push", () => {
    const q = new EventQueue();
    q.push(5, 1, 2, 3.25);
    const slot = q.pop();
    expect(q.size).toBe(0);
    expect(slotEntry(q, slot)).toEqual({ time: 5, priority: 1, seq: 0, handler: 2, arg: 3.25 });
  });

  it("an empty queue pops -1, peeks Infinity and has no pending ids", () => {
    const q = new EventQueue();
    expect(q.pop()).toBe(-1);
    expect(q.peekSlot()).toBe(-1);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(q.pendingIds()).toEqual([]);
  });

  it("clear() empties the queue; insertion numbers keep counting and old ids name nothing", () => {
    const q = new EventQueue();
    const a = q.push(1, 0, 0, 0);
    const b = q.push(2, 0, 0, 0);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(-1);
    q.push(3, 0, 0, 0);
    expect(q.inserted).toBe(3);
    expect(q.cancel(a)).toBe(false);
    expect(q.cancel(b)).toBe(false);
    expect(q.timeOf(q.pop())).toBe(3);
  });
});
