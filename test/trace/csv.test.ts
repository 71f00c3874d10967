import { describe, expect, test } from "vitest";
import { csvField, intervalsCsv, tasksCsv } from "../../src/trace/csv.js";
import type { Trace } from "../../src/trace/types.js";

const TRACE: Trace = {
  scenario: "tiny",
  seed: 1,
  end: 5000,
  cores: 1,
  threads: [
    { id: 0, name: "MainThread", process: 0, role: "main" },
    { id: 1, name: 'pool, "fast"', process: 0, role: "worker" },
  ],
  intervals: [
    { thread: 0, state: "gil", start: 0, end: 1200 },
    { thread: 0, state: "io", start: 1200, end: 5000 },
    { thread: 1, state: "idle", start: 0, end: 1200 },
    { thread: 1, state: "nogil", start: 1200, end: 5000 },
  ],
  gil: [],
  markers: [],
  tasks: [
    {
      id: 0,
      class: "api",
      arrival: 0,
      start: 0,
      end: 5000,
      steps: [
        { kind: "cpu", gil: "python", thread: 0, start: 0, end: 1200, demand: 1200 },
        { kind: "io", thread: 0, start: 1200, end: 5000, demand: 3800 },
      ],
    },
    { id: 1, class: "report\nweekly", arrival: 100, start: 1200, end: 5000, steps: [] },
  ],
  iterations: [],
};

describe("csvField", () => {
  test("csvField quotes fields with a comma, a quote or a line break and doubles the quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField(12)).toBe("12");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });
});

describe("intervalsCsv", () => {
  test("intervalsCsv writes one row per interval with the thread's name and process", () => {
    expect(intervalsCsv(TRACE)).toBe(
      [
        "thread,thread_name,process,state,start_ns,end_ns",
        "0,MainThread,0,gil,0,1200",
        "0,MainThread,0,io,1200,5000",
        '1,"pool, ""fast""",0,idle,0,1200',
        '1,"pool, ""fast""",0,nogil,1200,5000',
        "",
      ].join("\n"),
    );
  });

  test("intervalsCsv of a trace with no intervals is the header alone", () => {
    expect(intervalsCsv({ ...TRACE, intervals: [] })).toBe("thread,thread_name,process,state,start_ns,end_ns\n");
  });
});

describe("tasksCsv", () => {
  test("tasksCsv writes one row per task with its wait, latency and step count", () => {
    expect(tasksCsv(TRACE)).toBe(
      [
        "id,class,arrival_ns,start_ns,end_ns,wait_ns,latency_ns,steps",
        "0,api,0,0,5000,0,5000,2",
        '1,"report\nweekly",100,1200,5000,1100,4900,0',
        "",
      ].join("\n"),
    );
  });
});
