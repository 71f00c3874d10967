import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { ERROR_METRICS, type MetricKey, type ScenarioResult } from "../../src/validate/errors.js";
import type { RandomRecord } from "../../src/validate/record.js";
import {
  groupRows,
  headline,
  percent,
  provenance,
  readmeSection,
  summaryTable,
  targetsTable,
} from "../../src/validate/report.js";

function result(
  id: string,
  family: string,
  version: string,
  errors: Partial<Record<MetricKey, number>>,
): ScenarioResult {
  const rows = ERROR_METRICS.map(({ key }) => ({
    key,
    simulated: 1 + (errors[key] ?? 0),
    real: [1, 1.1, 0.9],
    mean: 1,
    min: 0.9,
    max: 1.1,
    error: errors[key] ?? 0,
  }));
  return {
    id,
    family,
    limited: false,
    arrivals: "poisson",
    utilization: 0.5,
    version,
    python: `${version}.1`,
    profile: "data/validation/machine-profile.json",
    unsteady: false,
    errors: { profile: rows, defaults: rows },
  };
}

const RESULTS = [
  result("s9-001", "threads", "3.9", { "latency.p99": -0.4, "latency.p50": -0.1 }),
  result("s9-002", "asyncio", "3.12", { "latency.p99": -0.2, makespan: 0.02 }),
  result("s9-003", "threads", "3.10", { "latency.p99": 0.1 }),
];

describe("report", () => {
  test("percent writes one decimal below 10 and a sign when asked", () => {
    expect(percent(0.0312)).toBe("3.1%");
    expect(percent(0.0312, true)).toBe("+3.1%");
    expect(percent(-0.456, true)).toBe("-45.6%");
    expect(percent(12.5)).toBe("1250%");
    expect(percent(Number.NaN)).toBe("n/a");
    // What rounds to zero has no sign: never "-0.0%".
    expect(percent(-0.0004, true)).toBe("0.0%");
    expect(percent(-0.0004)).toBe("0.0%");
  });

  test("summaryTable: one row per metric and one pooled, the worst named with its scenario, pipes escaped", () => {
    const lines = summaryTable(RESULTS).split("\n");
    expect(lines).toHaveLength(2 + 6);
    const p99 = lines.find((l) => l.startsWith("| p99 |"));
    // |errors| 0.1, 0.2, 0.4: median 20%; 1 of 3 within 15%; mean -16.7%; worst -40%.
    expect(p99).toBe("| p99 | 20.0% | 33.3% | -16.7% | -40.0% (s9-001) | 20.0% | 33.3% | -16.7% | -40.0% (s9-001) |");
    expect(targetsTable(RESULTS)).toContain("| median \\|error\\| of p99, machine profile | 20.0% | <= 5% | **no** |");
  });

  test("groupRows: mean signed error per executor and per version, versions in numeric order", () => {
    const byFamily = groupRows(RESULTS, "family", "profile");
    expect(byFamily.rows.map((r) => [r[0], r[1], r[6]])).toEqual([
      ["asyncio", "1", "-20.0%"],
      ["threads", "2", "-15.0%"],
    ]);
    expect(groupRows(RESULTS, "version", "profile").rows.map((r) => r[0])).toEqual(["3.9", "3.10", "3.12"]);
  });

  test("headline names the most biased metric and the least, with the direction computed", () => {
    expect(headline(RESULTS, "profile")).toBe("p99 20.0% low in the median scenario, makespan within 0.0%");
    const high = RESULTS.map((r) => ({
      ...r,
      errors: { ...r.errors, profile: r.errors.profile.map((e) => ({ ...e, error: -e.error })) },
    }));
    expect(headline(high, "profile")).toMatch(/^p99 20\.0% high in the median scenario/);
  });

  test("provenance states the machine, interpreters, dates and scheduling from the records' metadata", () => {
    const rec = (id: string, version: string, date: string): RandomRecord =>
      ({
        id,
        recorded: `${date}T10:00:00.000Z`,
        machine: { cores: 8, platform: "linux", cpu: "Some CPU", kernel: "6.1.0" },
        load: { before: [0.5, 0.4, 0.3], after: [0.6, 0.4, 0.3] },
        python: { version, executable: "python3" },
        policy: "SCHED_OTHER",
        priority: 20,
        runs: [{ busyBefore: 0.05, busyAfter: 0.1, warnings: [], trace: {} }],
      }) as unknown as RandomRecord;
    expect(provenance([rec("a", "3.10.2", "2026-01-02"), rec("b", "3.9.1", "2026-01-01")])).toBe(
      "2 scenarios, 1 real runs each, on a 8-core Some CPU (linux 6.1.0), in CPython 3.9.1, 3.10.2, recorded 2026-01-01 to 2026-01-02 under SCHED_OTHER, the harness at nice -20; 1-minute load average before a scenario: median 0.5, largest 0.5; other work kept up to 10% of the CPUs busy around a run",
    );
  });

  test("the README holds the section between its markers, with the table readmeSection writes", () => {
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    const inside =
      /<!-- random-validation:start -->\n([\s\S]*?)\n<!-- random-validation:end -->/.exec(readme)?.[1] ?? "";
    expect(inside).toMatch(/^Held-out set: 60 scenarios, 3 real runs each/);
    const section = readmeSection({ records: [], results: RESULTS }, { results: RESULTS });
    const head = (text: string) => text.split("\n").find((l) => l.startsWith("| metric |"));
    expect(head(inside)).toBe(head(section));
    for (const m of ["makespan", "throughput", "p50", "p95", "p99", "all five"])
      expect(inside).toContain(`\n| ${m} | `);
    expect(inside).toMatch(/Targets \(issue 11\) on the held-out set: \d of 6 met/);
  });
});
