import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { traceFiles } from "../../src/cli/commands/trace.js";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-trace-");

describe("traceFiles", () => {
  test("traceFiles drops a .json or .csv suffix and names the files of each format", () => {
    expect(traceFiles("out/run", "chrome")).toEqual({ chrome: "out/run.json" });
    expect(traceFiles("out/run.json", "csv")).toEqual({
      intervals: "out/run.intervals.csv",
      tasks: "out/run.tasks.csv",
    });
    expect(traceFiles("run.CSV", "both")).toEqual({
      chrome: "run.json",
      intervals: "run.intervals.csv",
      tasks: "run.tasks.csv",
    });
  });
});

describe("gilsim trace", () => {
  test("trace PRESET --out writes a Chrome trace by default", async () => {
    const out = join(dir, "convoy");
    const r = await run("trace", "convoy", "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${out}.json (Chrome trace: open it in https://ui.perfetto.dev)\n`);
    const json = JSON.parse(readFileSync(`${out}.json`, "utf8"));
    expect(json.otherData).toMatchObject({ scenario: "convoy", seed: 1 });
    expect(json.traceEvents.some((e: { name: string }) => e.name === "wait-gil")).toBe(true);
  });

  test("trace --format both writes the Chrome trace and both CSV files, the same bytes for the same seed", async () => {
    const a = join(dir, "a", "hash");
    const b = join(dir, "b", "hash");
    expect((await run("trace", "threads-hashing", "--out", a, "--format", "both", "--seed", "3")).code).toBe(0);
    expect((await run("trace", "threads-hashing", "--out", b, "--format", "both", "--seed", "3")).code).toBe(0);
    expect(readdirSync(join(dir, "a")).sort()).toEqual(["hash.intervals.csv", "hash.json", "hash.tasks.csv"]);
    for (const suffix of [".json", ".intervals.csv", ".tasks.csv"]) {
      expect(readFileSync(a + suffix, "utf8")).toBe(readFileSync(b + suffix, "utf8"));
    }
    const tasks = readFileSync(`${a}.tasks.csv`, "utf8").trimEnd().split("\n");
    expect(tasks[0]).toBe("id,class,arrival_ns,start_ns,end_ns,wait_ns,latency_ns,steps");
    expect(tasks).toHaveLength(1 + 8);
    const intervals = readFileSync(`${a}.intervals.csv`, "utf8").trimEnd().split("\n");
    expect(intervals[0]).toBe("thread,thread_name,process,state,start_ns,end_ns");
    const json = JSON.parse(readFileSync(`${a}.json`, "utf8"));
    const states = json.traceEvents.filter((e: { ph: string; cat: string }) => e.ph === "X" && e.cat !== "gil-hold");
    expect(states).toHaveLength(intervals.length - 1);
  });

  test("trace --format csv writes only the CSV files", async () => {
    const out = join(dir, "csv-only", "io");
    const r = await run("trace", "asyncio-io", "--out", `${out}.csv`, "--format", "csv");
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "csv-only")).sort()).toEqual(["io.intervals.csv", "io.tasks.csv"]);
  });

  test("trace without --out writes NAME.json in the current folder, NAME being the scenario's name", async () => {
    const here = process.cwd();
    const scratch = join(dir, "default-out");
    mkdirSync(scratch);
    process.chdir(scratch);
    try {
      const r = await run("trace", "threads-cpu");
      expect(r.code).toBe(0);
      expect(r.out).toBe("wrote threads-cpu.json (Chrome trace: open it in https://ui.perfetto.dev)\n");
    } finally {
      process.chdir(here);
    }
    expect(readdirSync(scratch)).toEqual(["threads-cpu.json"]);
  });

  test("trace with an unknown --format returns 2 and names the choices", async () => {
    const r = await run("trace", "convoy", "--out", join(dir, "x"), "--format", "xml");
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are chrome, csv, both, jsonl.",
    );
    expect(existsSync(join(dir, "x.json"))).toBe(false);
  });

  test("trace with a bad seed returns 2 before simulating", async () => {
    const r = await run("trace", "convoy", "--out", join(dir, "y"), "--seed", "-3");
    expect(r).toEqual({ code: 2, out: "", err: "gilsim: invalid --seed: -3 (expected a non-negative integer)\n" });
  });

  test("trace that cannot write its output returns 2 naming the output, before it runs", async () => {
    const r = await run("trace", "threads-hashing", "--out", "/dev/null/trace");
    expect(r).toEqual({
      code: 2,
      out: "",
      err: "gilsim: cannot write /dev/null/trace.json (a part of the path is not a folder)\n",
    });
  });
});
