import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fifo } from "../../src/model/fifo.js";

describe("Fifo", () => {
  it("shifts in push order and removes from anywhere, like a plain array, across compactions", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("push" as const), n: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ kind: fc.constant("shift" as const), n: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ kind: fc.constant("remove" as const), n: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const fifo = new Fifo<number>();
        const model: number[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.kind === "push") {
            for (let i = 0; i < o.n; i++) {
              fifo.push(next);
              model.push(next++);
            }
          } else if (o.kind === "shift") {
            for (let i = 0; i < o.n; i++) {
              // expect() only on a mismatch: millions of calls to it made this test take 14 s.
              const got = fifo.shift();
              const want = model.shift();
              if (got !== want) expect(got).toBe(want);
            }
          } else {
            const target = model.length > 0 ? (model[o.n % model.length] as number) : -1;
            const at = model.indexOf(target);
            if (at >= 0) model.splice(at, 1);
            expect(fifo.remove(target)).toBe(at >= 0);
          }
          expect(fifo.size).toBe(model.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
