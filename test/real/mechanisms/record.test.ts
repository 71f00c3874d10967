import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { interpretersPresent, minorOf, resolveInterpreters } from "../../../src/real/mechanisms/interpreters.js";
import { busyReasons, NOISY_SHARE } from "../../../src/real/mechanisms/load.js";
import {
  isWide,
  type MechanismRecording,
  mergeRecordings,
  readRecording,
  recordMechanisms,
  summarizeFigure,
} from "../../../src/real/mechanisms/record.js";
import { MECHANISMS } from "../../../src/real/mechanisms/registry.js";
import { findPython } from "../../../src/real/python.js";
import { runScript, scriptPath } from "../../../src/real/script.js";
import { tempDir } from "../../temp.js";

/*
 * The experiments in real CPython, scaled down to a few hundred milliseconds each. They assert
 * behaviour that holds however busy the machine is (the figures each experiment reports, sleeps
 * never early, shares between 0 and 1, the server served requests), never speeds.
 */

const TINY = 0.02;

describe("mechanisms.py in CPython, scaled down", () => {
  let trials: { id: string; figures: Record<string, number | null> }[] = [];

  beforeAll(async () => {
    const run = await runScript(
      "python3",
      scriptPath("mechanisms.py"),
      { format: 1, scale: TINY, repeats: 1, only: null },
      { label: "mechanism suite", timeoutMs: 240_000, handleSignals: false },
    );
    trials = run.records.filter((r) => r.type === "trial") as unknown as typeof trials;
  }, 300_000);

  test("every experiment reports exactly the figures the registry declares", () => {
    expect(trials.map((t) => t.id)).toEqual(MECHANISMS.map((e) => e.id));
    for (const e of MECHANISMS) {
      const t = trials.find((x) => x.id === e.id);
      expect(Object.keys(t?.figures ?? {}).sort(), e.id).toEqual(e.figures.map((f) => f.key).sort());
    }
  });

  const figures = (id: string) => trials.find((t) => t.id === id)?.figures ?? {};
  const values = (id: string, prefix: string) =>
    Object.entries(figures(id))
      .filter(([k, v]) => k.startsWith(prefix) && v !== null)
      .map(([, v]) => v as number);

  test("shares lie in [0, 1], times and rates are positive, and each GIL slice is a run of the clock", () => {
    for (const e of MECHANISMS) {
      for (const f of e.figures) {
        const v = figures(e.id)[f.key];
        if (v === null || v === undefined) continue;
        if (f.unit === "share") {
          expect(v, `${e.id}/${f.key}`).toBeGreaterThanOrEqual(0);
          expect(v, `${e.id}/${f.key}`).toBeLessThanOrEqual(1);
        } else if (f.key !== "iteration") {
          // the iteration cost is a difference of two timings; it may come out negative when tiny
          expect(v, `${e.id}/${f.key}`).toBeGreaterThanOrEqual(0);
        }
      }
    }
    for (const n of [2, 3, 4, 6]) expect(figures("gil-threads")[`switches.n${n}`]).toBeGreaterThanOrEqual(0);
  });

  test("sleeps are never early: time.sleep(1 ms) overshoots by >= 0, await asyncio.sleep(1 ms) takes >= 1 ms", () => {
    expect(figures("sleeps")["overshoot-1ms"]).toBeGreaterThanOrEqual(0);
    expect(figures("asyncio-beside-cpu")["solo.sleep1ms"]).toBeGreaterThanOrEqual(1e6);
    expect(figures("asyncio-beside-cpu")["busy.sleep1ms"]).toBeGreaterThanOrEqual(1e6);
  });

  test("the echo server served the client in every configuration", () => {
    const rps = values("sockets", "rps.");
    expect(rps).toHaveLength(12);
    for (const r of rps) expect(r).toBeGreaterThan(0);
  });

  test("every process start method gave a first result", () => {
    expect(values("process-start", "first.")).toHaveLength(3);
  });
});

describe("mergeRecordings", () => {
  const recording = (version: string, date: string, ids: string[], flags: string[]): MechanismRecording => ({
    format: 1,
    python: {
      version,
      minor: version.split(".").slice(0, 2).join("."),
      implementation: "cpython",
      executable: `/py/${date}`,
      build: {},
      startMethod: "fork",
    },
    machine: { cores: 2, platform: "linux", cpu: null, kernel: null },
    date,
    settings: { repeats: 5, scale: 1, priority: 20, nice: -20, policy: "other" },
    load: { before: null, after: null, during: null, busy: false, reasons: [], rule: "busy: test" },
    experiments: Object.fromEntries(
      ids.map((id) => [
        id,
        {
          id,
          trials: [],
          figures: { x: { median: date.length, min: 0, max: 0, q1: 0, q3: 0, n: 1, values: [] } },
          flags: flags.filter((f) => f.startsWith(`${id}:`)),
        },
      ]),
    ),
    flags,
  });

  test("replaces the experiments recorded again, keeps the others and their flags, marks when each new one was recorded", () => {
    const old = recording("3.11.7", "old", ["gil-threads", "sleeps", "sockets"], ["sleeps: wide", "sockets: wide"]);
    const fresh = recording("3.11.7", "fresh-date", ["sleeps", "idle-arrival"], ["idle-arrival: noisy"]);
    const merged = mergeRecordings(old, fresh);
    expect(Object.keys(merged.experiments)).toEqual(["gil-threads", "sockets", "sleeps", "idle-arrival"]);
    expect(merged.experiments["gil-threads"]).toEqual(old.experiments["gil-threads"]);
    expect(merged.experiments.sleeps?.figures.x?.median).toBe("fresh-date".length);
    expect(merged.experiments.sleeps?.recorded?.date).toBe("fresh-date");
    expect(merged.experiments["gil-threads"]?.recorded).toBeUndefined();
    expect(merged.flags).toEqual(["sockets: wide", "idle-arrival: noisy"]);
    expect(merged.date).toBe("old");
  });

  test("readRecording gives a recording of this format back, and null for another format", () => {
    const dir = tempDir("gilsim-rec-");
    const rec = recording("3.11.7", "d", ["sleeps"], []);
    writeFileSync(join(dir, "a.json"), JSON.stringify(rec));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ ...rec, format: 2 }));
    expect(readRecording(join(dir, "a.json"))).toEqual(rec);
    expect(readRecording(join(dir, "b.json"))).toBeNull();
  });

  test("refuses to merge recordings of two interpreter versions", () => {
    const old = recording("3.11.7", "old", ["sleeps"], []);
    expect(() => mergeRecordings(old, recording("3.11.9", "new", ["sleeps"], []))).toThrow(/3\.11\.9.*3\.11\.7/);
  });
});

describe("pipe_arrivals (idle-arrival, calibrate's cold-start)", () => {
  const run = (gaps: string) =>
    spawnSync(
      "python3",
      [
        "-c",
        `import sys; sys.path.insert(0, ${JSON.stringify(dirname(scriptPath("mechanisms.py")))}); import mechanisms; print(len(mechanisms.pipe_arrivals(${gaps})))`,
      ],
      { encoding: "utf8", timeout: 60_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
    );

  test("reads one request per gap the sender slept", () => {
    const r = run("[300, 300, 1000]");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("3");
  });

  test("says the sender ended early when it dies before its last record, instead of reading an empty pipe forever", () => {
    const r = run("[300, 'not a gap']");
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/RuntimeError: the pipe_arrivals sender process ended early \(exit status 1\)/);
  });
});

describe("recordMechanisms", () => {
  afterEach(() => {
    delete process.env.GILSIM_ASSUME_BUSY;
  });

  test("a recording has the machine, its load, the interpreter and every figure summarized", async () => {
    const python = await findPython();
    const rec = await recordMechanisms(python, {
      repeats: 3,
      scale: TINY,
      only: ["sleeps", "thread-pool"],
      retryRounds: 0,
      handleSignals: false,
    });
    expect(rec.format).toBe(1);
    expect(rec.python.minor).toBe(minorOf(python));
    expect(rec.python.build).toHaveProperty("compiler");
    expect(rec.machine.cores).toBeGreaterThanOrEqual(1);
    expect(rec.load.rule).toMatch(/^busy: /);
    expect(Object.keys(rec.experiments)).toEqual(["sleeps", "thread-pool"]);
    const zero = rec.experiments.sleeps?.figures.zero;
    expect(zero?.n).toBe(3);
    expect(zero?.min).toBeLessThanOrEqual(zero?.median ?? Number.NaN);
    expect(zero?.max).toBeGreaterThanOrEqual(zero?.median ?? Number.NaN);
    expect(rec.experiments["thread-pool"]?.trials).toHaveLength(3);
  }, 120_000);

  test("noisy trials run again, and what stays noisy is kept and flagged as busy", async () => {
    process.env.GILSIM_ASSUME_BUSY = "1";
    const rec: MechanismRecording = await recordMechanisms(await findPython(), {
      repeats: 2,
      scale: TINY,
      only: ["sleeps"],
      handleSignals: false,
    });
    const trials = rec.experiments.sleeps?.trials ?? [];
    // 2 in the first pass, then 2 more in each of the 2 retry rounds
    expect(trials.map((t) => t.round)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(trials.every((t) => t.noisy && t.used)).toBe(true);
    expect(rec.experiments.sleeps?.flags[0]).toMatch(/^busy: only 0 of 6 trials ran while the machine was quiet/);
    expect(rec.load.busy).toBe(true);
    expect(rec.flags[0]).toMatch(/^sleeps: busy: /);
  }, 120_000);

  test("rejects bad options naming them", async () => {
    const python = await findPython();
    await expect(recordMechanisms(python, { repeats: 0 })).rejects.toThrow(
      "invalid repeats: 0 (expected an integer from 1 to 50)",
    );
    await expect(recordMechanisms(python, { only: ["bogus"] })).rejects.toThrow(/^invalid experiment: bogus/);
  });
});

describe("the busy rules", () => {
  const share = (othersUnniced: number) => ({ others: othersUnniced + 0.3, othersUnniced, own: 0.2, ticks: 400 });

  test("other un-niced CPU above the limit makes a run busy; niced work does not", () => {
    expect(busyReasons(0.5, share(NOISY_SHARE + 0.05), 2, -20)[0]).toMatch(/used 30% of all cores/);
    expect(busyReasons(0.5, share(0.05), 2, -20)).toEqual([]);
  });

  test("the load average counts only for a run that could not raise its priority", () => {
    expect(busyReasons(8, share(0), 2, null)[0]).toMatch(/load average was 8\.00 before the run \(limit 4\)/);
    expect(busyReasons(8, share(0), 2, -20)).toEqual([]);
  });
});

describe("summaries", () => {
  test("summarizeFigure gives the median, quartiles and range; isWide compares the IQR with the median", () => {
    const s = summarizeFigure([5, 1, 3, 2, 4]);
    expect(s).toMatchObject({ median: 3, min: 1, max: 5, q1: 2, q3: 4, n: 5, values: [5, 1, 3, 2, 4] });
    expect(isWide(s, "ns")).toBe(true); // IQR 2 > 0.5 x 3
    expect(isWide(summarizeFigure([10, 10.5, 11, 10.2, 9.8]), "ns")).toBe(false);
    expect(isWide(summarizeFigure([0.1, 0.5, 0.9]), "share")).toBe(true);
  });
});

describe("interpreters", () => {
  test("every interpreter present is CPython 3.9 or later, one per minor version; a version picks its own", async () => {
    const all = await interpretersPresent();
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map(minorOf)).size).toBe(all.length);
    for (const p of all) expect(p.major === 3 && p.minor >= 9).toBe(true);
    const first = all[0]!;
    expect((await resolveInterpreters(minorOf(first))).map(minorOf)).toEqual([minorOf(first)]);
    await expect(resolveInterpreters("2.1")).rejects.toThrow(
      /^invalid python: 2\.1 \(no such interpreter here; present: /,
    );
  });

  test("mechanisms.py runs on every interpreter present", async () => {
    for (const p of await interpretersPresent()) {
      const run = await runScript(
        p.command,
        scriptPath("mechanisms.py"),
        { format: 1, scale: TINY, repeats: 1, only: ["asyncio-executor", "sleeps"] },
        { label: "mechanism suite", timeoutMs: 60_000, handleSignals: false },
      );
      expect(
        run.records.filter((r) => r.type === "trial").map((r) => r.id),
        p.version,
      ).toEqual(["asyncio-executor", "sleeps"]);
    }
  }, 300_000);
});
