import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRecording } from "../../src/capture/recording.js";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { run } from "../cli/run.js";
import { GAP_US, ORDER, REPORT, REQUESTS } from "../fixtures/otel/generate-constants.js";
import { tempDir } from "../temp.js";

/*
 * `gilsim import otel` on a real OTLP/JSON export written by the official OpenTelemetry JS SDK
 * (test/fixtures/otel/generate.ts: sdk-trace-base spans through otlp-transformer's
 * JsonTraceSerializer). The fixture's spans have fixed times, so what each request must become is
 * known exactly from the generator's constants: IO = its CLIENT and database spans, CPU = the rest
 * of the server span (an INTERNAL span included), a share of it GIL-releasing when asked.
 */

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "otel", "orders-otlp.json");
const US = 1000;

describe("gilsim import otel", () => {
  const dir = tempDir("gilsim-otel-");

  it("the committed fixture is what the SDK writes today (the generator gives the same bytes)", () => {
    const again = join(dir, "again.json");
    execFileSync(process.execPath, [
      "--import",
      "tsx",
      join(import.meta.dirname, "..", "fixtures", "otel", "generate.ts"),
      again,
    ]);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(FIXTURE, "utf8"));
  });

  it("makes a request of each SERVER span: IO from CLIENT and database spans, CPU from the rest", async () => {
    const out = join(dir, "orders.jsonl");
    const r = await run("import", "otel", FIXTURE, "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${out}\n`);
    const rec = readRecording(out);
    expect(rec.processes.length).toBe(1);
    const p = rec.processes[0];
    expect(p?.header.source).toBe("otel");
    const tasks = p?.tasks ?? [];
    expect(tasks.length).toBe(REQUESTS);
    const orders = tasks.filter((t) => t.name === "POST /orders");
    const reports = tasks.filter((t) => t.name === "GET /report");
    expect(orders.length).toBe(45);
    expect(reports.length).toBe(15);
    for (const t of orders) {
      expect(t.end - t.start).toBe(ORDER.end * US);
      expect(t.segs.map((s) => [s.cls, s.label, s.t, s.wall])).toEqual([
        ["w", "db:postgresql", ORDER.db[0] * US, (ORDER.db[1] - ORDER.db[0]) * US],
        ["w", "client", ORDER.payment[0] * US, (ORDER.payment[1] - ORDER.payment[0]) * US],
      ]);
      // price_order is an INTERNAL span: the service's own work, so CPU.
      expect(t.cpu).toBe((ORDER.db[0] + ORDER.payment[0] - ORDER.db[1] + ORDER.end - ORDER.payment[1]) * US);
    }
    for (const t of reports) {
      expect(t.segs.map((s) => [s.cls, s.wall])).toEqual([["w", (REPORT.db[1] - REPORT.db[0]) * US]]);
      expect(t.cpu).toBe((REPORT.end - (REPORT.db[1] - REPORT.db[0])) * US);
    }
  });

  it("writes the asked share of the own time as GIL-releasing calls, and fit gives a scenario check accepts", async () => {
    const out = join(dir, "share.jsonl");
    expect((await run("import", "otel", FIXTURE, "--out", out, "--release-share", "0.25")).code).toBe(0);
    const tasks = readRecording(out).processes[0]?.tasks ?? [];
    for (const t of tasks) {
      const released = t.segs.filter((s) => s.cls === "r").reduce((a, s) => a + s.cpu, 0);
      expect(Math.abs(released - 0.25 * t.cpu)).toBeLessThanOrEqual(3);
    }
    const scenario = join(dir, "share.json");
    const fit = await run(
      "fit",
      out,
      "--out",
      scenario,
      "--executor",
      "threads:4",
      "--python",
      "3.12",
      "--warmup",
      "0s",
      "--replications",
      "1",
    );
    expect(fit.code).toBe(0);
    expect((await run("check", scenario)).code).toBe(0);
    const input = JSON.parse(readFileSync(scenario, "utf8"));
    expect(input.executor).toEqual({ kind: "threads", workers: 4 });
    expect(input.workload.arrivals).toMatchObject({ kind: "fixed", rate: 50, count: REQUESTS });
    const steps = input.workload.classes.find((c: { name: string }) => c.name === "POST /orders").steps;
    // The payment call's 4 ms wait, as IO.
    expect(steps).toContainEqual({ io: `${ORDER.payment[1] - ORDER.payment[0]}us` });
    expect(steps).toContainEqual({ cpu: `${0.25 * (ORDER.payment[0] - ORDER.db[1])}us`, gil: "release" });
  });

  it("fit --arrivals replay writes the recorded arrival times, and the simulation meets exactly those", async () => {
    const out = join(dir, "replay.jsonl");
    expect((await run("import", "otel", FIXTURE, "--out", out)).code).toBe(0);
    const scenario = join(dir, "replay.json");
    const args = ["--out", scenario, "--executor", "threads:4", "--python", "3.12", "--warmup", "0s"];
    const fit = await run("fit", out, ...args, "--arrivals", "replay", "--replications", "1");
    expect(fit.code).toBe(0);
    expect(fit.out).toContain(`arrivals: a replay of the ${REQUESTS} recorded times`);
    expect((await run("check", scenario)).code).toBe(0);
    const input = JSON.parse(readFileSync(scenario, "utf8"));
    // The fixture's server spans start every GAP_US: the replay is those instants, from the first.
    const expected = Array.from({ length: REQUESTS }, (_, i) => (i * GAP_US) / 1000);
    expect(input.workload.arrivals).toEqual({ kind: "replay", times: expected });
    const sim = simulate(parseScenario(input), { trace: true });
    const arrived = [...(sim.trace?.tasks ?? [])].sort((a, b) => a.id - b.id).map((t) => t.arrival);
    expect(arrived).toEqual(expected.map((ms) => ms * 1e6));
  });

  it("fit refuses an unknown --arrivals with a one-line error and exit 2", async () => {
    const out = join(dir, "bad-arrivals.jsonl");
    expect((await run("import", "otel", FIXTURE, "--out", out)).code).toBe(0);
    const scenario = join(dir, "bad-arrivals.json");
    const r = await run("fit", out, "--out", scenario, "--arrivals", "recorded");
    expect(r.code).toBe(2);
    expect(r.err).toBe("gilsim: invalid --arrivals: recorded (expected fitted or replay)\n");
    expect(existsSync(scenario)).toBe(false);
  });

  it.each([
    ["not JSON", "{ nope", /not JSON/],
    ["no resourceSpans", '{"resourceMetrics": []}', /no resourceSpans/],
    [
      "a bad time",
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"01","kind":2,"startTimeUnixNano":"x","endTimeUnixNano":"1"}]}]}]}',
      /startTimeUnixNano/,
    ],
    [
      "no server span",
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"01","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}',
      /no SERVER spans/,
    ],
  ])("refuses %s with a one-line error, exit 2 and nothing written", async (_what, text, message) => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, text);
    const out = join(dir, "bad.jsonl");
    const r = await run("import", "otel", bad, "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n").length).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a release share outside 0..1", async () => {
    const r = await run("import", "otel", FIXTURE, "--release-share", "1.5");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid --release-share: 1.5/);
  });
});
