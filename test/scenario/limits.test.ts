import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { formatLimit, INTEGER_RANGES } from "../../src/scenario/limits.js";
import { validateScenario } from "../../src/scenario/scenario.js";
import { problemsOf } from "./problems.js";

/*
 * Every number in a scenario has a stated range (src/scenario/limits.ts), checked before any run:
 * absurd values (a rate of 1e-300/s, a duration of 1e290 s, 1e9 replications) used to be accepted
 * and then hang the run silently, and nesting 600 repeats deep overflowed the stack.
 */

// biome-ignore lint/suspicious/noExplicitAny: bad inputs are free-form JSON, edited at any depth
type Loose = Record<string, any>;

function base(): Loose {
  return {
    executor: { kind: "threads", workers: 2 },
    workload: { arrivals: { kind: "batch", count: 10 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
  };
}

/** `steps` wrapped `depth` times in a repeat (or an offload). */
function nested(depth: number, kind: "repeat" | "offload"): unknown[] {
  let steps: unknown[] = [{ cpu: "1ms" }];
  for (let i = 0; i < depth; i++) steps = [kind === "repeat" ? { repeat: 2, steps } : { offload: steps }];
  return steps;
}

describe("the range of every value is checked before a run", () => {
  test.each([
    [
      "an arrival rate of 1e-300/s",
      (s: Loose) => {
        s.workload.arrivals = { kind: "poisson", rate: 1e-300, count: 3 };
      },
      "x.json: workload.arrivals.rate: 1e-300 is invalid (expected a rate of at least one arrival in 104 days (the clock's range))",
    ],
    [
      "a duration of 1e290 s",
      (s: Loose) => {
        s.workload.classes[0].steps = [{ io: "1e290s" }];
      },
      'x.json: workload.classes[0].steps[0].io: "1e290s" is invalid (expected a duration of at most 104 days (2^53 ns, the most the clock holds exactly))',
    ],
    [
      "a timerSlack of 1e290 s",
      (s: Loose) => {
        s.runtime = { timerSlack: "1e290s" };
      },
      'x.json: runtime.timerSlack: "1e290s" is invalid (expected a duration of at most 104 days (2^53 ns, the most the clock holds exactly))',
    ],
    [
      "1e9 replications",
      (s: Loose) => {
        s.run = { replications: 1e9 };
      },
      "x.json: run.replications: 1000000000 is invalid (expected at most 10,000)",
    ],
    [
      "a lognormal with mu 1000",
      (s: Loose) => {
        s.workload.classes[0].steps = [{ cpu: { dist: "lognormal", mu: 1000, sigma: 1 } }];
      },
      "x.json: workload.classes[0].steps[0].cpu: expected a distribution whose mean is at most 104 days (2^53 ns, the most the clock holds exactly); this one's is Infinity",
    ],
    [
      "repeat: 1e12",
      (s: Loose) => {
        s.workload.classes[0].steps = [{ repeat: 1e12, steps: [{ cpu: "1us" }] }];
      },
      "x.json: workload.classes[0].steps[0].repeat: 1000000000000 is invalid (expected at most 1,000,000,000)",
    ],
    [
      "repeats that multiply out to 1e12 steps a task",
      (s: Loose) => {
        s.workload.classes[0].steps = [{ repeat: 1e6, steps: [{ repeat: 1e6, steps: [{ cpu: "1us" }] }] }];
      },
      "x.json: workload.classes[0].steps: a task runs 1e12 steps with its repeats multiplied out (expected at most 1,000,000,000)",
    ],
    [
      "an Erlang k of 1e9 (each draw sums k exponentials)",
      (s: Loose) => {
        s.workload.classes[0].steps = [{ cpu: { dist: "erlang", k: 1e9, mean: "1ms" } }];
      },
      "x.json: workload.classes[0].steps[0].cpu.k: 1000000000 is invalid (expected at most 1,000)",
    ],
    [
      "a forever loop whose steps take no time",
      (s: Loose) => {
        s.background = [{ name: "spin", steps: [{ repeat: "forever", steps: [{ cpu: 0 }] }] }];
        s.run = { until: "1s" };
      },
      'x.json: background[0].steps[0].steps: a "forever" loop whose steps take no time never lets the clock move (give a step a duration above 0)',
    ],
  ])("%s is refused with one line naming the value and its range", (_, edit, line) => {
    const s = base();
    edit(s);
    expect(problemsOf(s)).toEqual([line]);
  });

  test("each integer range is enforced at both ends: its maximum passes and one more fails", () => {
    const at: Record<keyof typeof INTEGER_RANGES, (s: Loose, n: number) => void> = {
      cores: (s, n) => {
        s.machine = { cores: n };
      },
      workers: (s, n) => {
        s.executor.workers = n;
      },
      loops: (s, n) => {
        s.executor = { kind: "asyncio", loops: n };
      },
      concurrency: (s, n) => {
        s.workload.concurrency = n;
      },
      count: (s, n) => {
        s.workload.arrivals.count = n;
      },
      clients: (s, n) => {
        s.workload.arrivals = { kind: "closed", clients: n, count: 5 };
      },
      replications: (s, n) => {
        s.run = { replications: n };
      },
      repeat: (s, n) => {
        s.workload.classes[0].steps = [{ repeat: n, steps: [{ cpu: "1us" }] }];
      },
      spawn: (s, n) => {
        s.executor = { kind: "asyncio" };
        s.workload.classes[0].steps = [{ spawn: n, steps: [{ cpu: "1us" }] }];
      },
      threads: (s, n) => {
        s.workload.classes[0].steps = [{ threads: n, steps: [{ cpu: "1us" }] }];
      },
      chunksize: (s, n) => {
        s.executor = { kind: "processes" };
        s.workload.arrivals = { kind: "batch", count: 5 };
        s.workload.chunksize = n;
      },
      erlangK: (s, n) => {
        s.workload.classes[0].steps = [{ cpu: { dist: "erlang", k: n, mean: "1ms" } }];
      },
    };
    for (const [field, range] of Object.entries(INTEGER_RANGES) as [keyof typeof INTEGER_RANGES, { max: number }][]) {
      const ok = base();
      at[field](ok, range.max);
      expect(validateScenario(ok), field).toEqual([]);
      const over = base();
      at[field](over, range.max + 1);
      expect(validateScenario(over).join(), field).toMatch(/is invalid \(expected at most [\d,]+\)$/);
    }
  });
});

describe("nesting is limited before the schema, which recurses, sees it", () => {
  test.each(["repeat", "offload"] as const)("a %s nested 700 deep is one line, not a stack overflow", (kind) => {
    const s = base();
    s.executor = { kind: "asyncio" };
    s.workload.classes[0].steps = nested(700, kind);
    const lines = problemsOf(s);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^x\.json: workload\.classes\[0\]\.steps\[0\].*: nested more than 64 lists and objects deep/,
    );
    expect(lines[0]!.length).toBeLessThan(300);
  });

  test("a list nested 10,000 deep under an unknown key is one line", () => {
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(problemsOf({ ...base(), x: deep })).toEqual([
      expect.stringMatching(/^x\.json: x\[0\]\[0\].*\[0\]: nested more than 64 lists and objects deep \(at most 64\)$/),
    ]);
  });

  test("an object that contains itself (from TypeScript) is refused, not walked forever", () => {
    const s = base();
    s.workload.classes[0].self = s;
    expect(problemsOf(s)[0]).toMatch(/nested more than 64 lists and objects deep/);
  });
});

describe("floods of problems are cut", () => {
  test("a scenario with 100,000 unknown keys prints 20 lines: 19 problems and how many more", () => {
    const s = base();
    for (let i = 0; i < 100_000; i++) s[`k${i}`] = 1;
    const lines = problemsOf(s);
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe("x.json: k0: unknown option");
    expect(lines[19]).toBe("x.json: ... and 99981 more problems");
  });

  test("a 1 MB key or value is cut to a readable length", () => {
    const s = base();
    s["k".repeat(1 << 20)] = 1;
    s.workload.classes[0].name = 7;
    s.seed = "v".repeat(1 << 20);
    const lines = problemsOf(s);
    expect(lines.every((l) => l.length <= 300)).toBe(true);
    expect(lines).toContain(`x.json: ${"k".repeat(37)}...: unknown option`);
    expect(lines).toContain(`x.json: seed: "${"v".repeat(56)}... is invalid (expected a non-negative integer)`);
  });
});

describe("formatLimit", () => {
  it("writes every number as toLocaleString('en-US') does, below 1e12", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -1e6, max: 1e12 - 1 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
        (n) => {
          expect(formatLimit(n)).toBe(n.toLocaleString("en-US"));
        },
      ),
    );
    expect(formatLimit(1024)).toBe("1,024");
    expect(formatLimit(2 ** 40)).toBe("1e12");
  });
});
