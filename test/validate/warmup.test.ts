/*
 * The warm-up decomposition of the held-out set's latency error (src/validate/warmup.ts), which
 * the README and docs/validation.md quote: counted from every task it must be the error `gilsim
 * validate` reports for the same record, and the figures quoted must be what the recorded runs
 * and the current model give.
 */
import { describe, expect, test } from "vitest";
import { evaluateRecord, profileSource } from "../../src/validate/errors.js";
import { RANDOM_DATA_DIR, RANDOM_SETS, readSet } from "../../src/validate/record.js";
import { hasProcessPool, meanOf, WARMUP_KEYS, type WarmupRow, warmupErrors } from "../../src/validate/warmup.js";

const WARMUP_NS = 300e6;
const records = [...readSet(RANDOM_DATA_DIR, RANDOM_SETS.heldOut.seed).values()];
let rows: WarmupRow[] | null = null;
function heldOut(): WarmupRow[] {
  rows ??= warmupErrors(records, WARMUP_NS);
  return rows;
}
const p99 = WARMUP_KEYS.indexOf("latency.p99");

describe("the held-out set's error without each run's start", () => {
  test("batches are left out (nothing arrives after a warm-up); every other record is in", { timeout: 300_000 }, () => {
    const open = records.filter((r) => r.drawn.arrivals !== "batch");
    expect(open.length).toBeLessThan(records.length);
    expect(heldOut().map((r) => r.id)).toEqual(open.map((r) => r.id));
  });

  test("counted from every task, the errors are validate's own", { timeout: 300_000 }, () => {
    const source = profileSource();
    for (const row of heldOut().slice(0, 12)) {
      const rec = records.find((r) => r.id === row.id);
      if (!rec) throw new Error(`${row.id}: not in the set`);
      const own = evaluateRecord(rec, source).errors.profile;
      for (const [k, key] of WARMUP_KEYS.entries()) {
        expect(row.all[k], `${row.id} ${key}`).toBeCloseTo(own.find((e) => e.key === key)?.error ?? Number.NaN, 12);
      }
    }
  });

  test("the mean signed p99 quoted in the README: -4.0% -> +0.2% (process pools -6.8% -> +8.8%, the others -3.1% -> -2.6%)", {
    timeout: 300_000,
  }, () => {
    const mean = (sel: WarmupRow[], warm: boolean) => meanOf(sel.map((r) => (warm ? r.warm : r.all)[p99] as number));
    const pools = heldOut().filter(hasProcessPool);
    const others = heldOut().filter((r) => !hasProcessPool(r));
    expect(pools).toHaveLength(12);
    expect(mean(heldOut(), false)).toBeCloseTo(-0.04, 3);
    expect(mean(heldOut(), true)).toBeCloseTo(0.0022, 3);
    expect(mean(pools, false)).toBeCloseTo(-0.0684, 3);
    expect(mean(pools, true)).toBeCloseTo(0.0877, 3);
    expect(mean(others, false)).toBeCloseTo(-0.0308, 3);
    expect(mean(others, true)).toBeCloseTo(-0.0255, 3);
  });
});
