/*
 * The machinery behind the recorded random scenarios (data/validation/random), checked on every
 * run whatever the model's accuracy: the sets are what the generator draws, every record parses and
 * measured every planned task, and re-simulating a record gives the same bytes twice.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planTasks } from "../../src/model/plan.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { evaluateRecord, profileSource } from "../../src/validate/errors.js";
import { RANDOM_DATA_DIR, RANDOM_SETS, type RandomRecord, readSet, recordRuns } from "../../src/validate/record.js";
import { drawScenario, GENERATOR_VERSION, RANDOM_VERSIONS, scenarioId } from "../../src/validate/space.js";

// Drawing a scenario parses it some fifty times (capacity.ts sizes it by bisection): on a loaded
// 2-core machine the hundred draws take minutes, so these tests get a generous time limit.
const SLOW = { timeout: 600_000 };

const sets = Object.entries(RANDOM_SETS).map(([name, s]) => ({
  name,
  ...s,
  records: readSet(RANDOM_DATA_DIR, s.seed),
}));

describe("recorded random scenarios (data/validation/random)", () => {
  test("the development set is the first 40 scenarios of seed 1, the held-out set the first 60 of seed 2", () => {
    for (const set of sets) {
      const ids = [...set.records.keys()].sort();
      expect(ids, set.name).toEqual(Array.from({ length: set.count }, (_, i) => scenarioId(set.seed, i)));
    }
  });

  test("every record holds exactly the scenario the generator draws for its id", SLOW, () => {
    for (const set of sets) {
      for (const rec of set.records.values()) {
        const drawn = drawScenario(rec.seed, rec.index);
        expect(rec.generator).toBe(GENERATOR_VERSION);
        expect(rec.input, rec.id).toEqual(drawn.input);
        expect(rec.drawn.family).toBe(drawn.family);
      }
    }
  });

  test(
    "every record parses, has 3 real runs in its version's interpreter, and each run measured every planned task",
    SLOW,
    () => {
      for (const set of sets) {
        for (const rec of set.records.values()) {
          const s = parseScenario(rec.input, rec.id);
          const planned = planTasks(s).map((t) => t.id);
          expect(rec.runs.length, rec.id).toBeGreaterThanOrEqual(3);
          expect(rec.python.version.startsWith(`${s.runtime.python}.`), rec.id).toBe(true);
          for (const run of recordRuns(rec)) {
            expect(run.trace.tasks.map((t) => t.id)).toEqual(planned);
            for (const t of run.trace.tasks) {
              expect(t.start).toBeGreaterThanOrEqual(t.arrival);
              expect(t.end).toBeGreaterThanOrEqual(t.start);
            }
          }
        }
      }
    },
  );

  test("every record states its machine, its load, its interpreter, its date and how it was scheduled", () => {
    for (const set of sets) {
      for (const rec of set.records.values()) {
        expect(rec.machine.cores).toBeGreaterThanOrEqual(2);
        expect(rec.machine.platform).toBe("linux");
        expect(rec.load.before).toHaveLength(3);
        expect(rec.load.after).toHaveLength(3);
        expect(Number.isNaN(Date.parse(rec.recorded))).toBe(false);
        expect(rec.policy).toBe("SCHED_OTHER");
        expect(rec.priority).toBe(20);
        for (const run of rec.runs)
          expect(run.busyBefore === null || (run.busyBefore >= 0 && run.busyBefore <= 1)).toBe(true);
      }
    }
  });

  test("every record carries its session's machine profile: same interpreter, measured quiet, minutes before", () => {
    for (const set of sets) {
      for (const rec of set.records.values()) {
        const profile = rec.profile;
        expect(profile, rec.id).toBeDefined();
        expect(profile?.python, rec.id).toBe(rec.python.version);
        expect(profile?.measured["machine-load"]?.note ?? "", rec.id).not.toContain("BUSY");
        // Measured in the same session, before the record's runs, and not long before them.
        const lead = Date.parse(rec.recorded) - Date.parse(profile?.created ?? "");
        expect(lead, rec.id).toBeGreaterThan(0);
        expect(lead, rec.id).toBeLessThan(30 * 60_000);
      }
    }
  });

  test("the held-out set spans every version of the space, at least three", () => {
    const held = sets.find((s) => s.name === "heldOut");
    const versions = new Set([...(held?.records.values() ?? [])].map((r) => String(r.input.runtime?.python)));
    expect(versions.size).toBeGreaterThanOrEqual(3);
    expect([...versions].sort()).toEqual([...RANDOM_VERSIONS].sort());
  });

  test("re-simulating a record is byte-identical run to run, with both parameter sets", SLOW, () => {
    const source = profileSource();
    for (const set of sets) {
      // One record of each executor family in each set.
      const firsts = new Map<string, RandomRecord>();
      for (const rec of set.records.values()) if (!firsts.has(rec.drawn.family)) firsts.set(rec.drawn.family, rec);
      expect(firsts.size).toBe(6);
      for (const rec of firsts.values()) {
        const a = JSON.stringify(evaluateRecord(rec, source));
        const b = JSON.stringify(evaluateRecord(rec, profileSource()));
        expect(a, rec.id).toBe(b);
      }
    }
  });

  test("the recordings stay compact: under 20 MB in all", () => {
    let bytes = 0;
    for (const set of sets) {
      const dir = join(RANDOM_DATA_DIR, `seed-${set.seed}`);
      for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size;
    }
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(20 * 1024 * 1024);
  });
});
